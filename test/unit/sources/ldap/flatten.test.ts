import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../../src/sources/ldap/dialects.js';
import { flattenGroups, type RawGroup } from '../../../../src/sources/ldap/groups.js';
import type { LdapSourceConfig } from '../../../../src/sources/ldap/options.js';
import { indexUsers } from '../../../../src/sources/ldap/users.js';
import { guidToString } from '../../../../src/sources/ldap/values.js';
import { user } from './recorded.js';

const cfg: LdapSourceConfig = {
  type: 'ldap',
  url: 'ldap://dc1',
  tls: { startTLS: false, rejectUnauthorized: true },
  dialect: 'active-directory',
  users: { base: 'OU=People,DC=example,DC=com', scope: 'sub' },
  groups: { nested: true, inChain: false },
  attributes: { upnFallback: false },
  pageSize: 500,
  timeoutMs: 1000,
};
const s = resolveSettings(cfg);
const g = (name: string, members: string[]): RawGroup => ({ dn: `CN=${name},OU=Groups,DC=example,DC=com`, name, memberDns: members, memberUids: [] });

describe('indexUsers', () => {
  it('turns objectGUID bytes into the AD string form', () => {
    const bytes = Buffer.from('ae2f8c6b1a3b4c4d8e9f0a1b2c3d4e5f', 'hex');
    expect(guidToString(bytes)).toBe('6b8c2fae-3b1a-4d4c-8e9f-0a1b2c3d4e5f');
    const idx = indexUsers([{ ...user(1), objectGUID: bytes }], s);
    expect(idx.users[0]!.sourceId).toBe('6b8c2fae-3b1a-4d4c-8e9f-0a1b2c3d4e5f');
  });

  it('reads userAccountControl bit 2 as disabled', () => {
    const idx = indexUsers([user(1, { userAccountControl: '514' }), user(2, { userAccountControl: '66048' })], s);
    expect(idx.users.map((u) => u.active)).toEqual([false, true]);
  });

  it('quarantines an email two entries share and skips both', () => {
    const idx = indexUsers([user(1), user(2, { mail: 'U0001@example.com' }), user(3)], s);
    expect(idx.quarantined).toEqual(['u0001@example.com']);
    expect(idx.users.map((u) => u.email)).toEqual(['u0003@example.com']);
    expect(idx.skipped.map((x) => x.entry)).toEqual([user(1).dn, user(2).dn]);
  });

  it('skips invalid mail values with the value in the reason', () => {
    const idx = indexUsers([user(1, { mail: 'not an email' })], s);
    expect(idx.skipped).toEqual([{ entry: user(1).dn, reason: '"not an email" is not a valid email address' }]);
  });
});

describe('flattenGroups', () => {
  const idx = indexUsers([user(1), user(2), user(3, { userAccountControl: '514' })], s);
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

  it('compares DNs case- and space-insensitively', () => {
    const r = flattenGroups([g('x', ['cn=U0001, ou=people, dc=example, dc=com'])], [g('x', ['cn=U0001, ou=people, dc=example, dc=com'])], idx, { nested: true });
    expect(r.groups[0]!.members).toEqual(['u0001@example.com']);
  });

  it('does not expand nested groups when nesting is off', () => {
    const r = flattenGroups([a, b], [a], idx, { nested: false });
    expect(r.groups[0]!.members).toEqual(['u0001@example.com']);
    expect(r.skipped[0]!.reason).toMatch(/groups\.nested is false/);
  });
});
