import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../../src/sources/ldap/dialects.js';
import { flattenGroups, type RawGroup } from '../../../../src/sources/ldap/groups.js';
import type { LdapSourceConfig } from '../../../../src/sources/ldap/options.js';
import { indexUsers } from '../../../../src/sources/ldap/users.js';
import { dnKey, guidToString } from '../../../../src/sources/ldap/values.js';
import { user } from './recorded.js';

const cfg: LdapSourceConfig = {
  type: 'ldap',
  url: 'ldap://dc1',
  tls: { startTLS: false, rejectUnauthorized: true, insecureHosts: [] },
  dialect: 'active-directory',
  users: { base: 'OU=People,DC=example,DC=com', scope: 'sub' },
  groups: { nested: true, inChain: false },
  attributes: { upnFallback: false },
  pageSize: 500,
  timeoutMs: 1000,
};
const s = resolveSettings(cfg);
/** The run's clock: accountExpires is compared with it, never with the wall clock. */
const ctx = { now: new Date('2025-06-01T12:00:00Z') };
/** FILETIME (100-ns since 1601-01-01 UTC) of 2021-01-01T00:00:00Z, 2025-06-01T12:00:00Z, 2030-01-01T00:00:00Z. */
const FT_2021 = '132539328000000000';
const FT_NOW = '133932528000000000';
const FT_2030 = '135379296000000000';
const g = (name: string, members: string[]): RawGroup => ({ dn: `CN=${name},OU=Groups,DC=example,DC=com`, name, memberDns: members, memberUids: [] });

describe('indexUsers', () => {
  it('turns objectGUID bytes into the AD string form', () => {
    const bytes = Buffer.from('ae2f8c6b1a3b4c4d8e9f0a1b2c3d4e5f', 'hex');
    expect(guidToString(bytes)).toBe('6b8c2fae-3b1a-4d4c-8e9f-0a1b2c3d4e5f');
    const idx = indexUsers([{ ...user(1), objectGUID: bytes }], s, ctx);
    expect(idx.users[0]!.sourceId).toBe('6b8c2fae-3b1a-4d4c-8e9f-0a1b2c3d4e5f');
  });

  it('reads userAccountControl bit 2 as disabled', () => {
    const idx = indexUsers([user(1, { userAccountControl: '514' }), user(2, { userAccountControl: '66048' })], s, ctx);
    expect(idx.users.map((u) => u.active)).toEqual([false, true]);
  });

  it('treats an accountExpires at or before the run clock as inactive, a later one and never as active', () => {
    const entries = [
      user(1, { accountExpires: FT_2021 }),
      user(2, { accountExpires: FT_NOW }),
      user(3, { accountExpires: FT_2030 }),
      user(4, { accountExpires: '0' }),
      user(5, { accountExpires: '9223372036854775807' }),
      user(6),
    ];
    const idx = indexUsers(entries, s, ctx);
    expect(idx.users.map((u) => [u.email, u.active])).toEqual([
      ['u0001@example.com', false],
      ['u0002@example.com', false],
      ['u0003@example.com', true],
      ['u0004@example.com', true],
      ['u0005@example.com', true],
      ['u0006@example.com', true],
    ]);
    // The same entries a day before 2021 began: nothing had expired yet.
    expect(indexUsers(entries, s, { now: new Date('2020-12-31T00:00:00Z') }).users.every((u) => u.active)).toBe(true);
  });

  it('ignores accountExpires when honorAccountExpiry is false, and for OpenLDAP', () => {
    const expired = [user(1, { accountExpires: FT_2021 })];
    const off = resolveSettings({ ...cfg, attributes: { upnFallback: false, honorAccountExpiry: false } });
    expect(indexUsers(expired, off, ctx).users[0]!.active).toBe(true);
    const openldap = resolveSettings({ ...cfg, dialect: 'openldap' });
    expect(indexUsers(expired, openldap, ctx).users[0]!.active).toBe(true);
    expect(s.honorAccountExpiry).toBe(true);
  });

  it('quarantines an email two entries share and skips both', () => {
    const idx = indexUsers([user(1), user(2, { mail: 'U0001@example.com' }), user(3)], s, ctx);
    expect(idx.quarantined).toEqual(['u0001@example.com']);
    expect(idx.users.map((u) => u.email)).toEqual(['u0003@example.com']);
    expect(idx.skipped.map((x) => x.entry)).toEqual([user(1).dn, user(2).dn]);
  });

  it('marks users the disabled-users search found as disabled, ahead of an expiry', () => {
    const entries = [user(1), user(2, { accountExpires: FT_2021 }), user(3)];
    const disabledDns = new Set([dnKey(user(1).dn), dnKey(user(2).dn)]);
    const idx = indexUsers(entries, resolveSettings({ ...cfg, attributes: { upnFallback: false, disabledFilter: '(x=1)' } }), { ...ctx, disabledDns });
    expect(idx.users.map((u) => [u.email, u.active])).toEqual([
      ['u0001@example.com', false],
      ['u0002@example.com', false],
      ['u0003@example.com', true],
    ]);
    expect(idx.byDn.get(dnKey(user(2).dn))).toMatchObject({ kind: 'ok', inactive: 'account is disabled' });
  });

  it('gives a quarantined entry its shared-email reason as a group member, and keeps one of two entries with the same id', () => {
    const twin = { ...user(8, { mail: 'u0007@example.com' }), objectGUID: user(7).objectGUID! };
    const idx = indexUsers([user(1), user(2, { mail: 'u0001@example.com' }), user(7), twin], s, ctx);
    expect(idx.users.map((u) => u.origin)).toEqual([user(7).dn]);
    const r = flattenGroups([g('x', [user(2).dn, user(8).dn])], [g('x', [user(2).dn, user(8).dn])], idx, { nested: true });
    expect(r.groups[0]!.members).toEqual(['u0007@example.com']);
    expect(r.skipped).toEqual([
      { entry: user(2).dn, reason: 'left out of group "x": email u0001@example.com is shared with 1 other entry; left out until only one has it' },
    ]);
  });

  it('reads uid (for posixGroup memberUid) only when groups are read', () => {
    const openldap = { ...cfg, dialect: 'openldap' as const };
    expect(resolveSettings(openldap).loginAttr).toBe('uid');
    expect(resolveSettings({ ...openldap, groups: undefined }).loginAttr).toBeUndefined();
  });

  it('skips invalid mail values with the value in the reason', () => {
    const idx = indexUsers([user(1, { mail: 'not an email' })], s, ctx);
    expect(idx.skipped).toEqual([{ entry: user(1).dn, reason: '"not an email" is not a valid email address' }]);
  });
});

describe('flattenGroups', () => {
  const idx = indexUsers([user(1), user(2), user(3, { userAccountControl: '514' })], s, ctx);
  const a = g('a', [user(1).dn, 'CN=b,OU=Groups,DC=example,DC=com']);
  const b = g('b', [user(2).dn, 'CN=c,OU=Groups,DC=example,DC=com']);
  const c = g('c', [user(3).dn, 'CN=a,OU=Groups,DC=example,DC=com', 'CN=stranger,OU=Other,DC=example,DC=com']);

  it('expands nesting through a cycle, each group once', () => {
    const r = flattenGroups([a, b, c], [a, b, c], idx, { nested: true });
    expect(r.groups.map((x) => [x.name, x.members])).toEqual([
      ['a', ['u0001@example.com', 'u0002@example.com']],
      ['b', ['u0001@example.com', 'u0002@example.com']],
      ['c', ['u0001@example.com', 'u0002@example.com']],
    ]);
    expect(r.skipped).toEqual([
      { entry: user(3).dn, reason: 'left out of group "a", "b", "c": account is disabled' },
      { entry: 'CN=stranger,OU=Other,DC=example,DC=com', reason: 'left out of group "a", "b", "c": outside the user scope (users.base / users.filter)' },
    ]);
  });

  it('leaves an expired member out, saying when it expired', () => {
    const withExpired = indexUsers([user(1), user(4, { accountExpires: FT_2021 })], s, ctx);
    const r = flattenGroups([g('x', [user(1).dn, user(4).dn])], [g('x', [user(1).dn, user(4).dn])], withExpired, { nested: true });
    expect(r.groups[0]!.members).toEqual(['u0001@example.com']);
    expect(r.skipped).toEqual([{ entry: user(4).dn, reason: 'left out of group "x": account expired on 2021-01-01T00:00:00.000Z' }]);
  });

  it('compares DNs case- and space-insensitively', () => {
    const r = flattenGroups([g('x', ['cn=U0001, ou=people, dc=example, dc=com'])], [g('x', ['cn=U0001, ou=people, dc=example, dc=com'])], idx, {
      nested: true,
    });
    expect(r.groups[0]!.members).toEqual(['u0001@example.com']);
  });

  it('does not expand nested groups when nesting is off', () => {
    const r = flattenGroups([a, b], [a], idx, { nested: false });
    expect(r.groups[0]!.members).toEqual(['u0001@example.com']);
    expect(r.skipped[0]!.reason).toMatch(/groups\.nested is false/);
  });
});
