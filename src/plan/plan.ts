/**
 * computePlan: the pure function at the heart of scimsync (design.md). Same inputs give a byte-identical
 * plan: no clock (createdAt comes in through ctx), no randomness, no I/O. Linear in the input size: every
 * lookup is a Map, so 100,000 users and 500,000 memberships plan in well under a second.
 */
import type { DesiredSnapshot, TargetSnapshot } from '../model/index.js';
import type { SyncState } from '../state/index.js';
import { bump, managedRecords, planDeprovision, type UntouchedCounts } from './deprovision.js';
import { diffUsers } from './diff.js';
import { compileGlobs } from './glob.js';
import { diffGroups, type GroupDiff } from './groups.js';
import { findHeld } from './held.js';
import { inviteThroughGroups } from './invites.js';
import { indexTargetUsers, matchUsers } from './match.js';
import { orderOperations } from './order.js';
import { assertSourceHasGroups, checkSafety } from './safety.js';
import { summarize } from './summary.js';
import type { Plan, PlannedOperation, PlanPolicy, TargetReadBasis } from './types.js';

export interface PlanContext {
  /** The target base URL (never the token). */
  readonly target: string;
  readonly configHash: string;
  readonly actualHash: string;
  /** ISO timestamp supplied by the caller: the core never reads the clock. */
  readonly createdAt: string;
  /** How `actual` was obtained (a full read or the kept snapshot): carried into the basis for display. */
  readonly targetRead?: TargetReadBasis | undefined;
}

function sortedCounts(counts: UntouchedCounts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k) ?? 0;
  return out;
}

export function computePlan(desired: DesiredSnapshot, actual: TargetSnapshot, state: SyncState, policy: PlanPolicy, ctx: PlanContext): Plan {
  assertSourceHasGroups(desired, actual, state, policy);
  const quarantined = new Set(desired.quarantined);
  const protect = compileGlobs(policy.protect);
  const isProtected = (email: string): boolean => protect.size > 0 && protect.matches(email);
  const untouched: UntouchedCounts = new Map();

  const index = indexTargetUsers(actual.users);
  const heldSourceIds = new Set<string>();
  for (const e of desired.skipped) if (e.sourceId !== undefined) heldSourceIds.add(e.sourceId);
  const matching = matchUsers(desired.users, index, state, quarantined, { heldSourceIds, isProtected });
  // A protected person the target does not have is not created: counted here, the others by deprovisioning.
  for (const email of matching.protected) if (!index.byUserName.has(email)) bump(untouched, 'protectedUsers');
  const users = diffUsers(matching, policy);
  const managed = managedRecords(state, index, matching.claimed);
  const leavers = planDeprovision({ users: actual.users, managedRecords: managed, policy, matching, quarantined, isProtected, untouched });
  const groups = diffGroups({
    groups: desired.groups,
    targetGroups: actual.groups,
    state,
    policy,
    index,
    matching,
    present: users.present,
    deleting: leavers.deleting,
    quarantined,
    isProtected,
    untouched,
  });

  const all: PlannedOperation[] = inviteThroughGroups([...withMemberships(leavers.ops, groups.leftToServer, policy), ...users.ops, ...groups.ops], policy);
  const operations = orderOperations(all);
  const summary = summarize(operations);
  const skipped = [...desired.skipped, ...matching.skipped, ...groups.skipped];
  const guard = {
    userDeletes: leavers.ops.length,
    managedUsers: leavers.managed,
    groupDeletes: summary.deleteGroups,
    memberRemovals: summary.removeMembers,
    managedMemberships: groups.memberships,
  };
  return {
    formatVersion: 1,
    basis: {
      target: ctx.target,
      configHash: ctx.configHash,
      stateLineage: state.lineage,
      stateSerial: state.serial,
      actualHash: ctx.actualHash,
      createdAt: ctx.createdAt,
      ...(ctx.targetRead === undefined ? {} : { targetRead: ctx.targetRead }),
    },
    operations,
    summary,
    skipped,
    blocked: checkSafety(guard, policy),
    held: findHeld({ managedRecords: managed, index, matching, quarantined, skipped, policy, isProtected }),
    untouched: sortedCounts(untouched),
  };
}

/**
 * Deletes on a target that does not promise to drop a deleted user's memberships (rfc) carry the managed
 * groups listing the user, so the executor can check after the deletes and clean up in the same run.
 */
function withMemberships(ops: readonly PlannedOperation[], left: GroupDiff['leftToServer'], policy: PlanPolicy): PlannedOperation[] {
  if (policy.profile.deprovisionDropsMembers || left.size === 0) return [...ops];
  return ops.map((op) => {
    const memberOf = op.kind === 'deleteUser' && op.mode === 'delete' ? left.get(op.target.id) : undefined;
    return memberOf === undefined ? op : { ...op, memberOf };
  });
}

/** Adoption only records state; everything else writes to the target (exit code 2 for `plan`). */
export function hasPendingChanges(plan: Plan): boolean {
  return plan.operations.some((op) => op.kind !== 'adoptUser' && op.kind !== 'adoptGroup');
}
