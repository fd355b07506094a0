import { describe, expect, it } from 'vitest';
import { dnKey, parseAccountExpires } from '../../../../src/sources/ldap/values.js';

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

describe('parseAccountExpires (Windows FILETIME: 100-ns intervals since 1601-01-01 UTC)', () => {
  it.each([
    ['116444736000000000', '1970-01-01T00:00:00.000Z'],
    ['132539328000000000', '2021-01-01T00:00:00.000Z'],
    ['133932528000000000', '2025-06-01T12:00:00.000Z'],
    ['133932528000009999', '2025-06-01T12:00:00.000Z'], // below a millisecond
    ['441166176000000000', '2999-01-01T00:00:00.000Z'],
    ['9223372036854775806', '+030828-09-14T02:48:05.477Z'], // the last instant before "never"
  ])('%s → %s', (v, iso) => {
    expect(parseAccountExpires(v)?.toISOString()).toBe(iso);
  });

  it.each([
    ['0', 'never (0)'],
    ['9223372036854775807', 'never (the largest int64)'],
    ['9223372036854775808', 'past int64'],
    ['-1', 'negative'],
    ['', 'empty'],
    ['never', 'not a number'],
    ['1.5e17', 'not an integer'],
    [undefined, 'absent'],
  ] as const)('%s reads as never expiring (%s)', (v: string | undefined, _why: string) => {
    expect(parseAccountExpires(v)).toBeUndefined();
  });
});
