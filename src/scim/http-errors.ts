import { TargetError } from '../errors.js';

/**
 * Turning a failed SCIM exchange into one TargetError line: method, path (never the query, which may carry a
 * filter, and never the host's credentials), status and the server's own detail. The token is scrubbed from
 * anything the server echoes back.
 */

export const AUTH_FIX =
  'regenerate the SCIM key (Amplitude: Settings → Organization settings → Access and SSO → Provisioning) and update target.token / tokenFile';

/** The key that was rejected came from `tokenSource` (an env var name or a file path, never the key). */
function authFix(tokenSource: string | undefined): string {
  if (tokenSource === undefined) return AUTH_FIX;
  return `the key in use came from ${tokenSource}: check it is this target's current key, or regenerate it (Amplitude: Settings → Organization settings → Access and SSO → Provisioning) and put the new one there`;
}

function keyFrom(tokenSource: string | undefined): string {
  return tokenSource === undefined ? 'the key' : `the key from ${tokenSource}`;
}

const MAX_DETAIL = 300;

export interface ErrorBody {
  readonly detail: string | undefined;
  readonly scimType: string | undefined;
}

/** Reads an RFC 7644 §3.12 error body, another JSON shape, or plain text. */
export function readErrorBody(body: unknown, text: string): ErrorBody {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    const scimType = typeof o['scimType'] === 'string' && o['scimType'] !== '' ? o['scimType'] : undefined;
    const nested = typeof o['error'] === 'object' && o['error'] !== null ? (o['error'] as Record<string, unknown>) : undefined;
    const candidates = [o['detail'], o['message'], o['error_description'], nested?.['message'], o['error'], o['title']];
    const detail = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    return { detail: detail ?? (text.trim() === '' ? undefined : text), scimType };
  }
  return { detail: text.trim() === '' ? undefined : text, scimType: undefined };
}

/** One line, bounded, without the token. */
export function cleanDetail(detail: string | undefined, token: string): string | undefined {
  if (detail === undefined) return undefined;
  let line = detail.replace(/\s+/g, ' ').trim();
  if (token.length >= 4) line = line.split(token).join('[redacted]');
  if (line.length > MAX_DETAIL) line = `${line.slice(0, MAX_DETAIL)}…`;
  return line === '' ? undefined : line;
}

function fixFor(status: number, scimType: string | undefined): string {
  if (status === 429) return 'the target kept refusing for load: lower target.rateLimit.perMinute, or check what else uses the same SCIM key';
  if (status >= 500) return 'the target failed; run again later (a level-triggered run picks up where this one stopped)';
  if (status === 404) return 'the object is gone from the target; run plan again to see the current state';
  if (status === 409 || scimType === 'uniqueness') return 'the object already exists in the target; run plan again so it is adopted';
  if (status === 400) return 'the target refused the request body; check the attributes the source provides for this object';
  return 'check the target URL and profile in the config (target.url, target.profile)';
}

/** Where the SCIM base URL of Amplitude is, for a target.url that does not answer SCIM. */
export const AMPLITUDE_URLS = 'Amplitude: https://core.amplitude.com/scim/1/, EU: https://core.eu.amplitude.com/scim/1/';

/**
 * `baseUrl`: the client's SCIM base URL. A 404 on listing a collection (`GET /Users`) is never an object
 * that went away: nothing SCIM lives at that URL (a wrong base path such as `/scim/v2/` on Amplitude).
 */
export function httpError(method: string, path: string, status: number, body: ErrorBody, token: string, attempts: number, baseUrl?: string): TargetError {
  const detail = cleanDetail(body.detail, token);
  if (status === 404 && method === 'GET' && (path === '/Users' || path === '/Groups') && baseUrl !== undefined) {
    return new TargetError(`${method} ${path} failed with 404: no SCIM endpoint at ${baseUrl}${detail ? ` (the server said: ${detail})` : ''}`, {
      status,
      retryable: false,
      fix: `check target.url: it must be the SCIM base URL, under which /Users and /Groups are listed (${AMPLITUDE_URLS})`,
    });
  }
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const msg = `${method} ${path} failed with ${status}${body.scimType ? ` (${body.scimType})` : ''}${tries}${detail ? `: ${detail}` : ''}`;
  return new TargetError(msg, { status, scimType: body.scimType, fix: fixFor(status, body.scimType) });
}

export function authError(method: string, path: string, status: number, tokenSource?: string): TargetError {
  return new TargetError(`the SCIM target rejected ${keyFrom(tokenSource)} (${status}) for ${method} ${path}`, {
    status,
    code: 'SCIMSYNC_SCIM_AUTH',
    retryable: false,
    fix: authFix(tokenSource),
  });
}

/** Later requests of a client whose key was rejected: fail without sending. */
export function authRejectedEarlier(method: string, path: string, status: number, tokenSource?: string): TargetError {
  return new TargetError(`not sending ${method} ${path}: the SCIM target rejected ${keyFrom(tokenSource)} (${status}) earlier in this run`, {
    status,
    code: 'SCIMSYNC_SCIM_AUTH',
    retryable: false,
    fix: authFix(tokenSource),
  });
}

export function networkError(method: string, path: string, code: string | undefined, message: string, attempts: number, cause: unknown): TargetError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new TargetError(`${method} ${path} failed${tries}: ${code ?? 'network error'} (${message})`, {
    code: 'SCIMSYNC_SCIM_NETWORK',
    retryable: true,
    fix: 'check that the target URL is reachable from this host (DNS, proxy, firewall, TLS) and run again',
    cause,
  });
}

export function abortedError(method: string, path: string, cause?: unknown): TargetError {
  return new TargetError(`${method} ${path} was aborted`, {
    code: 'SCIMSYNC_ABORTED',
    retryable: false,
    fix: 'nothing to do: the run was stopped on purpose',
    cause,
  });
}

export function invalidResponse(method: string, path: string, status: number, problem: string): TargetError {
  return new TargetError(`${method} ${path} returned ${status} with an unreadable body: ${problem}`, {
    status,
    retryable: false,
    fix: 'check that target.url points at the SCIM base path (e.g. https://core.amplitude.com/scim/1/) and target.profile matches the server',
  });
}

/** A list that cannot be proven complete, or a body past the size cap: the run stops before any write. */
export function readIncomplete(method: string, path: string, problem: string, fix: string): TargetError {
  return new TargetError(`${method} ${path}: the read is incomplete: ${problem}`, {
    code: 'SCIMSYNC_TARGET_READ_INCOMPLETE',
    retryable: false,
    fix,
  });
}

/** A Retry-After longer than the run may wait: stop now; the next run (the daemon's next tick) tries again. */
export function retryAfterTooLong(method: string, path: string, header: string, waitMs: number, maxSeconds: number): TargetError {
  const seconds = Math.ceil(waitMs / 1000);
  return new TargetError(
    `${method} ${path} was refused with 429 and Retry-After: ${header.trim()} (${seconds} s), longer than target.maxRetryAfterSeconds (${maxSeconds} s): stopping the run`,
    {
      status: 429,
      code: 'SCIMSYNC_TARGET_THROTTLED',
      retryable: true,
      fix: 'run again later (the daemon tries again on its next tick); check what else uses the same SCIM key, or raise target.maxRetryAfterSeconds',
    },
  );
}

/** The run's retry waits are used up: stop rather than keep a run (and the daemon) stalled. */
export function retryTimeSpent(method: string, path: string, outcome: string, waitedMs: number, maxSeconds: number): TargetError {
  return new TargetError(
    `${method} ${path} failed with ${outcome} after this run already waited ${Math.round(waitedMs / 1000)} s in retries; another wait would pass target.maxRetryTimeSeconds (${maxSeconds} s): stopping the run`,
    {
      code: 'SCIMSYNC_TARGET_THROTTLED',
      retryable: true,
      fix: 'run again later (the daemon tries again on its next tick); if the target is overloaded, lower target.rateLimit.perMinute',
    },
  );
}
