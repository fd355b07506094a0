/**
 * The target snapshot kept up to date during an apply: every write the target accepted is folded in at the
 * transport boundary (a ScimTarget decorator), so the snapshot says what the target was told and answered —
 * including the members a group POST invited, a create that found the user already there, and the PATCH an
 * adopted group needed. Answers that contradict the snapshot (404 on a write, 409 on a create) are noted:
 * the next run then reads the target in full.
 */
import { TargetError } from '../errors.js';
import type { TargetGroup, TargetSnapshot, TargetUser, UserAttributes } from '../model/index.js';
import { WrappedTarget, type ScimTarget } from '../scim/index.js';

interface LiveGroup {
  readonly id: string;
  readonly displayName: string;
  /** The list as read until the group is patched, then a Set. */
  members: readonly string[] | Set<string>;
}

/**
 * The snapshot plus the writes since, kept as differences (removed ids, new or changed users, patched groups)
 * over the lists as read: one leaver in 100,000 users must not copy 100,000 users and 500,000 memberships
 * into Maps and Sets. Built on the first write only.
 */
class LiveModel {
  readonly #base: TargetSnapshot;
  #byId: Map<string, TargetUser> | undefined;
  /** Users gone now, and users that left at any point of the run (a user created again has no memberships). */
  readonly #removed = new Set<string>();
  readonly #left = new Set<string>();
  readonly #upserted = new Map<string, TargetUser>();
  readonly groups = new Map<string, LiveGroup>();

  constructor(actual: TargetSnapshot) {
    this.#base = actual;
    for (const g of actual.groups) this.groups.set(g.id, { id: g.id, displayName: g.displayName, members: g.members });
  }

  user(id: string): TargetUser | undefined {
    if (this.#removed.has(id)) return undefined;
    return this.#upserted.get(id) ?? (this.#byId ??= new Map(this.#base.users.map((u) => [u.id, u]))).get(id);
  }

  putUser(u: TargetUser): void {
    this.#removed.delete(u.id);
    this.#upserted.set(u.id, u);
  }

  removeUser(id: string): void {
    this.#upserted.delete(id);
    this.#removed.add(id);
    this.#left.add(id);
    for (const g of this.groups.values()) if (g.members instanceof Set) g.members.delete(id);
  }

  /** A group's members as a Set, to patch it. */
  membersOf(g: LiveGroup): Set<string> {
    if (!(g.members instanceof Set)) g.members = new Set(this.#live(g.members));
    return g.members;
  }

  #live(members: readonly string[]): readonly string[] {
    return this.#left.size === 0 ? members : members.filter((m) => !this.#left.has(m));
  }

  toSnapshot(): TargetSnapshot {
    const changed = this.#removed.size > 0 || this.#upserted.size > 0;
    const kept = changed ? this.#base.users.filter((u) => !this.#removed.has(u.id) && !this.#upserted.has(u.id)) : this.#base.users;
    return {
      users: this.#upserted.size > 0 ? [...kept, ...this.#upserted.values()] : kept,
      groups: [...this.groups.values()].map((g): TargetGroup => ({
        id: g.id,
        displayName: g.displayName,
        members: g.members instanceof Set ? [...g.members] : this.#live(g.members),
      })),
    };
  }
}

export class LiveTarget {
  readonly #base: TargetSnapshot;
  readonly #profile: 'amplitude' | 'rfc';
  #model: LiveModel | undefined;
  readonly #contradictions: string[] = [];

  constructor(actual: TargetSnapshot, profile: 'amplitude' | 'rfc') {
    this.#base = actual;
    this.#profile = profile;
  }

  /** The snapshot now: the one read if nothing was written, else the one kept up to date. */
  snapshot(): TargetSnapshot {
    return this.#model?.toSnapshot() ?? this.#base;
  }

  /** What the target said that the snapshot did not expect (first few, for the log and the next basis). */
  contradictions(): readonly string[] {
    return this.#contradictions;
  }

  contradicted(why: string): void {
    if (this.#contradictions.length < 20) this.#contradictions.push(why);
  }

  #m(): LiveModel {
    return (this.#model ??= new LiveModel(this.#base));
  }

  putUser(user: TargetUser): void {
    this.#m().putUser(user);
  }

  renamed(id: string, attrs: UserAttributes): void {
    const m = this.#m();
    const u = m.user(id);
    // Reactivation sends active:true with the names.
    if (u !== undefined) m.putUser({ ...u, givenName: attrs.givenName, familyName: attrs.familyName, active: true });
  }

  /** Amplitude removes a deactivated user from the org; an RFC server keeps it with active:false. */
  deactivated(id: string): void {
    const m = this.#m();
    const u = m.user(id);
    if (this.#profile === 'amplitude' || u === undefined) m.removeUser(id);
    else m.putUser({ ...u, active: false });
  }

  deleted(id: string): void {
    this.#m().removeUser(id);
  }

  putGroup(group: TargetGroup, alsoMembers: readonly string[]): void {
    const members = new Set([...group.members, ...alsoMembers]);
    this.#m().groups.set(group.id, { id: group.id, displayName: group.displayName, members });
    this.#invited(members);
  }

  patched(groupId: string, add: readonly string[], remove: readonly string[]): void {
    const m = this.#m();
    const g = m.groups.get(groupId);
    if (g === undefined) {
      this.contradicted(`PATCH of group ${groupId}, which the snapshot does not hold`);
      return;
    }
    const members = m.membersOf(g);
    for (const id of remove) members.delete(id);
    for (const id of add) members.add(id);
    this.#invited(add);
  }

  groupDeleted(id: string): void {
    this.#m().groups.delete(id);
  }

  /** Amplitude invites a member email that is not a user yet: it is now a pending user (placeholder names). */
  #invited(ids: Iterable<string>): void {
    if (this.#profile !== 'amplitude') return;
    const m = this.#m();
    for (const id of ids) {
      if (m.user(id) === undefined) m.putUser({ id, userName: id.toLowerCase(), givenName: null, familyName: null, active: true });
    }
  }
}

const is404 = (err: unknown): boolean => err instanceof TargetError && err.status === 404;

/** Statuses that mean the target disagreed with what the plan expected: 404 on a write, 409 on a create. */
export function contradictingStatuses(
  before: Readonly<Record<string, Readonly<Record<string, number>>>>,
  after: Readonly<Record<string, Readonly<Record<string, number>>>>,
): string[] {
  const out: string[] = [];
  for (const [method, status] of [
    ['PUT', '404'],
    ['PATCH', '404'],
    ['DELETE', '404'],
    ['POST', '409'],
  ] as const) {
    const n = (after[method]?.[status] ?? 0) - (before[method]?.[status] ?? 0);
    if (n > 0) out.push(`${n} ${method} answered ${status}`);
  }
  return out;
}

/** A ScimTarget that folds every accepted write into `live`. Reads and counters pass straight through. */
export class RecordingTarget extends WrappedTarget {
  readonly #live: LiveTarget;

  constructor(inner: ScimTarget, live: LiveTarget) {
    super(inner);
    this.#live = live;
  }

  override async createUser(attrs: UserAttributes, signal?: AbortSignal): Promise<{ user: TargetUser; adopted: boolean }> {
    const r = await super.createUser(attrs, signal);
    this.#live.putUser(r.user);
    if (r.adopted) this.#live.contradicted(`POST /Users found ${attrs.userName} already in the target`);
    return r;
  }

  override async updateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    try {
      await super.updateUser(id, attrs, signal);
    } catch (err) {
      if (is404(err)) {
        this.#live.deleted(id);
        this.#live.contradicted(`update of user ${id} answered 404: it is gone from the target`);
      }
      throw err;
    }
    this.#live.renamed(id, attrs);
  }

  override async deactivateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    await super.deactivateUser(id, attrs, signal);
    this.#live.deactivated(id);
  }

  override async deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    await super.deleteUser(id, signal);
    this.#live.deleted(id);
  }

  override async createGroup(displayName: string, memberIds: readonly string[], signal?: AbortSignal): Promise<{ group: TargetGroup; adopted: boolean }> {
    const r = await super.createGroup(displayName, memberIds, signal);
    // A created group holds what was sent even if the answer leaves members out; an adopted one holds what it listed.
    this.#live.putGroup(r.group, r.adopted ? [] : memberIds);
    if (r.adopted) this.#live.contradicted(`POST /Groups found ${displayName} already in the target`);
    return r;
  }

  // getGroup (the kept-members check after deletes) passes through: what it finds is acted on by a recorded PATCH.
  override async patchMembers(groupId: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<void> {
    try {
      await super.patchMembers(groupId, add, remove, signal);
    } catch (err) {
      if (is404(err)) {
        this.#live.groupDeleted(groupId);
        this.#live.contradicted(`PATCH of group ${groupId} answered 404: it is gone from the target`);
      }
      throw err;
    }
    this.#live.patched(groupId, add, remove);
  }

  override async deleteGroup(id: string, signal?: AbortSignal): Promise<void> {
    await super.deleteGroup(id, signal);
    this.#live.groupDeleted(id);
  }
}
