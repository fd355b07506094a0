/**
 * Groups: match (state record, else displayName case-insensitively → adopt), create with members inline,
 * one membership PATCH per group per run (chunked by maxMembersPerPatch), delete managed groups that left.
 * Groups scimsync never created or adopted are never touched.
 */
import { normalizeEmail, type SkippedEntry, type SourceGroup, type TargetGroup } from '../model/index.js';
import type { SyncState } from '../state/index.js';
import { bump, type UntouchedCounts } from './deprovision.js';
import { compileGroupFilter } from './glob.js';
import { ownRecord, resolveTargetUser, type TargetIndex, type UserMatching } from './match.js';
import type { PresentUsers } from './present.js';
import type { MemberRef, PlannedOperation, PlanPolicy, TargetRef } from './types.js';

export interface GroupInputs {
  readonly groups: readonly SourceGroup[];
  readonly targetGroups: readonly TargetGroup[];
  readonly state: SyncState;
  readonly policy: PlanPolicy;
  readonly index: TargetIndex;
  readonly matching: UserMatching;
  /** The users that exist once the plan is applied, with their member refs. */
  readonly present: PresentUsers;
  /** Target user ids deleted by this plan. */
  readonly deleting: ReadonlySet<string>;
  readonly quarantined: ReadonlySet<string>;
  readonly isProtected: (email: string) => boolean;
  readonly untouched: UntouchedCounts;
}

export interface GroupDiff {
  readonly ops: PlannedOperation[];
  readonly skipped: SkippedEntry[];
  /** Members the target lists in the existing groups the plan keeps managing: the base of the member-removal guard. */
  readonly memberships: number;
  /**
   * Managed groups of each user deprovisioned by this plan whose memberships were left to the server to drop
   * (by target user id). Empty when the target showed it keeps deleted users: the plan removes them itself.
   */
  readonly leftToServer: ReadonlyMap<string, { groupName: string; groupId: string }[]>;
}

/** Target group ids (a member may be a nested group rather than a user). */
type GroupIds = { has(id: string): boolean };

/** One existing managed group's membership change, before it becomes PATCH operations. */
interface MembershipChange {
  readonly g: SourceGroup;
  readonly tg: TargetGroup;
  readonly add: MemberRef[];
  readonly remove: MemberRef[];
  /** Members deprovisioned by this plan: the server is expected to drop them. */
  readonly leaving: MemberRef[];
  /** The group lists ids no target user has: this server keeps deleted users as members. */
  readonly orphans: boolean;
}

function byUserName(a: MemberRef, b: MemberRef): number {
  return a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0;
}

/** Split adds + removes into PATCH-sized chunks; removes first so leavers lose access first. */
export function chunkMembers(add: readonly MemberRef[], remove: readonly MemberRef[], max: number): { add: MemberRef[]; remove: MemberRef[] }[] {
  const size = Number.isFinite(max) && max >= 1 ? Math.floor(max) : Number.POSITIVE_INFINITY;
  const chunks: { add: MemberRef[]; remove: MemberRef[] }[] = [];
  let cur = { add: [] as MemberRef[], remove: [] as MemberRef[] };
  let n = 0;
  const push = (side: 'add' | 'remove', m: MemberRef): void => {
    if (n === size) {
      chunks.push(cur);
      cur = { add: [], remove: [] };
      n = 0;
    }
    cur[side].push(m);
    n++;
  };
  for (const m of remove) push('remove', m);
  for (const m of add) push('add', m);
  if (n > 0) chunks.push(cur);
  return chunks;
}

function membersOps(name: string, group: TargetRef, add: MemberRef[], remove: MemberRef[], max: number, first: number, why: string): PlannedOperation[] {
  const chunks = chunkMembers(add, remove, max);
  return chunks.map((c, i) => ({
    kind: 'updateMembers' as const,
    key: `group:members:${name.toLowerCase()}:${first + i}`,
    reason: `${why}${chunks.length > 1 ? ` (part ${i + 1} of ${chunks.length})` : ''}`,
    groupName: name,
    group,
    add: c.add,
    remove: c.remove,
  }));
}

/**
 * Per run, by present-user number: the group (its generation, one per group) that last wanted the user, and
 * the one whose target members listed it. Two typed arrays instead of a Map and a Set of emails per group.
 */
interface Marks {
  readonly wanted: Uint32Array;
  readonly seen: Uint32Array;
  gen: number;
}

/**
 * The source group's members that will exist in the target (present-user numbers, source order, first wins),
 * marked as wanted under a new generation; out-of-scope members are reported.
 */
function desiredMembers(g: SourceGroup, input: GroupInputs, marks: Marks, skipped: SkippedEntry[]): number[] {
  const gen = ++marks.gen;
  const out: number[] = [];
  for (const raw of g.members) {
    // Sources hand over normalised emails; normalise only on a miss so 500k memberships stay cheap.
    let email = raw;
    let i = input.present.indexOf(email);
    if (i === undefined) {
      email = normalizeEmail(raw);
      i = input.present.indexOf(email);
    }
    if (i !== undefined) {
      if (marks.wanted[i] !== gen) out.push(i);
      marks.wanted[i] = gen;
      continue;
    }
    if (input.matching.inactiveByEmail.has(email)) continue; // disabled: expected, and deprovisioned anyway
    if (input.matching.protected.has(email)) continue; // sync.protect: never added to a group
    const reason = input.quarantined.has(email)
      ? 'member is quarantined (bad source row): membership left as is'
      : input.matching.heldEmails.has(email)
        ? 'member was skipped in the source'
        : 'member is not among the source users in scope';
    skipped.push({ entry: `${g.name}: ${email}`, reason });
  }
  return out;
}

function memberRefs(users: readonly number[], present: PresentUsers): MemberRef[] {
  return users.map((i) => ({ userName: present.email(i), target: present.ref(i) }));
}

/** Compares the target's members with `want` (the users desiredMembers just marked under `marks.gen`). */
function diffExisting(g: SourceGroup, tg: TargetGroup, want: readonly number[], marks: Marks, input: GroupInputs, groupIds: GroupIds): MembershipChange {
  const { present } = input;
  const gen = marks.gen;
  // Emails of listed members that are not wanted (wanted ones are marked in `marks.seen`).
  const others = new Set<string>();
  const remove: MemberRef[] = [];
  const leaving: MemberRef[] = [];
  let orphans = false;
  for (const memberId of tg.members) {
    // Most members are wanted: one lookup by id answers them without the 100,000-entry user index.
    const w = present.indexOfId(memberId);
    if (w !== undefined && marks.wanted[w] === gen) {
      marks.seen[w] = gen;
      continue;
    }
    const tu = resolveTargetUser(input.index, memberId);
    // A member that is neither a user nor a (nested) group: a deleted user the server kept.
    const orphan = tu === undefined && !groupIds.has(memberId);
    orphans ||= orphan;
    const email = tu !== undefined ? tu.userName : memberId.toLowerCase();
    const i = present.indexOf(email);
    if (i !== undefined && marks.wanted[i] === gen) {
      marks.seen[i] = gen;
      continue;
    }
    if (others.has(email)) continue;
    others.add(email);
    // Protected and quarantined members stay.
    if (input.isProtected(email) || input.quarantined.has(email)) continue;
    if (tu !== undefined && input.deleting.has(tu.id)) leaving.push({ userName: email, target: { id: memberId } });
    else remove.push({ userName: orphan ? memberId : email, target: { id: memberId }, ...(orphan ? { orphan: true as const } : {}) });
  }
  const add = memberRefs(
    want.filter((i) => marks.seen[i] !== gen),
    present,
  );
  return { g, tg, add, remove, leaving, orphans };
}

/**
 * Whether any group lists a member that is neither a user nor a group (read only when it matters). The
 * diffed groups were answered by their own members' lookups (c.orphans): only the other groups are read.
 */
function anyOrphan(changes: readonly MembershipChange[], input: GroupInputs, groupIds: GroupIds): boolean {
  if (changes.some((c) => c.orphans)) return true;
  const diffed = new Set(changes.map((c) => c.tg));
  return input.targetGroups.some((tg) => !diffed.has(tg) && tg.members.some((m) => resolveTargetUser(input.index, m) === undefined && !groupIds.has(m)));
}

/**
 * The PATCH operations of the changes. A deprovisioned user's memberships are left to the server, unless the
 * target shows it keeps deleted users as members: then they are removed in the same run, like the orphans.
 */
function membershipOps(changes: readonly MembershipChange[], input: GroupInputs, groupIds: GroupIds): Pick<GroupDiff, 'ops' | 'leftToServer'> {
  const ops: PlannedOperation[] = [];
  const leftToServer = new Map<string, { groupName: string; groupId: string }[]>();
  const anyLeaving = changes.some((c) => c.leaving.length > 0);
  const keeps = anyLeaving && anyOrphan(changes, input, groupIds);
  for (const c of changes) {
    const remove = keeps ? [...c.remove, ...c.leaving] : c.remove;
    if (!keeps) {
      for (const m of c.leaving) {
        const id = (m.target as { id: string }).id;
        const list = leftToServer.get(id) ?? [];
        list.push({ groupName: c.g.name, groupId: c.tg.id });
        leftToServer.set(id, list);
      }
    }
    if (c.add.length === 0 && remove.length === 0) continue;
    c.add.sort(byUserName);
    remove.sort(byUserName);
    const gone = remove.filter((m) => m.orphan === true).length + (keeps ? c.leaving.length : 0);
    const why = `membership changed in source: ${c.add.length} to add, ${remove.length} to remove${gone > 0 ? ` (${gone} deleted, kept as members by the target)` : ''}`;
    ops.push(...membersOps(c.g.name, { id: c.tg.id }, c.add, remove, input.policy.maxMembersPerPatch, 1, why));
  }
  return { ops, leftToServer };
}

interface TargetGroups {
  readonly byId: Map<string, TargetGroup>;
  /** Keyed by lower-cased displayName (first wins). */
  readonly byName: Map<string, TargetGroup>;
}

function indexTargetGroups(groups: readonly TargetGroup[]): TargetGroups {
  const byId = new Map<string, TargetGroup>();
  const byName = new Map<string, TargetGroup>();
  for (const tg of groups) {
    if (!byId.has(tg.id)) byId.set(tg.id, tg);
    const lower = tg.displayName.toLowerCase();
    if (!byName.has(lower)) byName.set(lower, tg);
  }
  return { byId, byName };
}

/** The source groups in scope by lower-cased name (first wins), and the names include/exclude left out. */
function wantedGroups(groups: readonly SourceGroup[], policy: PlanPolicy, skipped: SkippedEntry[]) {
  const included = compileGroupFilter(policy.groups.include, policy.groups.exclude);
  const wanted = new Map<string, SourceGroup>();
  const excluded = new Set<string>();
  for (const g of groups) {
    const lower = g.name.toLowerCase();
    if (!included(g.name)) {
      excluded.add(lower);
      skipped.push({ entry: g.name, reason: 'excluded by sync.groups include/exclude' });
      continue;
    }
    const first = wanted.get(lower);
    if (first !== undefined) {
      skipped.push({ entry: g.origin, reason: `duplicate group name ${g.name} (also ${first.origin})` });
      continue;
    }
    wanted.set(lower, g);
  }
  return { wanted, excluded };
}

/** The target group a wanted group is: its recorded one, else one with the same displayName (adopted). */
function findTargetGroup(
  lower: string,
  g: SourceGroup,
  input: GroupInputs,
  targets: TargetGroups,
  claimed: ReadonlySet<string>,
  ops: PlannedOperation[],
): TargetGroup | undefined {
  const record = ownRecord(input.state.groups, lower);
  const recorded = record !== undefined ? targets.byId.get(record.targetId) : undefined;
  if (recorded !== undefined && !claimed.has(recorded.id)) return recorded;
  const byName = targets.byName.get(lower);
  if (byName === undefined || claimed.has(byName.id)) return undefined;
  ops.push({ kind: 'adoptGroup', key: `group:adopt:${lower}`, reason: 'exists in target with the same displayName', name: g.name, target: { id: byName.id } });
  return byName;
}

/** A new group: created with its members inline, as many as one request takes; the rest in PATCHes after. */
function createGroupOps(lower: string, g: SourceGroup, want: readonly number[], input: GroupInputs): PlannedOperation[] {
  const { policy } = input;
  const key = `group:create:${lower}`;
  const members = memberRefs(want, input.present).sort(byUserName);
  const max = Number.isFinite(policy.maxMembersPerPatch) && policy.maxMembersPerPatch >= 1 ? Math.floor(policy.maxMembersPerPatch) : members.length;
  const reason = ownRecord(input.state.groups, lower) !== undefined ? 'missing in target (was managed)' : 'new in source';
  const ops: PlannedOperation[] = [{ kind: 'createGroup', key, reason, name: g.name, members: members.slice(0, max) }];
  if (members.length > max) {
    ops.push(...membersOps(g.name, { createdBy: key }, members.slice(max), [], policy.maxMembersPerPatch, 1, 'members of a new group beyond one request'));
  }
  return ops;
}

/** Managed groups that left the source (or scope) are deleted, unless deleting would remove a protected member. */
function deleteLeftGroups(
  input: GroupInputs,
  wanted: ReadonlyMap<string, SourceGroup>,
  excluded: ReadonlySet<string>,
  targets: TargetGroups,
  claimed: Set<string>,
): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  for (const lower of Object.keys(input.state.groups)) {
    if (wanted.has(lower)) continue;
    const record = input.state.groups[lower];
    const tg = record !== undefined ? targets.byId.get(record.targetId) : undefined;
    if (record === undefined || tg === undefined || claimed.has(tg.id)) continue;
    claimed.add(tg.id);
    // Deleting the group would take a protected member out of it: sync.protect forbids that.
    if (tg.members.some((m) => input.isProtected(resolveTargetUser(input.index, m)?.userName ?? m))) {
      bump(input.untouched, 'groupsWithProtectedMembers');
      continue;
    }
    const reason = excluded.has(lower) ? 'excluded by sync.groups include/exclude' : 'left the source';
    ops.push({ kind: 'deleteGroup', key: `group:delete:${lower}`, reason, name: record.displayName, target: { id: tg.id } });
  }
  return ops;
}

export function diffGroups(input: GroupInputs): GroupDiff {
  const ops: PlannedOperation[] = [];
  const skipped: SkippedEntry[] = [];
  let memberships = 0;
  if (!input.policy.groups.enabled) return { ops, skipped, memberships, leftToServer: new Map() };
  const targets = indexTargetGroups(input.targetGroups);
  const { wanted, excluded } = wantedGroups(input.groups, input.policy, skipped);
  const claimed = new Set<string>();
  const changes: MembershipChange[] = [];
  const marks: Marks = { wanted: new Uint32Array(input.present.size), seen: new Uint32Array(input.present.size), gen: 0 };
  for (const [lower, g] of wanted) {
    const want = desiredMembers(g, input, marks, skipped);
    const tg = findTargetGroup(lower, g, input, targets, claimed, ops);
    if (tg === undefined) {
      ops.push(...createGroupOps(lower, g, want, input));
      continue;
    }
    claimed.add(tg.id);
    memberships += tg.members.length;
    changes.push(diffExisting(g, tg, want, marks, input, targets.byId));
  }
  ops.push(...deleteLeftGroups(input, wanted, excluded, targets, claimed));
  for (const tg of input.targetGroups) if (!claimed.has(tg.id)) bump(input.untouched, 'unmanagedGroups');
  const members = membershipOps(changes, input, targets.byId);
  ops.push(...members.ops);
  return { ops, skipped, memberships, leftToServer: members.leftToServer };
}
