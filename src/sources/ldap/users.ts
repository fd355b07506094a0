import { type SkippedEntry, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import type { LdapSettings } from './dialects.js';
import { UAC_ACCOUNTDISABLE } from './dialects.js';
import { dnKey, firstString, idToString, parseAccountExpires, values, type LdapEntry } from './values.js';

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

function isDisabled(entry: LdapEntry, key: string, s: LdapSettings, disabledDns: ReadonlySet<string> | undefined): boolean {
  if (disabledDns) return disabledDns.has(key);
  if (s.dialect !== 'active-directory') return false;
  const uac = Number(firstString(entry, 'userAccountControl') ?? '0');
  return Number.isFinite(uac) && (uac & UAC_ACCOUNTDISABLE) !== 0;
}

/** Why the account is inactive (disabled, or expired by `now`), or undefined when it is active. */
function inactiveReason(entry: LdapEntry, key: string, s: LdapSettings, ctx: ActivityContext): string | undefined {
  if (isDisabled(entry, key, s, ctx.disabledDns)) return 'account is disabled';
  if (!s.honorAccountExpiry) return undefined;
  const expires = parseAccountExpires(firstString(entry, 'accountExpires'));
  return expires && expires.getTime() <= ctx.now.getTime() ? `account expired on ${expires.toISOString()}` : undefined;
}

function toUser(entry: LdapEntry, key: string, s: LdapSettings, ctx: ActivityContext): UserStatus {
  let raw = firstString(entry, s.emailAttr);
  if (!raw && s.upnFallback) raw = firstString(entry, 'userPrincipalName');
  if (!raw) {
    return { kind: 'skipped', reason: `no ${s.emailAttr}${s.upnFallback ? ' and no userPrincipalName' : ''} attribute` };
  }
  const email = normalizeEmail(raw);
  if (!isValidEmail(email)) return { kind: 'skipped', reason: `"${raw}" is not a valid email address` };
  const idValue = values(entry, s.idAttr)[0];
  // No stable id (an unreadable attribute, a misconfigured attributes.id): the email is the id, as for CSV.
  const sourceId = idValue === undefined ? email : idToString(s.idAttr, idValue);
  const inactive = inactiveReason(entry, key, s, ctx);
  return {
    kind: 'ok',
    user: {
      sourceId,
      email,
      givenName: firstString(entry, s.givenNameAttr) ?? '',
      familyName: firstString(entry, s.familyNameAttr) ?? '',
      active: inactive === undefined,
      origin: entry.dn,
    },
    ...(inactive === undefined ? {} : { inactive }),
  };
}

/**
 * Users from the user search. Two entries with the same email and different ids are a conflict: both
 * are left out and the email is quarantined (the plan neither creates nor deletes it).
 */
export function indexUsers(entries: readonly LdapEntry[], s: LdapSettings, ctx: ActivityContext): UserIndex {
  const byDn = new Map<string, UserStatus>();
  const byLogin = new Map<string, string>();
  const byEmail = new Map<string, { key: string; user: SourceUser }[]>();
  const skipped: SkippedEntry[] = [];
  for (const entry of entries) {
    const key = dnKey(entry.dn);
    const status = toUser(entry, key, s, ctx);
    byDn.set(key, status);
    if (s.loginAttr) {
      const login = firstString(entry, s.loginAttr);
      if (login) byLogin.set(login.toLowerCase(), key);
    }
    if (status.kind === 'skipped') {
      skipped.push({ entry: entry.dn, reason: status.reason });
      continue;
    }
    const list = byEmail.get(status.user.email) ?? [];
    list.push({ key, user: status.user });
    byEmail.set(status.user.email, list);
  }
  const users: SourceUser[] = [];
  const quarantined: string[] = [];
  for (const [email, list] of byEmail) {
    const ids = new Set(list.map((x) => x.user.sourceId));
    if (ids.size === 1) {
      users.push(list[0]!.user);
      continue;
    }
    quarantined.push(email);
    for (const x of list) {
      const reason = `email ${email} is shared with ${list.length - 1} other entr${list.length > 2 ? 'ies' : 'y'}; left out until only one has it`;
      byDn.set(x.key, { kind: 'skipped', reason });
      // Naming the email and id lets the plan show which managed user this holds.
      skipped.push({ entry: x.user.origin, reason, email, sourceId: x.user.sourceId });
    }
  }
  users.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  quarantined.sort();
  return { byDn, byLogin, users, skipped, quarantined };
}
