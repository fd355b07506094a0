import { TargetError, isScimsyncError } from '../errors.js';

/** The outcome of one planned operation. */
export interface OpResult {
  readonly key: string;
  readonly kind: string;
  /** `skipped` covers dependents of a failed op, ops not started after an abort, and resumed ops. */
  readonly status: 'applied' | 'failed' | 'skipped';
  readonly targetId?: string;
  /** A create that found the object already there and took it over instead of duplicating it. */
  readonly adopted?: boolean;
  readonly error?: { readonly code: string; readonly httpStatus?: number; readonly message: string };
  /** Why a `skipped` op was not sent. */
  readonly reason?: string;
  /** Applied by an earlier, interrupted execute of the same plan: not sent again. */
  readonly resumed?: boolean;
  /** Members of an applied group op left out because the op that creates them did not succeed. */
  readonly skippedMembers?: readonly { readonly userName: string; readonly reason: string }[];
  /** A createUser sent as no request of its own: the group write with this key invited the user. */
  readonly invitedBy?: string;
  /** An update found the user gone from the target (404) and created it again. */
  readonly recreated?: boolean;
}

export interface ApplyReport {
  readonly results: OpResult[];
  /** planned = applied + failed + skipped + resumed. */
  readonly counts: { planned: number; applied: number; failed: number; skipped: number; resumed: number };
  /** HTTP requests made to the target during this execute, by method. */
  readonly requests: Record<string, number>;
  /** The run stopped taking operations (abort signal, or the target rejected the key). */
  readonly aborted: boolean;
}

/** The error as the report shows it: code, HTTP status, one line. Messages of our errors carry no secrets. */
export function describeError(err: unknown): NonNullable<OpResult['error']> {
  if (err instanceof TargetError) {
    return err.status === undefined ? { code: err.code, message: err.message } : { code: err.code, httpStatus: err.status, message: err.message };
  }
  if (isScimsyncError(err)) return { code: err.code, message: err.message };
  // Not ours: a bug or a runtime failure. Keep only the first line (a stack is not a report).
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'SCIMSYNC_UNEXPECTED', message: message.split('\n')[0] ?? '' };
}

export function countResults(results: readonly OpResult[]): ApplyReport['counts'] {
  const counts = { planned: results.length, applied: 0, failed: 0, skipped: 0, resumed: 0 };
  for (const r of results) {
    if (r.resumed) counts.resumed++;
    else counts[r.status]++;
  }
  return counts;
}

/** after − before, per method, leaving out methods with no requests. */
export function diffRequests(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [method, n] of Object.entries(after)) {
    const d = n - (before[method] ?? 0);
    if (d > 0) out[method] = d;
  }
  return out;
}
