import { checkTargetUrl } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';

export interface ScimClientOptions {
  /** SCIM base URL, e.g. `https://core.amplitude.com/scim/1/`. No credentials, no query. */
  readonly url: string;
  /** Bearer token. Never logged and never part of an error message. */
  readonly token: string;
  /** Where the token came from (`environment variable SCIM_TOKEN`, `file …`), named when the target rejects it. */
  readonly tokenSource?: string;
  readonly profile: 'amplitude' | 'rfc';
  /** Client-side sliding-window budget, requests per rolling minute; 0 = off. @default 90 */
  readonly perMinute?: number;
  /** Connections in the undici pool. @default 2 */
  readonly concurrency?: number;
  /** Retries after the first attempt, per request. @default 5 */
  readonly maxRetries?: number;
  /** Per request: time allowed for the headers, then for the body. @default 30000 */
  readonly timeoutMs?: number;
  /** Exponential backoff with full jitter when the server gives no Retry-After. @default { baseMs: 1000, maxMs: 60000 } */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** TLS certificate verification. @default true */
  readonly rejectUnauthorized?: boolean;
  /** A response body larger than this stops the read (a list page: the run writes nothing). @default 32 MiB */
  readonly maxResponseBytes?: number;
  /** A 429 whose Retry-After asks for a longer wait stops the run instead of stalling it. @default 120 */
  readonly maxRetryAfterSeconds?: number;
  /** All retry waits of one client (one run) together; a wait that would pass it stops the run. @default 600 */
  readonly maxRetryTimeSeconds?: number;
  /** @default a silent logger */
  readonly logger?: Logger;
}

export const DEFAULT_SCIM_CLIENT = {
  perMinute: 90,
  concurrency: 2,
  maxRetries: 5,
  timeoutMs: 30_000,
  backoff: { baseMs: 1000, maxMs: 60_000 },
  rejectUnauthorized: true,
  maxResponseBytes: 32 * 1024 * 1024,
  maxRetryAfterSeconds: 120,
  maxRetryTimeSeconds: 600,
} as const;

export interface ResolvedScimClientOptions {
  readonly url: URL;
  readonly token: string;
  readonly tokenSource: string | undefined;
  readonly profile: 'amplitude' | 'rfc';
  readonly perMinute: number;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly rejectUnauthorized: boolean;
  readonly maxResponseBytes: number;
  readonly maxRetryAfterSeconds: number;
  readonly maxRetryTimeSeconds: number;
  readonly logger: Logger;
}

function invalid(option: string, expected: string, value: unknown): ConfigError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const message = `invalid SCIM client option ${option}: expected ${expected}, got ${shown} (${typeof value})`;
  return new ConfigError(message, [{ path: `target.${option}`, message }], `set target.${option} to ${expected}`);
}

function integer(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(option, `an integer >= ${min}`, value);
  return value;
}

/** The rules are target.url's (config/target-url.ts), so the client and the config cannot disagree. */
function parseUrl(raw: unknown): URL {
  if (typeof raw !== 'string') throw invalid('url', 'an http(s) URL', raw);
  const checked = checkTargetUrl(raw);
  if (!checked.ok) {
    const issues = [{ path: 'target.url', message: checked.message }];
    throw new ConfigError(`invalid SCIM client option url: ${checked.message}`, issues, 'set target.url to the SCIM base URL');
  }
  const url = checked.url;
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/** Merges defaults once and validates every option; messages name the option, the value and its type (never the token). */
export function resolveScimClientOptions(o: ScimClientOptions): ResolvedScimClientOptions {
  const url = parseUrl(o.url);
  if (typeof o.token !== 'string' || o.token.trim() === '' || /[\r\n]/.test(o.token)) {
    throw new ConfigError(
      'invalid SCIM client option token: expected a non-empty single-line string',
      [{ path: 'target.token', message: 'missing or malformed token' }],
      'set target.token (or target.tokenFile) to the SCIM key',
    );
  }
  if (o.profile !== 'amplitude' && o.profile !== 'rfc') throw invalid('profile', '"amplitude" or "rfc"', o.profile);
  const backoff = o.backoff ?? DEFAULT_SCIM_CLIENT.backoff;
  const baseMs = integer('backoff.baseMs', backoff.baseMs, 1);
  const maxMs = integer('backoff.maxMs', backoff.maxMs, baseMs);
  if (o.rejectUnauthorized !== undefined && typeof o.rejectUnauthorized !== 'boolean') {
    throw invalid('rejectUnauthorized', 'true or false', o.rejectUnauthorized);
  }
  return {
    url,
    token: o.token,
    tokenSource: o.tokenSource,
    profile: o.profile,
    perMinute: integer('perMinute', o.perMinute ?? DEFAULT_SCIM_CLIENT.perMinute, 0),
    concurrency: integer('concurrency', o.concurrency ?? DEFAULT_SCIM_CLIENT.concurrency, 1),
    maxRetries: integer('maxRetries', o.maxRetries ?? DEFAULT_SCIM_CLIENT.maxRetries, 0),
    timeoutMs: integer('timeoutMs', o.timeoutMs ?? DEFAULT_SCIM_CLIENT.timeoutMs, 1),
    backoff: { baseMs, maxMs },
    rejectUnauthorized: o.rejectUnauthorized ?? DEFAULT_SCIM_CLIENT.rejectUnauthorized,
    maxResponseBytes: integer('maxResponseBytes', o.maxResponseBytes ?? DEFAULT_SCIM_CLIENT.maxResponseBytes, 1024),
    maxRetryAfterSeconds: integer('maxRetryAfterSeconds', o.maxRetryAfterSeconds ?? DEFAULT_SCIM_CLIENT.maxRetryAfterSeconds, 0),
    maxRetryTimeSeconds: integer('maxRetryTimeSeconds', o.maxRetryTimeSeconds ?? DEFAULT_SCIM_CLIENT.maxRetryTimeSeconds, 0),
    logger: o.logger ?? silentLogger(),
  };
}
