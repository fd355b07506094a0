/** The error code the client gives a request that outran `timeoutMs` (headers and body together). */
export const TIMEOUT_CODE = 'SCIMSYNC_REQUEST_TIMEOUT';

/**
 * The SCIM client's retry rules, as data (style-examples convention 9, after undici's RetryHandler).
 * A 429 was refused, not processed: every method retries it. A 5xx or a network error after the request
 * went out is ambiguous: the target may have done the work. Methods that are idempotent here repeat
 * safely; a POST first looks the object up (see client.ts) and only then repeats.
 */
export const RETRY_RULES = {
  /** Refused for load: retry any method, honouring Retry-After. */
  throttleStatuses: [429],
  /** The server failed, maybe after doing the work. */
  serverStatuses: [500, 502, 503, 504],
  /** Repeating these cannot do harm: PUT replaces, DELETE of a gone object is success, PATCH of members adds/removes sets. */
  idempotentMethods: ['GET', 'PUT', 'DELETE', 'PATCH'],
  /** The connection failed before the request was written: safe to repeat for any method. */
  notSentCodes: ['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'],
  /** The connection failed after (maybe) writing the request: ambiguous. */
  sentCodes: [
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
    TIMEOUT_CODE,
  ],
} as const;

/**
 * What to do after one attempt:
 * - `retry`: repeat the same request after a delay;
 * - `ambiguous`: the server may have acted on a non-idempotent request; the caller must look before repeating;
 * - `fail`: give up with this outcome.
 */
export type RetryDecision = 'retry' | 'ambiguous' | 'fail';

export type AttemptOutcome = { readonly kind: 'status'; readonly status: number } | { readonly kind: 'network'; readonly code: string | undefined };

export function decideRetry(method: string, outcome: AttemptOutcome): RetryDecision {
  const idempotent = (RETRY_RULES.idempotentMethods as readonly string[]).includes(method);
  if (outcome.kind === 'status') {
    if ((RETRY_RULES.throttleStatuses as readonly number[]).includes(outcome.status)) return 'retry';
    if ((RETRY_RULES.serverStatuses as readonly number[]).includes(outcome.status)) return idempotent ? 'retry' : 'ambiguous';
    return 'fail';
  }
  const code = outcome.code ?? '';
  if ((RETRY_RULES.notSentCodes as readonly string[]).includes(code)) return 'retry';
  if ((RETRY_RULES.sentCodes as readonly string[]).includes(code)) return idempotent ? 'retry' : 'ambiguous';
  return 'fail';
}

/** Exponential backoff with full jitter: a random delay in [0, min(maxMs, baseMs·2^retry)]. */
export function backoffDelay(retry: number, backoff: { readonly baseMs: number; readonly maxMs: number }, random: number): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** retry);
  return Math.floor(random * cap);
}
