import { TargetError } from '../../../src/errors.js';
import type { TargetGroup, TargetSnapshot, TargetUser } from '../../../src/model/types.js';
import type { UserAttributes } from '../../../src/model/index.js';
import type { RequestCounts, ScimTarget } from '../../../src/scim/port.js';

/** One call as the fake saw it, for assertions on order and concurrency. */
export interface FakeCall {
  readonly method: string;
  readonly what: string;
}

/**
 * An in-memory ScimTarget: an honest implementation of our own port (not of any SCIM server), with the
 * port's documented behaviour (create adopts an existing user/group) and hooks to inject failures.
 * Ids are generated, like an RFC server's, so tests see the created id flow into dependents.
 */
export class FakeTarget implements ScimTarget {
  readonly baseUrl = 'https://fake.example.test/scim/v2';
  readonly users = new Map<string, TargetUser>();
  readonly groups = new Map<string, { id: string; displayName: string; members: Set<string> }>();
  readonly calls: FakeCall[] = [];
  /** Returns an error to throw for a call (checked before the call takes effect), or undefined. */
  failWith: (call: FakeCall) => Error | undefined = () => undefined;
  /** Like servers the RFC allows: a deleted user's id stays in the groups' members. */
  keepsDeletedMembers = false;
  /** Delay each write (ms, real time), to let concurrent ops overlap. */
  delayMs = 0;
  /** Amplitude: a group member that is no user yet is an email, and the group write invites it (id = email). */
  invites = false;
  inFlight = 0;
  maxInFlight = 0;
  /** The most PATCHes of one group ever in flight at once. */
  maxPatchesInFlightPerGroup = 0;
  readonly #patchesInFlight = new Map<string, number>();
  #counts: Record<string, number> = {};
  #nextId = 1;

  seedUser(userName: string, names: { givenName: string; familyName: string } = { givenName: 'G', familyName: 'F' }): TargetUser {
    const user: TargetUser = { id: `u-${this.#nextId++}`, userName, ...names, active: true };
    this.users.set(user.id, user);
    return user;
  }

  seedGroup(displayName: string, members: readonly string[] = []): TargetGroup {
    const id = `g-${this.#nextId++}`;
    this.groups.set(id, { id, displayName, members: new Set(members) });
    return { id, displayName, members: [...members] };
  }

  async snapshot(): Promise<TargetSnapshot> {
    await this.#call('GET', 'snapshot');
    return { users: [...this.users.values()], groups: [...this.groups.values()].map((g) => ({ ...g, members: [...g.members] })) };
  }

  async createUser(attrs: UserAttributes): Promise<{ user: TargetUser; adopted: boolean }> {
    await this.#call('POST', `user ${attrs.userName}`);
    const existing = [...this.users.values()].find((u) => u.userName === attrs.userName.toLowerCase());
    if (existing) return { user: existing, adopted: true };
    const user: TargetUser = {
      id: `u-${this.#nextId++}`,
      userName: attrs.userName.toLowerCase(),
      givenName: attrs.givenName,
      familyName: attrs.familyName,
      active: true,
    };
    this.users.set(user.id, user);
    return { user, adopted: false };
  }

  async updateUser(id: string, attrs: UserAttributes): Promise<void> {
    await this.#call('PUT', `user ${id}`);
    const u = this.#user(id);
    this.users.set(id, { ...u, givenName: attrs.givenName, familyName: attrs.familyName });
  }

  async deactivateUser(id: string): Promise<void> {
    await this.#call('PUT', `deactivate ${id}`);
    this.#user(id);
    this.#removeUser(id);
  }

  async deleteUser(id: string): Promise<void> {
    await this.#call('DELETE', `user ${id}`);
    this.#user(id);
    if (this.keepsDeletedMembers) this.users.delete(id);
    else this.#removeUser(id);
  }

  async getGroup(id: string): Promise<TargetGroup | undefined> {
    await this.#call('GET', `group ${id}`);
    const g = this.groups.get(id);
    return g && { id: g.id, displayName: g.displayName, members: [...g.members] };
  }

  async findUserByUserName(userName: string): Promise<TargetUser | undefined> {
    await this.#call('GET', `find ${userName}`);
    return [...this.users.values()].find((u) => u.userName === userName.toLowerCase());
  }

  async createGroup(displayName: string, memberIds: readonly string[]): Promise<{ group: TargetGroup; adopted: boolean }> {
    await this.#call('POST', `group ${displayName}`);
    const existing = [...this.groups.values()].find((g) => g.displayName.toLowerCase() === displayName.toLowerCase());
    if (existing) return { group: { id: existing.id, displayName: existing.displayName, members: [...existing.members] }, adopted: true };
    for (const m of memberIds) this.#member(m);
    const id = `g-${this.#nextId++}`;
    this.groups.set(id, { id, displayName, members: new Set(memberIds) });
    return { group: { id, displayName, members: [...memberIds] }, adopted: false };
  }

  async patchMembers(groupId: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    const inFlight = (this.#patchesInFlight.get(groupId) ?? 0) + 1;
    this.#patchesInFlight.set(groupId, inFlight);
    this.maxPatchesInFlightPerGroup = Math.max(this.maxPatchesInFlightPerGroup, inFlight);
    try {
      await this.#call('PATCH', `group ${groupId} +${add.join(',')} -${remove.join(',')}`);
    } finally {
      this.#patchesInFlight.set(groupId, inFlight - 1);
    }
    const g = this.groups.get(groupId);
    if (!g) throw new TargetError(`group ${groupId} not found`, { status: 404 });
    for (const m of add) this.#member(m);
    for (const m of add) g.members.add(m);
    for (const m of remove) g.members.delete(m);
  }

  async deleteGroup(id: string): Promise<void> {
    await this.#call('DELETE', `group ${id}`);
    if (!this.groups.delete(id)) throw new TargetError(`group ${id} not found`, { status: 404 });
  }

  requestCounts(): RequestCounts {
    return { ...this.#counts };
  }

  async close(): Promise<void> {}

  /** Counts the request (a refused request still costs one), then fails or waits as configured. */
  async #call(method: string, what: string): Promise<void> {
    const call = { method, what };
    this.calls.push(call);
    this.#counts[method] = (this.#counts[method] ?? 0) + 1;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const err = this.failWith(call);
      if (err) throw err;
    } finally {
      this.inFlight--;
    }
  }

  #user(id: string): TargetUser {
    const u = this.users.get(id);
    if (!u) throw new TargetError(`user ${id} not found`, { status: 404 });
    return u;
  }

  #member(id: string): void {
    if (this.invites && !this.users.has(id) && id.includes('@')) {
      this.users.set(id, { id, userName: id.toLowerCase(), givenName: null, familyName: null, active: true });
    }
    this.#user(id);
  }

  #removeUser(id: string): void {
    this.users.delete(id);
    for (const g of this.groups.values()) g.members.delete(id);
  }
}
