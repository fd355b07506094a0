/**
 * Groups: match (state record, else displayName case-insensitively → adopt), create with members inline,
 * one membership PATCH per group per run (chunked by maxMembersPerPatch), delete managed groups that left.
 * Groups scimsync never created or adopted are never touched.
 */
import { normalizeEmail } from '../model/normalize.js';
import type { SkippedEntry, SourceGroup, TargetGroup } from '../model/types.js';
import type { SyncState } from '../state/types.js';
import { bump, type UntouchedCounts } from './deprovision.js';
import { compileGroupFilter } from './glob.js';
import { ownRecord, resolveTargetUser, type TargetIndex, type UserMatching } from './match.js';
import type { MemberRef, PlannedOperation, PlanPolicy, TargetRef } from './types.js';

export interface GroupInputs {
  readonly groups: readonly SourceGroup[];
  readonly targetGroups: readonly TargetGroup[];
  readonly state: SyncState;
  readonly policy: PlanPolicy;
  readonly index: TargetIndex;
  readonly matching: UserMatching;
  /** Email → member ref target for users that exist once the plan is applied. */
  readonly present: ReadonlyMap<string, TargetRef>;
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
export function chunkMembers(
  add: readonly MemberRef[],
  remove: readonly MemberRef[],
  max: number,
): { add: MemberRef[]; remove: MemberRef[] }[] {
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

/** The source group's members that will exist in the target (email → ref); out-of-scope members are reported. */
function desiredMembers(g: SourceGroup, input: GroupInputs, skipped: SkippedEntry[]): Map<string, TargetRef> {
  const out = new Map<string, TargetRef>();
  for (const raw of g.members) {
    // Sources hand over normalised emails; normalise only on a miss so 500k memberships stay cheap.
    let email = raw;
    let ref = input.present.get(email);
    if (ref === undefined) {
      email = normalizeEmail(raw);
      ref = input.present.get(email);
    }
    if (ref !== undefined) {
      out.set(email, ref);
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

function diffExisting(g: SourceGroup, tg: TargetGroup, want: Map<string, TargetRef>, input: GroupInputs, groupIds: GroupIds): MembershipChange {
  // Wanted members by target id: most target members are wanted, and this small per-group Map answers
  // them without a lookup in the 100,000-entry user index (which dominates at scale).
  const wantedById = new Map<string, string>();
  for (const [email, ref] of want) if ('id' in ref) wantedById.set(ref.id, email);
  const seen = new Set<string>();
  const remove: MemberRef[] = [];
  const leaving: MemberRef[] = [];
  let orphans = false;
  for (const memberId of tg.members) {
    const wanted = wantedById.get(memberId);
    if (wanted !== undefined) {
      seen.add(wanted);
      continue;
    }
    const tu = resolveTargetUser(input.index, memberId);
    // A member that is neither a user nor a (nested) group: a deleted user the server kept.
    const orphan = tu === undefined && !groupIds.has(memberId);
    orphans ||= orphan;
    const email = tu !== undefined ? tu.userName : memberId.toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    if (want.has(email)) continue;
    // Protected and quarantined members stay.
    if (input.isProtected(email) || input.quarantined.has(email)) continue;
    if (tu !== undefined && input.deleting.has(tu.id)) leaving.push({ userName: email, target: { id: memberId } });
    else remove.push({ userName: orphan ? memberId : email, target: { id: memberId }, ...(orphan ? { orphan: true as const } : {}) });
  }
  const add: MemberRef[] = [];
  for (const [email, ref] of want) if (!seen.has(email)) add.push({ userName: email, target: ref });
  return { g, tg, add, remove, leaving, orphans };
}

/** Whether any group lists a member that is neither a user nor a group (read only when it matters). */
function anyOrphan(groups: readonly TargetGroup[], input: GroupInputs, groupIds: GroupIds): boolean {
  return groups.some((tg) => tg.members.some((m) => resolveTargetUser(input.index, m) === undefined && !groupIds.has(m)));
}

/**
 * The PATCH operations of the changes. A deprovisioned user's memberships are left to the server, unless the
 * target shows it keeps deleted users as members: then they are removed in the same run, like the orphans.
 */
function membershipOps(changes: readonly MembershipChange[], input: GroupInputs, groupIds: GroupIds): Pick<GroupDiff, 'ops' | 'leftToServer'> {
  const ops: PlannedOperation[] = [];
  const leftToServer = new Map<string, { groupName: string; groupId: string }[]>();
  const anyLeaving = changes.some((c) => c.leaving.length > 0);
  const keeps = anyLeaving && (changes.some((c) => c.orphans) || anyOrphan(input.targetGroups, input, groupIds));
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

export function diffGroups(input: GroupInputs): GroupDiff {
  const ops: PlannedOperation[] = [];
  const skipped: SkippedEntry[] = [];
  let memberships = 0;
  const { policy, state } = input;
  if (!policy.groups.enabled) return { ops, skipped, memberships, leftToServer: new Map() };
  const included = compileGroupFilter(policy.groups.include, policy.groups.exclude);
  const targetById = new Map<string, TargetGroup>();
  const targetByName = new Map<string, TargetGroup>();
  for (const tg of input.targetGroups) {
    if (!targetById.has(tg.id)) targetById.set(tg.id, tg);
    const lower = tg.displayName.toLowerCase();
    if (!targetByName.has(lower)) targetByName.set(lower, tg);
  }

  const wanted = new Map<string, SourceGroup>();
  const excluded = new Set<string>();
  for (const g of input.groups) {
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

  const claimed = new Set<string>();
  const changes: MembershipChange[] = [];
  for (const [lower, g] of wanted) {
    const want = desiredMembers(g, input, skipped);
    const record = ownRecord(state.groups, lower);
    let tg = record !== undefined ? targetById.get(record.targetId) : undefined;
    if (tg !== undefined && claimed.has(tg.id)) tg = undefined;
    if (tg === undefined) {
      const byName = targetByName.get(lower);
      if (byName !== undefined && !claimed.has(byName.id)) {
        tg = byName;
        ops.push({ kind: 'adoptGroup', key: `group:adopt:${lower}`, reason: 'exists in target with the same displayName', name: g.name, target: { id: tg.id } });
      }
    }
    if (tg !== undefined) {
      claimed.add(tg.id);
      memberships += tg.members.length;
      changes.push(diffExisting(g, tg, want, input, targetById));
      continue;
    }
    const key = `group:create:${lower}`;
    const members = [...want].map(([userName, target]): MemberRef => ({ userName, target })).sort(byUserName);
    const max = Number.isFinite(policy.maxMembersPerPatch) && policy.maxMembersPerPatch >= 1 ? Math.floor(policy.maxMembersPerPatch) : members.length;
    const reason = record !== undefined ? 'missing in target (was managed)' : 'new in source';
    ops.push({ kind: 'createGroup', key, reason, name: g.name, members: members.slice(0, max) });
    if (members.length > max) {
      ops.push(...membersOps(g.name, { createdBy: key }, members.slice(max), [], policy.maxMembersPerPatch, 1, 'members of a new group beyond one request'));
    }
  }

  for (const lower of Object.keys(state.groups)) {
    if (wanted.has(lower)) continue;
    const record = state.groups[lower];
    const tg = record !== undefined ? targetById.get(record.targetId) : undefined;
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
  for (const tg of input.targetGroups) if (!claimed.has(tg.id)) bump(input.untouched, 'unmanagedGroups');
  const members = membershipOps(changes, input, targetById);
  ops.push(...members.ops);
  return { ops, skipped, memberships, leftToServer: members.leftToServer };
}
