/**
 * Pairing source users with target users. Order of precedence (design.md, "Identity"):
 *   1. the target id recorded in state for the source id (only while the recorded email is unchanged),
 *   2. the target user with the same userName (case-folded): adopted, never re-created,
 *   3. otherwise the user is created.
 * Each target user is claimed by at most one source user; claims decide what deprovisioning may touch.
 */
import type { SkippedEntry, SourceUser, TargetUser } from '../model/index.js';
import type { SyncState, UserRecord } from '../state/index.js';

export interface TargetIndex {
  readonly byId: ReadonlyMap<string, TargetUser>;
  /** Keyed by lower-cased userName. */
  readonly byUserName: ReadonlyMap<string, TargetUser>;
}

export function indexTargetUsers(users: readonly TargetUser[]): TargetIndex {
  const byUserName = new Map<string, TargetUser>();
  // Amplitude's ids are the userNames: then one Map answers both (same keys, same first-wins users).
  let idsAreNames = true;
  for (const u of users) {
    const name = u.userName.toLowerCase();
    if (!byUserName.has(name)) byUserName.set(name, u);
    if (u.id !== name) idsAreNames = false;
  }
  if (idsAreNames) return { byId: byUserName, byUserName };
  const byId = new Map<string, TargetUser>();
  for (const u of users) if (!byId.has(u.id)) byId.set(u.id, u);
  return { byId, byUserName };
}

/** A group member value is a user id (rfc) or an email (amplitude, where id = email in any case). */
export function resolveTargetUser(index: TargetIndex, idOrEmail: string): TargetUser | undefined {
  return index.byId.get(idOrEmail) ?? index.byUserName.get(idOrEmail.toLowerCase());
}

/** Own-property lookup: source ids come from outside and may be `__proto__` or `constructor`. */
export function ownRecord<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** `slot`: the user's place in UserMatching.active (its number among the present users). */
export type UserMatch =
  | { readonly kind: 'matched'; readonly slot: number; readonly user: SourceUser; readonly target: TargetUser; readonly record: UserRecord }
  | { readonly kind: 'adopt'; readonly slot: number; readonly user: SourceUser; readonly target: TargetUser; readonly record: UserRecord | undefined }
  | { readonly kind: 'create'; readonly slot: number; readonly user: SourceUser; readonly record: UserRecord | undefined };

export interface UserMatching {
  /** One entry per active, non-quarantined, non-duplicate desired user. */
  readonly matches: readonly UserMatch[];
  /**
   * The users the matching paired, in source order: those of `matches` (by slot) and the few it then held
   * because their userName was claimed already. Emails are unique among them.
   */
  readonly active: readonly SourceUser[];
  /** Each of `active` by email: its slot. */
  readonly activeByEmail: ReadonlyMap<string, number>;
  /** Target ids claimed by the matches above: never deprovisioned. */
  readonly claimed: ReadonlySet<string>;
  /** Every desired user by source id (first wins), whatever its state: tells "left" from "disabled". */
  readonly bySourceId: ReadonlyMap<string, SourceUser>;
  /** Source ids left out (duplicates, conflicts, unreadable source entries): their managed targets must not be deprovisioned. */
  readonly held: ReadonlySet<string>;
  /** Emails of the held source users: with `manageAllUsers` their target users are still not "not in source". */
  readonly heldEmails: ReadonlySet<string>;
  /** Desired users with active:false, by email: a target user with that email is "disabled in source". */
  readonly inactiveByEmail: ReadonlyMap<string, SourceUser>;
  /** Emails of active desired users under `sync.protect`: never created, adopted, updated or made members. */
  readonly protected: ReadonlySet<string>;
  readonly skipped: readonly SkippedEntry[];
}

export interface MatchOptions {
  /** Source ids whose entries the source could not read (SkippedEntry.sourceId): held from the start. */
  readonly heldSourceIds?: ReadonlySet<string>;
  readonly isProtected?: (email: string) => boolean;
}

/** Source users left out of the matching, with the entries that explain why (shown as skipped, users held). */
interface Holds {
  readonly held: Set<string>;
  readonly heldEmails: Set<string>;
  readonly skipped: SkippedEntry[];
}

function hold(holds: Holds, u: SourceUser, reason: string): void {
  holds.skipped.push({ entry: u.origin, reason, email: u.email, sourceId: u.sourceId });
  holds.held.add(u.sourceId);
  holds.heldEmails.add(u.email);
}

/** The desired users sorted by what the plan does with them; `active` are the ones to match, in source order. */
interface SortedUsers {
  readonly bySourceId: Map<string, SourceUser>;
  readonly inactiveByEmail: Map<string, SourceUser>;
  readonly protectedEmails: Set<string>;
  readonly active: SourceUser[];
  readonly activeByEmail: Map<string, number>;
}

/** Duplicates (source id, then email among active users) are held; quarantined users are left out entirely. */
function sortSourceUsers(users: readonly SourceUser[], quarantined: ReadonlySet<string>, opts: MatchOptions, holds: Holds): SortedUsers {
  const bySourceId = new Map<string, SourceUser>();
  const inactiveByEmail = new Map<string, SourceUser>();
  const activeByEmail = new Map<string, number>();
  const protectedEmails = new Set<string>();
  const active: SourceUser[] = [];
  for (const u of users) {
    const first = bySourceId.get(u.sourceId);
    if (first !== undefined) {
      hold(holds, u, `duplicate source id ${u.sourceId} (also ${first.origin})`);
      continue;
    }
    bySourceId.set(u.sourceId, u);
    if (quarantined.has(u.email)) continue;
    if (!u.active) {
      if (!inactiveByEmail.has(u.email)) inactiveByEmail.set(u.email, u);
      continue;
    }
    if (opts.isProtected?.(u.email) === true) {
      protectedEmails.add(u.email);
      continue;
    }
    const other = activeByEmail.get(u.email);
    if (other !== undefined) {
      hold(holds, u, `duplicate email ${u.email} (also ${active[other]!.origin})`);
      continue;
    }
    activeByEmail.set(u.email, active.length);
    active.push(u);
  }
  return { bySourceId, inactiveByEmail, protectedEmails, active, activeByEmail };
}

/** Claims `id` unless it is claimed already (one Set operation per user, not a lookup and an insert). */
function claim(claimed: Set<string>, id: string): boolean {
  const before = claimed.size;
  claimed.add(id);
  return claimed.size > before;
}

/**
 * Phase 1, for everyone before any userName match, so a state match always wins over another user's
 * userName match: the recorded target of each active user whose recorded email is unchanged. Returns the
 * matches made, by slot (undefined where phase 2 decides): the array phase 2 completes, not a copy.
 */
function claimRecorded(active: readonly SourceUser[], targets: TargetIndex, state: SyncState, claimed: Set<string>): (UserMatch | undefined)[] {
  const matches = new Array<UserMatch | undefined>(active.length).fill(undefined);
  for (let i = 0; i < active.length; i++) {
    const u = active[i]!;
    const record = ownRecord(state.users, u.sourceId);
    if (record === undefined || record.userName !== u.email) continue;
    const target = targets.byId.get(record.targetId);
    if (target === undefined || !claim(claimed, target.id)) continue;
    matches[i] = { kind: 'matched', slot: i, user: u, target, record };
  }
  return matches;
}

/** Phase 2: matched by state, else adopted by userName, else created; a userName already claimed is held. */
function pairUsers(active: readonly SourceUser[], targets: TargetIndex, state: SyncState, claimed: Set<string>, holds: Holds): UserMatch[] {
  const matches = claimRecorded(active, targets, state, claimed);
  let held = false;
  for (let i = 0; i < active.length; i++) {
    if (matches[i] !== undefined) continue;
    const u = active[i]!;
    // Looked up again only for the users phase 1 did not match: the new ones and the few whose email changed.
    const record = ownRecord(state.users, u.sourceId);
    const target = targets.byUserName.get(u.email);
    if (target === undefined) {
      matches[i] = { kind: 'create', slot: i, user: u, record };
    } else if (claim(claimed, target.id)) {
      matches[i] = { kind: 'adopt', slot: i, user: u, target, record };
    } else {
      // Only reachable with a state file that disagrees with the target; creating would collide.
      hold(holds, u, `target user ${u.email} is already matched to another source id`);
      held = true;
    }
  }
  // Every slot is filled unless a user was held.
  return held ? matches.filter((m): m is UserMatch => m !== undefined) : (matches as UserMatch[]);
}

export function matchUsers(
  users: readonly SourceUser[],
  targets: TargetIndex,
  state: SyncState,
  quarantined: ReadonlySet<string>,
  opts: MatchOptions = {},
): UserMatching {
  const holds: Holds = { held: new Set<string>(opts.heldSourceIds), heldEmails: new Set<string>(), skipped: [] };
  const sorted = sortSourceUsers(users, quarantined, opts, holds);
  const claimed = new Set<string>();
  const matches = pairUsers(sorted.active, targets, state, claimed, holds);
  const { bySourceId, inactiveByEmail, protectedEmails, active, activeByEmail } = sorted;
  return { matches, active, activeByEmail, claimed, bySourceId, ...holds, inactiveByEmail, protected: protectedEmails };
}
