/**
 * How applied operations change the state records (no I/O; apply's work, not the plan's: it reads the
 * target's answers). The executor calls this with each operation's result and flushes in batches;
 * `recordAppliedBatch` copies the record maps once per batch, so a first load of 100,000 creates stays linear.
 */
import { TargetError } from '../errors.js';
import { ownRecord, type PlannedOperation } from '../plan/index.js';
import type { SyncState, UserRecord, GroupRecord } from '../state/index.js';

export interface AppliedResult {
  /** The id the target gave a created object (required for createUser/createGroup). */
  readonly targetId?: string | undefined;
}

/** The one check that a create came back with an id: the executor calls it per answer, the fold per record. */
export function requireId(op: PlannedOperation, result: AppliedResult): string {
  if (result.targetId === undefined || result.targetId === '') {
    throw new TargetError(`the target created ${op.key} but answered without an id, so it cannot be recorded`, {
      fix: 'run `scimsync state rebuild -c CONFIG` to match the target by userName, then plan again',
    });
  }
  return result.targetId;
}

/** Plain assignment would hit the `__proto__` setter for a source id of that name; define the property instead. */
function setOwn<T>(rec: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyOne(users: Record<string, UserRecord>, groups: Record<string, GroupRecord>, op: PlannedOperation, result: AppliedResult): void {
  switch (op.kind) {
    case 'createUser':
      setOwn(users, op.sourceId, { targetId: requireId(op, result), userName: op.attributes.userName, pushedHash: op.hash, ownership: 'created' });
      return;
    case 'adoptUser':
      setOwn(users, op.sourceId, { targetId: op.target.id, userName: op.userName, pushedHash: op.hash, ownership: 'adopted' });
      return;
    case 'updateUser': {
      const rec = ownRecord(users, op.sourceId);
      // An update that found the user gone created it again: the target gave it this (rfc: new) id.
      const targetId = result.targetId ?? op.target.id;
      setOwn(
        users,
        op.sourceId,
        rec !== undefined
          ? { ...rec, targetId, userName: op.attributes.userName, pushedHash: op.hash }
          : { targetId, userName: op.attributes.userName, pushedHash: op.hash, ownership: 'adopted' },
      );
      return;
    }
    case 'deleteUser': {
      if (op.sourceId === null) return;
      // After an email change the same source id already points at the new user: keep that record.
      const rec = ownRecord(users, op.sourceId);
      if (rec !== undefined && rec.targetId === op.target.id) delete users[op.sourceId];
      return;
    }
    case 'createGroup':
      setOwn(groups, op.name.toLowerCase(), { targetId: requireId(op, result), displayName: op.name, ownership: 'created' });
      return;
    case 'adoptGroup':
      setOwn(groups, op.name.toLowerCase(), { targetId: op.target.id, displayName: op.name, ownership: 'adopted' });
      return;
    case 'deleteGroup': {
      const key = op.name.toLowerCase();
      const rec = ownRecord(groups, key);
      if (rec !== undefined && rec.targetId === op.target.id) delete groups[key];
      return;
    }
    case 'updateMembers':
      return; // membership is read from the target every run; nothing to remember
  }
}

/** Apply many results at once: one copy of each record map, whatever the batch size. */
export function recordAppliedBatch(state: SyncState, applied: readonly { readonly op: PlannedOperation; readonly result: AppliedResult }[]): SyncState {
  if (applied.length === 0) return state;
  const users: Record<string, UserRecord> = { ...state.users };
  const groups: Record<string, GroupRecord> = { ...state.groups };
  for (const { op, result } of applied) applyOne(users, groups, op, result);
  return { ...state, users, groups };
}

export function recordApplied(state: SyncState, op: PlannedOperation, result: AppliedResult): SyncState {
  if (op.kind === 'updateMembers') return state;
  return recordAppliedBatch(state, [{ op, result }]);
}
