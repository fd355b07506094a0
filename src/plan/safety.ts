/**
 * The deletion guard (design.md "Safety"). A plan that removes more than the `sync.safety` limits allow is
 * blocked unless `--allow-deletes N` covers it: users deleted (count and % of managed users), groups deleted
 * (on Amplitude a deleted permission group revokes everyone's access through it) and group members removed
 * (count and % of the members of managed groups). A source hiccup then costs one refused run, not access.
 */
import { SourceError } from '../errors.js';
import type { DesiredSnapshot, TargetSnapshot } from '../model/index.js';
import type { SyncState } from '../state/index.js';
import type { PlanPolicy, SafetyViolation } from './types.js';

/** What a plan removes, and the bases of the percentage rules. */
export interface GuardCounts {
  /** deleteUser operations (both modes). */
  readonly userDeletes: number;
  /** state.users records whose target user still exists. */
  readonly managedUsers: number;
  readonly groupDeletes: number;
  /** Members removed by updateMembers operations (a deleted user's memberships go with the delete and are not counted). */
  readonly memberRemovals: number;
  /** Members the target lists in the groups the plan keeps managing. */
  readonly managedMemberships: number;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Integer comparison (count*100 > pct*base) so 10% of 50 allows exactly 5, with no float rounding. */
function overPercent(count: number, base: number, pct: number): boolean {
  return count * 100 > pct * base;
}

function percentOf(count: number, base: number): number {
  return base === 0 ? 100 : Math.round((count * 1000) / base) / 10;
}

/** Every rule the counts break, whatever `--allow-deletes` says. */
function violations(c: GuardCounts, limits: PlanPolicy['safety']): Omit<SafetyViolation, 'message'>[] {
  const out: Omit<SafetyViolation, 'message'>[] = [];
  const { userDeletes: users, groupDeletes: groups, memberRemovals: members } = c;
  if (users > limits.maxDeletes) out.push({ rule: 'maxDeletes', limit: limits.maxDeletes, actual: users, count: users });
  if (users > 0 && overPercent(users, c.managedUsers, limits.maxDeletePercent)) {
    out.push({ rule: 'maxDeletePercent', limit: limits.maxDeletePercent, actual: percentOf(users, c.managedUsers), count: users });
  }
  if (groups > limits.maxGroupDeletes) out.push({ rule: 'maxGroupDeletes', limit: limits.maxGroupDeletes, actual: groups, count: groups });
  if (members > limits.maxMemberRemovals) out.push({ rule: 'maxMemberRemovals', limit: limits.maxMemberRemovals, actual: members, count: members });
  if (members > 0 && overPercent(members, c.managedMemberships, limits.maxMemberRemovalPercent)) {
    out.push({ rule: 'maxMemberRemovalPercent', limit: limits.maxMemberRemovalPercent, actual: percentOf(members, c.managedMemberships), count: members });
  }
  return out;
}

function describe(v: Omit<SafetyViolation, 'message'>, c: GuardCounts): string {
  switch (v.rule) {
    case 'maxDeletes':
      return `The plan deletes ${plural(v.count, 'user')}, more than safety.maxDeletes (${v.limit})`;
    case 'maxDeletePercent':
      return c.managedUsers === 0
        ? `The plan deletes ${plural(v.count, 'user')} while scimsync manages none yet (safety.maxDeletePercent ${v.limit}%)`
        : `The plan deletes ${v.count} of ${c.managedUsers} managed users (${v.actual}%), more than safety.maxDeletePercent (${v.limit}%)`;
    case 'maxGroupDeletes':
      return `The plan deletes ${plural(v.count, 'group')}, more than safety.maxGroupDeletes (${v.limit}); a deleted group revokes its members' access through it`;
    case 'maxMemberRemovals':
      return `The plan removes ${plural(v.count, 'group member')}, more than safety.maxMemberRemovals (${v.limit})`;
    case 'maxMemberRemovalPercent':
      return `The plan removes ${v.count} of ${c.managedMemberships} members of managed groups (${v.actual}%), more than safety.maxMemberRemovalPercent (${v.limit}%)`;
  }
}

/**
 * The rules this plan breaks that `policy.allowDeletes` does not lift. Each message names its rule and the
 * one `--allow-deletes N` that lifts every rule found (N = the largest count among them).
 */
export function checkSafety(counts: GuardCounts, policy: PlanPolicy): SafetyViolation[] {
  const found = violations(counts, policy.safety);
  const allow = Math.max(0, ...found.map((v) => v.count));
  const fix = `re-run with --allow-deletes ${allow} after checking the source`;
  return liftGuard(
    found.map((v) => ({ ...v, message: `${describe(v, counts)}; ${fix}.` })),
    policy.allowDeletes,
  );
}

/** `--allow-deletes N` lifts each rule whose count is at most N; also applied to a saved plan's verdict. */
export function liftGuard(blocked: readonly SafetyViolation[], allowDeletes: number): SafetyViolation[] {
  // Written so that a saved plan without counts (an older scimsync's file) stays blocked.
  return blocked.filter((v) => !(v.count <= allowDeletes));
}

/**
 * A source that yields no groups while scimsync manages groups in the target is an error, like a source
 * with no users: a lost groups file or a broken group search must never read as "every group left".
 */
export function assertSourceHasGroups(desired: DesiredSnapshot, actual: TargetSnapshot, state: SyncState, policy: PlanPolicy): void {
  if (!policy.groups.enabled || desired.groups.length > 0) return;
  const present = new Set(actual.groups.map((g) => g.id));
  const managed = Object.values(state.groups).filter((r) => present.has(r.targetId)).length;
  if (managed === 0) return;
  throw new SourceError(
    `the source has no groups while scimsync manages ${plural(managed, 'group')} in the target: refusing to treat that as 'every group left'`,
    {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'check the source (the groups file or column, or the LDAP groups base and filter); to stop syncing groups, set sync.groups.enabled: false (managed groups are then left as they are)',
    },
  );
}
