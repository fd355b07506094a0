import type { PlannedOperation, TargetRef } from '../plan/types.js';
import type { SyncState } from '../state/types.js';

/** `invited`: the member is a user this plan invites through its groups; sending its id invites it. */
export type Resolution = { readonly ok: true; readonly id: string; readonly invited?: boolean } | { readonly ok: false; readonly reason: string };

type Outcome =
  | { readonly status: 'applied'; readonly id: string | undefined }
  | { readonly status: 'invite'; readonly id: string }
  | { readonly status: 'failed' | 'skipped' | 'resumed' };

/**
 * Turns a `TargetRef` into a target id: a literal id as is; `{createdBy}` as the id the referenced op
 * returned in this run, or (for an op applied by an interrupted earlier run) as state recorded it.
 */
export class RefResolver {
  readonly #ops: ReadonlyMap<string, PlannedOperation>;
  readonly #state: () => SyncState;
  readonly #outcomes = new Map<string, Outcome>();

  constructor(operations: readonly PlannedOperation[], state: () => SyncState) {
    this.#ops = new Map(operations.map((op) => [op.key, op]));
    this.#state = state;
  }

  applied(key: string, id: string | undefined): void {
    this.#outcomes.set(key, { status: 'applied', id });
  }

  notApplied(key: string, status: 'failed' | 'skipped' | 'resumed'): void {
    this.#outcomes.set(key, { status });
  }

  /** A createUser delivered by a group write (Amplitude: the member value is the email, which is the id). */
  invite(key: string, id: string): void {
    this.#outcomes.set(key, { status: 'invite', id });
  }

  resolve(ref: TargetRef): Resolution {
    if ('id' in ref) return { ok: true, id: ref.id };
    const key = ref.createdBy;
    const outcome = this.#outcomes.get(key);
    if (!outcome) {
      return { ok: false, reason: this.#ops.has(key) ? `${key} has not run yet` : `${key} is not in this plan` };
    }
    switch (outcome.status) {
      case 'applied':
        return outcome.id === undefined ? { ok: false, reason: `${key} returned no id` } : { ok: true, id: outcome.id };
      case 'invite':
        return { ok: true, id: outcome.id, invited: true };
      case 'resumed':
        return this.#fromState(key);
      case 'failed':
        return { ok: false, reason: `${key} failed` };
      case 'skipped':
        return { ok: false, reason: `${key} was skipped` };
    }
  }

  /** The id an op applied by an earlier run left in state. */
  #fromState(key: string): Resolution {
    const op = this.#ops.get(key);
    const state = this.#state();
    let id: string | undefined;
    if (op?.kind === 'createUser') id = state.users[op.sourceId]?.targetId;
    else if (op?.kind === 'createGroup') id = state.groups[op.name.toLowerCase()]?.targetId;
    else if (op && 'target' in op && 'id' in op.target) id = op.target.id;
    return id === undefined ? { ok: false, reason: `${key} was applied by an earlier run but state has no id for it` } : { ok: true, id };
  }
}
