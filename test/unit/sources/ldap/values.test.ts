import { describe, expect, it } from 'vitest';
import { dnKey } from '../../../../src/sources/ldap/values.js';

describe('dnKey', () => {
  it.each([
    ['CN=Zoë Ångström,OU=People,DC=Example,DC=com', 'cn=zoë ångström,ou=people,dc=example,dc=com'],
    ['cn=Alice, ou=people , dc=example,dc=com', 'cn=alice,ou=people,dc=example,dc=com'],
    ['uid = bob ,ou=people,dc=example,dc=com', 'uid=bob,ou=people,dc=example,dc=com'],
    ['cn=Lee\\, Ann,ou=people,dc=example,dc=com', 'cn=lee\\, ann,ou=people,dc=example,dc=com'],
    ['  cn=x,dc=y  ', 'cn=x,dc=y'],
    ['cn=a+sn=b,dc=y', 'cn=a+sn=b,dc=y'],
  ])('%s → %s', (dn, key) => {
    expect(dnKey(dn)).toBe(key);
  });

  it('gives the entry DN and a member value written differently the same key', () => {
    expect(dnKey('CN=Test User,OU=People,DC=example,DC=com')).toBe(dnKey('cn=test user, ou=people, dc=example, dc=com'));
  });
});
