import { isScimsyncError } from '../errors.js';
import { WrappedTarget, type ScimTarget } from '../scim/index.js';

/**
 * The target as the executor uses it: every call carries the run's stop signal. A stop then abandons what
 * is only waiting (the rate budget, a retry's backoff) while a write already sent runs to its answer (the
 * target's contract, port.ts), so state records exactly what the target did. Without this an operation
 * queued behind a spent budget held Ctrl-C for up to a minute.
 */
export function bindStopSignal(target: ScimTarget, signal: AbortSignal | undefined): ScimTarget {
  return signal === undefined ? target : new WrappedTarget(target, { signal });
}

/** The error a stop leaves on an operation that was waiting: not a failure, the op was simply not sent. */
export function isStopError(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && isScimsyncError(err) && err.code === 'SCIMSYNC_ABORTED';
}
