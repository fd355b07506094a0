import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { canonicalJson } from '../model/index.js';
import { fileAccessProblem } from './file-errors.js';
import { toConfigIssues, type ConfigIssue } from './issues.js';
import { knownKeysAt } from './known-keys.js';
import { configSchema, LOG_LEVELS, type Config } from './schema.js';
import { foldSecretFiles, tokenProblem } from './secret-files.js';
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
  /**
   * Where the SCIM key came from, for a rejected-key message: `environment variable SCIM_TOKEN`, `file
   * /run/secrets/scim-token` or `target.token in FILE`. Never the key itself.
   */
  readonly tokenSource: string;
  /** Settings that are valid but will hurt (e.g. a rate above Amplitude's limit): logged by every run, shown by check. */
  readonly warnings: readonly string[];
}

const FIX = 'correct the settings listed above (reference: config/scimsync.schema.json, example: config/csv.yaml)';

/** Reads, substitutes, validates and resolves a config file. Throws ConfigError listing every problem. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`${path}: config file not found`, [], 'pass the path of an existing file with -c (example: config/csv.yaml)');
    }
    const p = fileAccessProblem(err, path, '-c', 'the config file');
    throw new ConfigError(`${path}: config file cannot be read: ${p.why}`, [], p.fix);
  }
  return parseConfig(text, { path, env });
}

/** Synchronous core of loadConfig, from YAML text (tests, or a config that is not on disk). */
export function parseConfig(yamlText: string, opts: { path: string; env?: NodeJS.ProcessEnv }): LoadedConfig {
  const display = opts.path;
  const absPath = resolve(opts.path);
  const baseDir = dirname(absPath);
  const raw = parseYaml(yamlText, display);

  const env = opts.env ?? process.env;
  const issues: ConfigIssue[] = [];
  checkLogLevelOverride(env, issues);
  const substituted = substituteEnv(raw, env, issues);
  foldSecretFiles(substituted, baseDir, issues);
  const tokenSource = describeTokenSource(raw, baseDir, display);
  checkToken(substituted, tokenSource, issues);

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
  return { config, path: absPath, hash: hashConfig(config), secrets, tokenSource, warnings: configWarnings(config) };
}

/**
 * `SCIMSYNC_LOG_LEVEL` overrides log.level (see cli/context.ts). A wrong value would otherwise surface as
 * pino's stack trace when the logger is made: check it here, with the config's other problems.
 */
function checkLogLevelOverride(env: NodeJS.ProcessEnv, issues: ConfigIssue[]): void {
  const level = env['SCIMSYNC_LOG_LEVEL'];
  if (level === undefined || (LOG_LEVELS as readonly string[]).includes(level)) return;
  issues.push({
    path: 'SCIMSYNC_LOG_LEVEL',
    message: `"${level}" is not a log level — use one of ${LOG_LEVELS.join(', ')} (or unset it to use log.level)`,
  });
}

/** Amplitude allows 100 requests per minute per org: a budget above it only buys 429s and their back-off. */
const AMPLITUDE_PER_MINUTE = 100;

function configWarnings(c: Config): string[] {
  const warnings: string[] = [];
  const perMinute = c.target.rateLimit.perMinute;
  if (c.target.profile === 'amplitude' && perMinute > AMPLITUDE_PER_MINUTE) {
    const why = `Amplitude allows ${AMPLITUDE_PER_MINUTE} requests per minute per org: expect 429 responses and stalls while the client backs off`;
    warnings.push(`target.rateLimit.perMinute is ${perMinute}, but ${why} — set it to 90 or less`);
  }
  return warnings;
}

/** From the YAML as written (before substitution), so a `${VAR}` is named by its variable. */
function describeTokenSource(raw: unknown, baseDir: string, display: string): string {
  const target = (raw as Record<string, unknown>)['target'];
  const t = target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : {};
  if (typeof t['tokenFile'] === 'string' && t['token'] === undefined) return `file ${resolve(baseDir, t['tokenFile'].trim())}`;
  const token = t['token'];
  const only = typeof token === 'string' ? /^\s*\$\{([A-Za-z_][A-Za-z0-9_]*)\}\s*$/.exec(token) : null;
  if (only) return `environment variable ${only[1]}`;
  return `target.token in ${display}`;
}

/**
 * A key from an environment variable or the config is trimmed like one from a file (a Kubernetes Secret in
 * an env var keeps the file's newline); whitespace or control characters left inside are a config error,
 * not a request that fails as a "network error".
 */
function checkToken(doc: unknown, tokenSource: string, issues: ConfigIssue[]): void {
  const target = (doc as Record<string, unknown>)['target'];
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return;
  const t = target as Record<string, unknown>;
  if (typeof t['token'] !== 'string' || issues.some((i) => i.path.startsWith('target.token'))) return;
  const token = t['token'].replace(/^\uFEFF/, '').trim();
  if (token === '') return; // the schema reports an empty token
  t['token'] = token;
  const bad = tokenProblem(token);
  if (bad) issues.push({ path: 'target.token', message: `the token from ${tokenSource} ${bad} — set it to the SCIM key alone` });
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
    throw new ConfigError(
      `${display}: YAML error: ${(err as Error).message}`,
      [{ path: display, message: (err as Error).message }],
      'fix the YAML anchors and aliases',
    );
  }
  if (value === null || value === undefined) {
    throw new ConfigError(`${display}: the config file is empty`, [{ path: '(root)', message: 'the config file is empty' }], 'start from config/csv.yaml');
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${display}: the config must be a mapping of keys (source, target, ...)`, [], 'start from config/csv.yaml');
  }
  return value;
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
  return createHash('sha256')
    .update(canonicalJson({ ...c, source, target }))
    .digest('hex');
}
