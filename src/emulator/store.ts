import { randomUUID } from 'node:crypto';
import type { EmulatorEvent, EmulatorEventType, EmulatorProfile } from './types.js';

/** One value of a user's `emails` (RFC 7643 §4.1.2). */
export interface EmailValue {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface UserRec {
  id: string;
  /** As stored: lower-cased for amplitude, as sent for rfc (uniqueness is case-insensitive in both). */
  userName: string;
  /** Amplitude: exactly one, the userName, primary. rfc: as sent (possibly none). */
  emails: EmailValue[];
  givenName: string | null;
  familyName: string | null;
  /** undefined: unassigned (rfc: removed by a PATCH); the user then counts as active. */
  active: boolean | undefined;
  pending: boolean;
  externalId: string | undefined;
  created: number;
  lastModified: number;
  version: number;
  /** Position in creation order; used to keep list paging stable. */
  seq: number;
}

export interface GroupRec {
  id: string;
  displayName: string;
  /** rfc only (RFC 7643 §3.1: every resource may carry one). */
  externalId: string | undefined;
  members: Set<string>;
  created: number;
  lastModified: number;
  version: number;
  seq: number;
}

/**
 * The emulator's in-memory data. Every lookup is O(1): users by id and by lower-cased userName, groups by
 * id, membership as Sets both ways. Creation order for paging is an array compacted lazily after deletes,
 * so a run of deletes followed by a list costs one O(n) pass, not one per delete.
 */
export class Store {
  readonly users = new Map<string, UserRec>();
  readonly byUserName = new Map<string, UserRec>();
  readonly groups = new Map<string, GroupRec>();
  readonly groupsByName = new Map<string, GroupRec>();
  /** user id -> ids of the groups it belongs to. */
  readonly userGroups = new Map<string, Set<string>>();
  readonly eventLog: EmulatorEvent[] = [];
  private userOrder: UserRec[] = [];
  private groupOrder: GroupRec[] = [];
  private userOrderDirty = false;
  private groupOrderDirty = false;
  private seq = 0;
  nextGroupId = 1000;

  constructor(
    readonly profile: EmulatorProfile,
    private readonly clock: () => number,
  ) {}

  now(): number {
    return this.clock();
  }

  event(type: EmulatorEventType, userName: string): void {
    this.eventLog.push({ type, userName, at: new Date(this.clock()).toISOString() });
  }

  findUser(id: string): UserRec | undefined {
    // Amplitude ids are the lower-cased email: path lookups are case-insensitive.
    return this.users.get(this.profile === 'amplitude' ? id.toLowerCase() : id);
  }

  findUserByName(userName: string): UserRec | undefined {
    return this.byUserName.get(userName.toLowerCase());
  }

  addUser(u: {
    userName: string;
    emails?: EmailValue[];
    givenName: string | null;
    familyName: string | null;
    active?: boolean;
    pending: boolean;
    externalId?: string | undefined;
    id?: string;
  }): UserRec {
    const t = this.clock();
    const userName = this.profile === 'amplitude' ? u.userName.toLowerCase() : u.userName;
    const rec: UserRec = {
      id: u.id ?? (this.profile === 'amplitude' ? userName : randomUUID()),
      userName,
      emails: u.emails ?? [{ value: userName.toLowerCase(), primary: true }],
      givenName: u.givenName,
      familyName: u.familyName,
      active: u.active ?? true,
      pending: u.pending,
      externalId: u.externalId,
      created: t,
      lastModified: t,
      version: 1,
      seq: this.seq++,
    };
    this.users.set(rec.id, rec);
    this.byUserName.set(userName.toLowerCase(), rec);
    this.userOrder.push(rec);
    return rec;
  }

  renameUser(rec: UserRec, userName: string): void {
    this.byUserName.delete(rec.userName.toLowerCase());
    rec.userName = userName;
    this.byUserName.set(userName.toLowerCase(), rec);
  }

  touchUser(rec: UserRec): void {
    rec.lastModified = this.clock();
    rec.version++;
  }

  /**
   * Removes the user and every membership it had; groups it left get a new version. With `keepMemberships`
   * (the keeps-deleted-members quirk) the groups keep the id as a dangling member.
   */
  removeUser(rec: UserRec, keepMemberships = false): void {
    this.users.delete(rec.id);
    this.byUserName.delete(rec.userName.toLowerCase());
    this.userOrderDirty = true;
    if (keepMemberships) return;
    const gids = this.userGroups.get(rec.id);
    if (gids) {
      for (const gid of gids) {
        const g = this.groups.get(gid);
        if (g) {
          g.members.delete(rec.id);
          this.touchGroup(g);
        }
      }
      this.userGroups.delete(rec.id);
    }
  }

  orderedUsers(): readonly UserRec[] {
    if (this.userOrderDirty) {
      this.userOrder = this.userOrder.filter((u) => this.users.get(u.id) === u);
      this.userOrderDirty = false;
    }
    return this.userOrder;
  }

  groupIdsOf(userId: string): ReadonlySet<string> {
    return this.userGroups.get(userId) ?? new Set();
  }

  addGroup(displayName: string, members: Iterable<string>, fixedId?: string, externalId?: string): GroupRec {
    const t = this.clock();
    const id = fixedId ?? (this.profile === 'amplitude' ? String(this.nextGroupId++) : randomUUID());
    const g: GroupRec = { id, displayName, externalId, members: new Set(), created: t, lastModified: t, version: 1, seq: this.seq++ };
    this.groups.set(id, g);
    this.groupsByName.set(displayName.toLowerCase(), g);
    this.groupOrder.push(g);
    this.setMembers(g, members);
    return g;
  }

  renameGroup(g: GroupRec, displayName: string): void {
    if (this.groupsByName.get(g.displayName.toLowerCase()) === g) this.groupsByName.delete(g.displayName.toLowerCase());
    g.displayName = displayName;
    this.groupsByName.set(displayName.toLowerCase(), g);
  }

  /** Replaces the member set, keeping the reverse index in step. */
  setMembers(g: GroupRec, members: Iterable<string>): void {
    const next = new Set(members);
    for (const uid of g.members) if (!next.has(uid)) this.userGroups.get(uid)?.delete(g.id);
    for (const uid of next) {
      let set = this.userGroups.get(uid);
      if (!set) {
        set = new Set();
        this.userGroups.set(uid, set);
      }
      set.add(g.id);
    }
    g.members = next;
  }

  touchGroup(g: GroupRec): void {
    g.lastModified = this.clock();
    g.version++;
  }

  removeGroup(g: GroupRec): void {
    for (const uid of g.members) this.userGroups.get(uid)?.delete(g.id);
    this.groups.delete(g.id);
    if (this.groupsByName.get(g.displayName.toLowerCase()) === g) {
      this.groupsByName.delete(g.displayName.toLowerCase());
      // Amplitude does not require unique names: another group may carry the same one.
      for (const other of this.groups.values()) {
        if (other.displayName.toLowerCase() === g.displayName.toLowerCase()) {
          this.groupsByName.set(other.displayName.toLowerCase(), other);
          break;
        }
      }
    }
    this.groupOrderDirty = true;
  }

  orderedGroups(): readonly GroupRec[] {
    if (this.groupOrderDirty) {
      this.groupOrder = this.groupOrder.filter((g) => this.groups.get(g.id) === g);
      this.groupOrderDirty = false;
    }
    return this.groupOrder;
  }

  clear(): void {
    this.users.clear();
    this.byUserName.clear();
    this.groups.clear();
    this.groupsByName.clear();
    this.userGroups.clear();
    this.eventLog.length = 0;
    this.userOrder = [];
    this.groupOrder = [];
    this.userOrderDirty = false;
    this.groupOrderDirty = false;
  }
}
