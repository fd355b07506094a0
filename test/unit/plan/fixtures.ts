/** Plain-object builders for plan tests: every test states only what differs from these defaults. */
import { hashUserAttributes } from '../../../src/model/hash.js';
import type { DesiredSnapshot, SourceGroup, SourceUser, TargetGroup, TargetSnapshot, TargetUser } from '../../../src/model/types.js';
import { computePlan } from '../../../src/plan/plan.js';
import type { Plan, PlanPolicy } from '../../../src/plan/types.js';
import type { GroupRecord, SyncState, UserRecord } from '../../../src/state/types.js';

export const POLICY: PlanPolicy = {
  deprovision: 'delete',
  protect: [],
  groups: { enabled: true, include: ['*'], exclude: [] },
  safety: { maxDeletes: 1000, maxDeletePercent: 100, maxGroupDeletes: 1000, maxMemberRemovals: 100_000, maxMemberRemovalPercent: 100 },
  allowDeletes: 0,
  manageAllUsers: false,
  onEmailChange: 'delete-old',
  maxMembersPerPatch: 100,
  profile: { name: 'amplitude', sendsExternalId: false, deprovisionDropsMembers: true },
};

/** Overrides; `safety` is merged key by key (a test names only the limits it is about). */
export function policy(over: Partial<Omit<PlanPolicy, 'safety'>> & { safety?: Partial<PlanPolicy['safety']> } = {}): PlanPolicy {
  return { ...POLICY, ...over, safety: { ...POLICY.safety, ...over.safety } };
}

/** `su('ann')` → ann@x.com, sourceId id-ann, names Ann / Lee. */
export function su(name: string, over: Partial<SourceUser> = {}): SourceUser {
  const cap = name.charAt(0).toUpperCase() + name.slice(1);
  return { sourceId: `id-${name}`, email: `${name}@x.com`, givenName: cap, familyName: 'Lee', active: true, origin: `users.csv:${name}`, ...over };
}

/** Target user as Amplitude lists it: id = email. */
export function tu(name: string, over: Partial<TargetUser> = {}): TargetUser {
  const cap = name.charAt(0).toUpperCase() + name.slice(1);
  return { id: `${name}@x.com`, userName: `${name}@x.com`, givenName: cap, familyName: 'Lee', active: true, ...over };
}

/** The state record scimsync would have after pushing `u` (hash of its desired attributes). */
export function rec(u: SourceUser, over: Partial<UserRecord> = {}): UserRecord {
  return {
    targetId: u.email,
    userName: u.email,
    pushedHash: hashUserAttributes({ userName: u.email, givenName: u.givenName, familyName: u.familyName }),
    ownership: 'created',
    ...over,
  };
}

export function sg(name: string, members: string[], over: Partial<SourceGroup> = {}): SourceGroup {
  return { name, members: members.map((m) => (m.includes('@') ? m : `${m}@x.com`)), origin: `groups.csv:${name}`, ...over };
}

export function tg(id: string, displayName: string, members: string[]): TargetGroup {
  return { id, displayName, members: members.map((m) => (m.includes('@') ? m : `${m}@x.com`)) };
}

export function desired(users: SourceUser[], over: Partial<DesiredSnapshot> = {}): DesiredSnapshot {
  return { users, groups: [], skipped: [], quarantined: [], ...over };
}

export function actual(users: TargetUser[], groups: TargetGroup[] = []): TargetSnapshot {
  return { users, groups };
}

export function state(users: Record<string, UserRecord> = {}, groups: Record<string, GroupRecord> = {}): SyncState {
  return { version: 1, lineage: 'lin-1', serial: 7, target: 'https://scim.example/scim/1/', users, groups };
}

/** State records for the given source users, all created by scimsync. */
export function managed(...users: SourceUser[]): Record<string, UserRecord> {
  return Object.fromEntries(users.map((u) => [u.sourceId, rec(u)]));
}

export const CTX = { target: 'https://scim.example/scim/1/', configHash: 'cfg', actualHash: 'act', createdAt: '2025-01-02T03:04:05.000Z' };

export function plan(d: DesiredSnapshot, a: TargetSnapshot, s: SyncState = state(), p: PlanPolicy = POLICY): Plan {
  return computePlan(d, a, s, p, CTX);
}

/** `kind key` lines: the shape of a plan at a glance, in plan order. */
export function keys(p: Plan): string[] {
  return p.operations.map((o) => o.key);
}
