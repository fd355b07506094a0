import * as z from 'zod';
import type { SyncState } from './types.js';

const userRecord = z.object({
  targetId: z.string().min(1),
  userName: z.string(),
  pushedHash: z.string(),
  ownership: z.enum(['created', 'adopted']),
});

const groupRecord = z.object({
  targetId: z.string().min(1),
  displayName: z.string(),
  ownership: z.enum(['created', 'adopted']),
});

const runRecord = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  outcome: z.enum(['converged', 'partial', 'refused', 'failed']),
  summary: z.record(z.string(), z.number()),
  failed: z.number(),
  requests: z.record(z.string(), z.number()),
});

const progress = z.object({
  planId: z.string(),
  startedAt: z.string(),
  total: z.number().int().nonnegative(),
  done: z.array(z.string()),
});

/**
 * Records keyed by source id (users) or lower-cased group name (groups), each checked by `record` and put back
 * where it is. z.record would be the obvious schema, but it drops a key named `__proto__` without a word, which
 * the apply writes on purpose (apply-state.ts, setOwn): a managed user with that source id would lose its
 * record on the next load and never be deprovisioned. It also builds a second dictionary of every key
 * (100,000 at 100k users) only to hand back the same records. The records are checked by one zod call over
 * the list of them: a call per record cost three times as much at 100,000. Issues keep z.record's paths
 * (`users.<id>.<field>`).
 */
function recordsOf<S extends z.ZodType<object>>(record: S) {
  const list = z.array(record);
  return z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      error: (iss) => `Invalid input: expected record, received ${iss.input === null ? 'null' : Array.isArray(iss.input) ? 'array' : typeof iss.input}`,
    })
    .transform((dict, ctx) => {
      const keys = Object.keys(dict);
      const result = list.safeParse(keys.map((key) => dict[key]));
      if (!result.success) {
        for (const issue of result.error.issues) {
          const [index, ...path] = issue.path;
          const key = keys[index as number]!;
          ctx.issues.push({ ...issue, input: dict[key], path: [key, ...path] } as never);
        }
        return z.NEVER;
      }
      // The parsed document belongs to this read: each record is replaced by its checked copy in place.
      result.data.forEach((checked, i) => {
        const key = keys[i]!;
        if (key === '__proto__') Object.defineProperty(dict, key, { value: checked, enumerable: true, writable: true, configurable: true });
        else dict[key] = checked;
      });
      return dict as Record<string, z.output<S>>;
    });
}

/** Format version 1. Unknown extra keys are kept (a newer minor writer may add optional fields). */
const stateV1 = z.looseObject({
  version: z.literal(1),
  lineage: z.string().min(1),
  serial: z.number().int().nonnegative(),
  target: z.string(),
  users: recordsOf(userRecord),
  groups: recordsOf(groupRecord),
  lastRun: runRecord.optional(),
  progress: progress.optional(),
});

export type ParseResult = { ok: true; state: SyncState } | { ok: false; problem: string };

/** Validates a version-1 document; the problem names the first bad field by its path. */
export function parseStateV1(doc: unknown): ParseResult {
  const result = stateV1.safeParse(doc);
  if (result.success) return { ok: true, state: result.data as SyncState };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'document';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}
