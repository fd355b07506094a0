import type { z } from 'zod';

export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** `['sync', 'protect', 0]` → `sync.protect[0]`; the root is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

const SECRET_KEYS = new Set(['token', 'bindPassword']);

/** Reads a value from the raw (pre-validation) document, to say what was found. */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function describe(v: unknown, path: readonly PropertyKey[]): string {
  if (SECRET_KEYS.has(String(path[path.length - 1]))) return 'a value';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/**
 * One zod issue → one line a person can act on. `knownKeys` lists the keys valid at a path, for "did you
 * mean"; `written` is the document as written, before `${VAR}` substitution, to name a rejected value: a
 * substituted value may be a secret put in the wrong place, so messages show `"${VAR}"`, never its value
 * (and never the value of a secret key at all).
 */
export function toConfigIssues(issue: z.core.$ZodIssue, written: unknown, knownKeys: (path: readonly PropertyKey[]) => readonly string[]): ConfigIssue[] {
  const path = issue.path;
  const got = valueAt(written, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const hint = closest(k, knownKeys(path));
        return {
          path: formatPath([...path, k]),
          message: `unknown key${hint ? ` — did you mean "${hint}"?` : ` — remove it (valid here: ${knownKeys(path).join(', ')})`}`,
        };
      });
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (got === undefined) return [{ path: formatPath(path), message: `required — set it to ${want}` }];
      return [{ path: formatPath(path), message: `must be ${want}, got ${describe(got, path)}` }];
    }
    case 'invalid_value':
      return [{ path: formatPath(path), message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${describe(got, path)}` }];
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const found = got === undefined ? 'nothing' : describe(got, path);
        return [{ path: formatPath(path), message: `must be one of ${options.map((o) => JSON.stringify(o)).join(' | ')}, got ${found}` }];
      }
      return [{ path: formatPath(path), message: issue.message }];
    case 'too_small':
      if (issue.origin === 'string') return [{ path: formatPath(path), message: 'must not be empty' }];
      if (issue.origin === 'array') return [{ path: formatPath(path), message: `needs at least ${String(issue.minimum)} entries` }];
      return [{ path: formatPath(path), message: `must be at least ${String(issue.minimum)}, got ${describe(got, path)}` }];
    case 'too_big':
      if (issue.origin === 'string') return [{ path: formatPath(path), message: `must be at most ${String(issue.maximum)} characters` }];
      return [{ path: formatPath(path), message: `must be at most ${String(issue.maximum)}, got ${describe(got, path)}` }];
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
}

/** The known key nearest to a typo, if it is near enough to be a plausible slip (or differs only in case). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === word.toLowerCase()) return c;
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
