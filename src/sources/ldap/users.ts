import type { SkippedEntry, SourceUser } from '../../model/types.js';
import type { LdapSettings } from './dialects.js';
import { UAC_ACCOUNTDISABLE } from './dialects.js';
import { isValidEmail, normalizeEmail } from '../../model/normalize.js';
import { dnKey, firstString, idToString, values, type LdapEntry } from './values.js';

/** Why a user entry is not a sync candidate: also the reason shown when it is a group member. */
export type UserStatus = { kind: 'ok'; user: SourceUser } | { kind: 'skipped'; reason: string };

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

function toUser(entry: LdapEntry, key: string, s: LdapSettings, disabledDns: ReadonlySet<string> | undefined): UserStatus {
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
  return {
    kind: 'ok',
    user: {
      sourceId,
      email,
      givenName: firstString(entry, s.givenNameAttr) ?? '',
      familyName: firstString(entry, s.familyNameAttr) ?? '',
      active: !isDisabled(entry, key, s, disabledDns),
      origin: entry.dn,
    },
  };
}

/**
 * Users from the user search. Two entries with the same email and different ids are a conflict: both
 * are left out and the email is quarantined (the plan neither creates nor deletes it).
 */
export function indexUsers(entries: readonly LdapEntry[], s: LdapSettings, disabledDns?: ReadonlySet<string>): UserIndex {
  const byDn = new Map<string, UserStatus>();
  const byLogin = new Map<string, string>();
  const byEmail = new Map<string, { key: string; user: SourceUser }[]>();
  const skipped: SkippedEntry[] = [];
  for (const entry of entries) {
    const key = dnKey(entry.dn);
    const status = toUser(entry, key, s, disabledDns);
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
