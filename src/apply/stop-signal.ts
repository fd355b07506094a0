import { isScimsyncError } from '../errors.js';
import type { ScimTarget } from '../scim/port.js';

/**
 * The target as the executor uses it: every call carries the run's stop signal. A stop then abandons what
 * is only waiting (the rate budget, a retry's backoff) while a write already sent runs to its answer (the
 * target's contract, port.ts), so state records exactly what the target did. Without this an operation
 * queued behind a spent budget held Ctrl-C for up to a minute.
 */
export function bindStopSignal(target: ScimTarget, signal: AbortSignal | undefined): ScimTarget {
  if (signal === undefined) return target;
  return {
    baseUrl: target.baseUrl,
    snapshot: (s) => target.snapshot(s ?? signal),
    createUser: (attrs, s) => target.createUser(attrs, s ?? signal),
    updateUser: (id, attrs, s) => target.updateUser(id, attrs, s ?? signal),
    deactivateUser: (id, attrs, s) => target.deactivateUser(id, attrs, s ?? signal),
    deleteUser: (id, s) => target.deleteUser(id, s ?? signal),
    findUserByUserName: (userName, s) => target.findUserByUserName(userName, s ?? signal),
    createGroup: (name, ids, s) => target.createGroup(name, ids, s ?? signal),
    patchMembers: (id, add, remove, s) => target.patchMembers(id, add, remove, s ?? signal),
    deleteGroup: (id, s) => target.deleteGroup(id, s ?? signal),
    getGroup: (id, s) => target.getGroup(id, s ?? signal),
    requestCounts: () => target.requestCounts(),
    close: () => target.close(),
  };
}

/** The error a stop leaves on an operation that was waiting: not a failure, the op was simply not sent. */
export function isStopError(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && isScimsyncError(err) && err.code === 'SCIMSYNC_ABORTED';
}
