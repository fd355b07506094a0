import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { formatPath, toConfigIssues, type ConfigIssue } from './issues.js';
import { knownKeysAt } from './known-keys.js';
import { configSchema, type Config } from './schema.js';
import { readSecretFile } from './secret-files.js';
import { substituteEnv } from './substitute.js';

export interface LoadedConfig {
  /** Defaults filled in, paths absolute (relative to the config file), secrets resolved. */
  readonly config: Config;
  /** Absolute path of the config file. */
  readonly path: string;
  /** sha256 hex of the config with secrets removed: the basis a saved plan records. */
  readonly hash: string;
  /** Every resolved secret value, so callers can scrub them from any output. */
  readonly secrets: readonly string[];
}

const FIX = 'correct the settings listed above (reference: config/scimsync.schema.json, example: config/csv.yaml)';

/** Reads, substitutes, validates and resolves a config file. Throws ConfigError listing every problem. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'not found' : `cannot be read (${code})`;
    throw new ConfigError(`${path}: config file ${why}`, [], 'pass the path of an existing file with -c (example: config/csv.yaml)');
  }
  return parseConfig(text, { path, env });
}

/** Synchronous core of loadConfig, from YAML text (tests, or a config that is not on disk). */
export function parseConfig(yamlText: string, opts: { path: string; env?: NodeJS.ProcessEnv }): LoadedConfig {
  const display = opts.path;
  const absPath = resolve(opts.path);
  const baseDir = dirname(absPath);
  const raw = parseYaml(yamlText, display);

  const issues: ConfigIssue[] = [];
  const substituted = substituteEnv(raw, opts.env ?? process.env, issues);
  readSecretFiles(substituted, baseDir, issues);

  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    // A path that already has a problem (an unset variable became '') would only repeat it as "must not be empty".
    const seen = new Set(issues.map((i) => i.path));
    for (const zi of result.error.issues) {
      for (const ci of toConfigIssues(zi, raw, (p) => knownKeysAt(configSchema, substituted, p))) {
        if (!seen.has(ci.path)) issues.push(ci);
      }
    }
  }
  if (issues.length > 0 || !result.success) throw configError(display, issues);

  const config = resolvePaths(result.data, baseDir);
  const secrets = collectSecrets(config);
  return { config, path: absPath, hash: hashConfig(config), secrets };
}

function configError(display: string, issues: readonly ConfigIssue[]): ConfigError {
  const n = issues.length;
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ConfigError(`${display}: ${n} problem${n === 1 ? '' : 's'}: ${list}`, issues, FIX);
}

function parseYaml(text: string, display: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: `${display}:${line}:${col}`, message: `YAML syntax error: ${e.message}` };
    });
    const first = issues[0];
    throw new ConfigError(`${first?.path ?? display}: ${first?.message ?? 'YAML syntax error'}`, issues, 'fix the YAML at that line and column');
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${display}: YAML error: ${(err as Error).message}`, [{ path: display, message: (err as Error).message }], 'fix the YAML anchors and aliases');
  }
  if (value === null || value === undefined) {
    throw new ConfigError(`${display}: the config file is empty`, [{ path: '(root)', message: 'the config file is empty' }], 'start from config/csv.yaml');
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${display}: the config must be a mapping of keys (source, target, ...)`, [], 'start from config/csv.yaml');
  }
  return value;
}

/** Where `<key>File` may stand in for a secret `<key>`. */
const SECRET_FILE_KEYS = [
  { section: 'target', key: 'token', fileKey: 'tokenFile' },
  { section: 'source', key: 'bindPassword', fileKey: 'bindPasswordFile' },
] as const;

/**
 * Reads `tokenFile`/`bindPasswordFile` relative to the config file and moves the content into the value key,
 * before validation, so a missing file is reported together with every other problem. When both keys are
 * given the schema reports it; nothing is read.
 */
function readSecretFiles(doc: unknown, baseDir: string, issues: ConfigIssue[]): void {
  for (const { section, key, fileKey } of SECRET_FILE_KEYS) {
    const sec = (doc as Record<string, unknown>)[section];
    if (sec === null || typeof sec !== 'object' || Array.isArray(sec)) continue;
    const s = sec as Record<string, unknown>;
    const file = s[fileKey];
    if (typeof file !== 'string' || file.trim() === '' || s[key] !== undefined) continue;
    const r = readSecretFile(resolve(baseDir, file.trim()));
    delete s[fileKey];
    if (r.ok) s[key] = r.value;
    else {
      issues.push({ path: formatPath([section, fileKey]), message: r.message });
      s[key] = 'unread'; // keeps the schema from also reporting "required"; the config is rejected anyway
    }
  }
}

function abs(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function resolvePaths(c: Config, baseDir: string): Config {
  const state = { ...c.state, path: abs(baseDir, c.state.path) };
  if (c.source.type === 'csv') {
    const { groups, ...rest } = c.source;
    const source = { ...rest, users: abs(baseDir, c.source.users), ...(groups !== undefined ? { groups: abs(baseDir, groups) } : {}) };
    return { ...c, source, state };
  }
  const { ca, ...tls } = c.source.tls;
  const source = { ...c.source, tls: { ...tls, ...(ca !== undefined ? { ca: abs(baseDir, ca) } : {}) } };
  return { ...c, source, state };
}

function collectSecrets(c: Config): string[] {
  const values = [c.target.token];
  if (c.source.type === 'ldap' && c.source.bindPassword !== undefined) values.push(c.source.bindPassword);
  return [...new Set(values.filter((v) => v.length > 0))];
}

/** sha256 of the canonical JSON (sorted keys) of the config without its secrets. */
export function hashConfig(c: Config): string {
  const { token: _token, ...target } = c.target;
  const source = c.source.type === 'ldap' ? (({ bindPassword: _pw, ...rest }) => rest)(c.source) : c.source;
  return createHash('sha256').update(canonical({ ...c, source, target })).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
