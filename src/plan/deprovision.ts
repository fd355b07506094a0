/**
 * Deprovisioning: which target users lose access. Only managed users (a state record, or any user in scope
 * with `manageAllUsers`), never protected or quarantined ones, never a user a desired source user claims.
 * Everything the plan leaves alone on purpose is counted in `untouched`, by reason.
 */
import type { TargetUser } from '../model/index.js';
import type { SyncState, UserRecord } from '../state/index.js';
import type { TargetIndex, UserMatching } from './match.js';
import type { PlannedOperation, PlanPolicy } from './types.js';

export type UntouchedCounts = Map<string, number>;

export function bump(counts: UntouchedCounts, reason: string, by = 1): void {
  counts.set(reason, (counts.get(reason) ?? 0) + by);
}

/**
 * The state.users records whose target user exists and no desired user claims, in state order, looked up
 * once per plan: deprovisioning and the held-user report both walk them. A claimed user is synced, so on a
 * steady run these are the few leavers, not the 100,000 managed users (each looked up once, here).
 */
export interface ManagedRecords {
  /** All state.users records whose target user exists, claimed or not: the base of the percentage guard. */
  readonly managed: number;
  readonly unclaimed: readonly UnclaimedRecord[];
}

export interface UnclaimedRecord {
  readonly sourceId: string;
  readonly record: UserRecord;
  readonly target: TargetUser;
}

export function managedRecords(state: SyncState, index: TargetIndex, claimed: ReadonlySet<string>): ManagedRecords {
  let managed = 0;
  const unclaimed: UnclaimedRecord[] = [];
  for (const sourceId of Object.keys(state.users)) {
    const record = state.users[sourceId];
    if (record === undefined) continue;
    // Claimed ids are existing target users' own ids (index keys): counted without a second index lookup.
    if (claimed.has(record.targetId)) {
      managed++;
      continue;
    }
    const target = index.byId.get(record.targetId);
    if (target === undefined) continue;
    managed++;
    unclaimed.push({ sourceId, record, target });
  }
  return { managed, unclaimed };
}

export interface Deprovision {
  readonly ops: PlannedOperation[];
  /**
   * Target ids of users this plan deletes, or deactivates where the profile says that removes the user
   * (Amplitude): the server is expected to drop their memberships, so the group diff leaves them to it.
   * A user deactivated on a server that keeps it (rfc) is not here: the group diff removes it itself.
   */
  readonly deleting: ReadonlySet<string>;
  /** state.users records whose target still exists: the base of the percentage guard. */
  readonly managed: number;
}

export interface DeprovisionInputs {
  readonly users: readonly TargetUser[];
  readonly managedRecords: ManagedRecords;
  readonly policy: PlanPolicy;
  readonly matching: UserMatching;
  readonly quarantined: ReadonlySet<string>;
  readonly isProtected: (email: string) => boolean;
  readonly untouched: UntouchedCounts;
}

/** Why a managed target user would go, or null when a policy keeps it (counted as kept). */
function managedReason(sourceId: string, t: TargetUser, input: DeprovisionInputs, recordedName: string): string | null {
  const u = input.matching.bySourceId.get(sourceId);
  if (u === undefined) return 'left the source';
  if (!u.active) return 'disabled in source';
  if (input.matching.held.has(sourceId) || u.email === recordedName) return null;
  return input.policy.onEmailChange === 'keep-old' ? null : `email changed to ${u.email}`;
}

export function planDeprovision(input: DeprovisionInputs): Deprovision {
  const { policy, matching, untouched } = input;
  const ops: PlannedOperation[] = [];
  const deleting = new Set<string>();
  const handled = new Set<string>();

  const consider = (t: TargetUser, sourceId: string | null, reason: string | null): void => {
    handled.add(t.id);
    if (input.quarantined.has(t.userName)) return bump(untouched, 'quarantinedUsers');
    if (input.isProtected(t.userName)) return bump(untouched, 'protectedUsers');
    if (reason === null) return bump(untouched, 'unmanagedUsers');
    if (policy.deprovision === 'none') return bump(untouched, 'keptUsers');
    // Already deactivated (rfc): nothing left to do in deactivate mode.
    if (policy.deprovision === 'deactivate' && !t.active) return bump(untouched, 'inactiveUsers');
    if (policy.deprovision === 'delete' || policy.profile.deprovisionDropsMembers) deleting.add(t.id);
    ops.push({
      kind: 'deleteUser',
      key: `user:delete:${t.userName}`,
      reason,
      sourceId,
      userName: t.userName,
      target: { id: t.id },
      mode: policy.deprovision,
      ...(policy.deprovision === 'deactivate' ? { names: { givenName: t.givenName ?? '', familyName: t.familyName ?? '' } } : {}),
    });
  };

  const { managed, unclaimed } = input.managedRecords;
  for (const { sourceId, record, target: t } of unclaimed) {
    if (handled.has(t.id)) continue;
    if (input.isProtected(t.userName)) {
      handled.add(t.id);
      bump(untouched, 'protectedUsers');
      continue;
    }
    const u = matching.bySourceId.get(sourceId);
    // Held: its source entry exists but cannot be read (a bad row, an unmapped status): never "left the source".
    if (u !== undefined ? input.quarantined.has(u.email) : matching.held.has(sourceId)) {
      handled.add(t.id);
      bump(untouched, 'quarantinedUsers');
      continue;
    }
    const reason = managedReason(sourceId, t, input, record.userName);
    if (reason === null) {
      handled.add(t.id);
      bump(untouched, 'keptUsers');
      continue;
    }
    consider(t, sourceId, reason);
  }

  for (const t of input.users) {
    if (matching.claimed.has(t.id) || handled.has(t.id)) continue;
    if (!policy.manageAllUsers || matching.heldEmails.has(t.userName)) {
      // Held: the source names this user but its row was left out; "not in source" would be a lie.
      consider(t, null, null);
      continue;
    }
    const disabled = matching.inactiveByEmail.get(t.userName);
    consider(t, disabled?.sourceId ?? null, disabled !== undefined ? 'disabled in source' : 'not in source (manageAllUsers)');
  }
  return { ops, deleting, managed };
}
