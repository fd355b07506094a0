import { type SkippedEntry, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import type { LdapSettings } from './dialects.js';
import { UAC_ACCOUNTDISABLE } from './dialects.js';
import { dnKey, firstString, firstValue, idToString, parseAccountExpires, type LdapEntry } from './values.js';

/**
 * Why a user entry is not a sync candidate: also the reason shown when it is a group member. An inactive
 * user is a candidate (to deprovision) and carries why it is inactive.
 */
export type UserStatus = { kind: 'ok'; user: SourceUser; inactive?: string } | { kind: 'skipped'; reason: string };

/** What decides "active" besides the entry itself. */
export interface ActivityContext {
  /** DN keys of disabled users, when a filter said which (one extra search); else userAccountControl (AD). */
  readonly disabledDns?: ReadonlySet<string> | undefined;
  /** The run's clock, for accountExpires. */
  readonly now: Date;
}

export interface UserIndex {
  /** Every user entry read, by DN key: in scope (ok) or skipped with a reason. */
  readonly byDn: ReadonlyMap<string, UserStatus>;
  /** openldap: `uid` -> DN key, for posixGroup memberUid. */
  readonly byLogin: ReadonlyMap<string, string>;
  readonly users: SourceUser[];
  readonly skipped: SkippedEntry[];
  readonly quarantined: string[];
}

/** AD without a disabled filter: `userAccountControl` bit 2, read from the entry itself. */
function uacDisabled(entry: LdapEntry, s: LdapSettings): boolean {
  if (s.disabledFilter || s.dialect !== 'active-directory') return false;
  const uac = Number(firstString(entry, 'userAccountControl') ?? '0');
  return Number.isFinite(uac) && (uac & UAC_ACCOUNTDISABLE) !== 0;
}

/** Why the account is inactive by what the entry says (disabled, or expired by `now`), or undefined. */
function inactiveReason(entry: LdapEntry, s: LdapSettings, now: Date): string | undefined {
  if (uacDisabled(entry, s)) return DISABLED;
  if (!s.honorAccountExpiry) return undefined;
  const expires = parseAccountExpires(firstString(entry, 'accountExpires'));
  return expires && expires.getTime() <= now.getTime() ? `account expired on ${expires.toISOString()}` : undefined;
}

const DISABLED = 'account is disabled';

/**
 * One user entry, decoded as soon as its page arrives (while the server cuts the next one): everything
 * but what needs the whole read, i.e. the disabled-users search and duplicate emails. It is its own
 * UserStatus, so the DN index holds no second object per entry.
 */
export type DecodedUser = UserStatus & { readonly key: string; readonly dn: string; readonly login: string | undefined };

export function decodeUser(entry: LdapEntry, key: string, s: LdapSettings, now: Date): DecodedUser {
  const login = s.loginAttr ? firstString(entry, s.loginAttr)?.toLowerCase() : undefined;
  let raw = firstString(entry, s.emailAttr);
  if (!raw && s.upnFallback) raw = firstString(entry, 'userPrincipalName');
  if (!raw) {
    return { kind: 'skipped', reason: `no ${s.emailAttr}${s.upnFallback ? ' and no userPrincipalName' : ''} attribute`, key, dn: entry.dn, login };
  }
  const email = normalizeEmail(raw);
  if (!isValidEmail(email)) return { kind: 'skipped', reason: `"${raw}" is not a valid email address`, key, dn: entry.dn, login };
  const idValue = firstValue(entry, s.idAttr);
  // No stable id (an unreadable attribute, a misconfigured attributes.id): the email is the id, as for CSV.
  const sourceId = idValue === undefined ? email : idToString(s.idAttr, idValue);
  const inactive = inactiveReason(entry, s, now);
  const user: SourceUser = {
    sourceId,
    email,
    givenName: firstString(entry, s.givenNameAttr) ?? '',
    familyName: firstString(entry, s.familyNameAttr) ?? '',
    active: inactive === undefined,
    origin: entry.dn,
  };
  return inactive === undefined ? { kind: 'ok', user, key, dn: entry.dn, login } : { kind: 'ok', user, inactive, key, dn: entry.dn, login };
}

/** A user the disabled-users search found, as inactive: "disabled" is reported ahead of an expiry, as for UAC. */
function applyDisabled(d: DecodedUser, disabledDns: ReadonlySet<string>): DecodedUser {
  if (d.kind !== 'ok' || !disabledDns.has(d.key)) return d;
  return { ...d, user: { ...d.user, active: false }, inactive: DISABLED };
}

/**
 * Users from the user search. Two entries with the same email and different ids are a conflict: both
 * are left out and the email is quarantined (the plan neither creates nor deletes it).
 */
export function indexUsers(entries: readonly LdapEntry[], s: LdapSettings, ctx: ActivityContext): UserIndex {
  return indexDecoded(
    entries.map((e) => decodeUser(e, dnKey(e.dn), s, ctx.now)),
    ctx.disabledDns,
  );
}

const byEmail = (a: DecodedUser & { kind: 'ok' }, b: DecodedUser & { kind: 'ok' }): number =>
  a.user.email < b.user.email ? -1 : a.user.email > b.user.email ? 1 : 0;

/**
 * indexUsers over entries decoded page by page. Duplicate emails are found by sorting (the users are
 * sorted by email anyway) instead of a map from email to a list of entries: no map operation and no
 * list per user (in profiles of a 50k-user read, those map operations were the hottest lines).
 */
export function indexDecoded(decoded: readonly DecodedUser[], disabledDns: ReadonlySet<string> | undefined): UserIndex {
  const all: DecodedUser[] = disabledDns ? [] : (decoded as DecodedUser[]);
  const skipped: SkippedEntry[] = [];
  const ok: (DecodedUser & { kind: 'ok' })[] = [];
  for (const x of decoded) {
    const d = disabledDns ? applyDisabled(x, disabledDns) : x;
    if (disabledDns) all.push(d);
    if (d.kind === 'skipped') skipped.push({ entry: d.dn, reason: d.reason });
    else ok.push(d);
  }
  ok.sort(byEmail); // stable: among equal emails, entry order
  const users: SourceUser[] = [];
  const quarantined: string[] = [];
  /** Entries left out for a shared email, by DN key, with the reason (replaces their status in byDn). */
  const conflicts = new Map<string, string>();
  const conflictSkips: { first: number; entries: SkippedEntry[] }[] = [];
  const order = new Map<DecodedUser, number>();
  for (let i = 0; i < ok.length;) {
    let j = i + 1;
    while (j < ok.length && ok[j]!.user.email === ok[i]!.user.email) j++;
    if (j === i + 1) {
      users.push(ok[i]!.user);
      i = j;
      continue;
    }
    const run = ok.slice(i, j);
    if (run.every((x) => x.user.sourceId === run[0]!.user.sourceId)) users.push(run[0]!.user);
    else {
      const email = run[0]!.user.email;
      quarantined.push(email);
      const reason = `email ${email} is shared with ${run.length - 1} other entr${run.length > 2 ? 'ies' : 'y'}; left out until only one has it`;
      // Reported in entry order, like the rest of `skipped`: position of each entry in the read.
      if (order.size === 0) all.forEach((d, k) => order.set(d, k));
      const inOrder = [...run].sort((a, b) => order.get(a)! - order.get(b)!);
      for (const x of inOrder) conflicts.set(x.key, reason);
      // Naming the email and id lets the plan show which managed user this holds.
      conflictSkips.push({ first: order.get(inOrder[0]!)!, entries: inOrder.map((x) => ({ entry: x.user.origin, reason, email, sourceId: x.user.sourceId })) });
    }
    i = j;
  }
  conflictSkips.sort((a, b) => a.first - b.first);
  for (const c of conflictSkips) skipped.push(...c.entries);
  quarantined.sort();
  return withLazyIndexes({ users, skipped, quarantined }, all, conflicts);
}

/**
 * byDn and byLogin are needed only to resolve group members: built on first use, so a users-only read
 * (no `groups` in the config) never pays for two maps of every entry.
 */
function withLazyIndexes(
  lists: Pick<UserIndex, 'users' | 'skipped' | 'quarantined'>,
  all: readonly DecodedUser[],
  conflicts: ReadonlyMap<string, string>,
): UserIndex {
  let byDn: Map<string, UserStatus> | undefined;
  let byLogin: Map<string, string> | undefined;
  const build = (): void => {
    byDn = new Map();
    byLogin = new Map();
    for (const d of all) {
      const reason = conflicts.get(d.key);
      byDn.set(d.key, reason === undefined ? d : { kind: 'skipped', reason });
      if (d.login) byLogin.set(d.login, d.key);
    }
  };
  // Getters on the object itself; never spread this object (a spread would read, and so build, both).
  return {
    ...lists,
    get byDn(): ReadonlyMap<string, UserStatus> {
      if (!byDn) build();
      return byDn!;
    },
    get byLogin(): ReadonlyMap<string, string> {
      if (!byLogin) build();
      return byLogin!;
    },
  };
}
