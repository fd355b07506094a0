import { describe, expect, it } from 'vitest';
import { readRangedValues } from '../../../../src/sources/ldap/ranges.js';
import type { LdapEntry } from '../../../../src/sources/ldap/values.js';
import { recordedDirectory } from './recorded.js';

const dn = 'CN=Everyone,OU=Groups,DC=example,DC=com';
const members = Array.from({ length: 3200 }, (_, i) => `CN=u${i},OU=People,DC=example,DC=com`);

/** Windows: at most MaxValRange (1,500) values per read, whatever window was asked. */
function windowsRange(spec: { attributes: readonly string[] }): LdapEntry[] {
  const m = /^member;range=(\d+)-/.exec(spec.attributes[0]!)!;
  const lo = Number(m[1]);
  const hi = Math.min(lo + 1499, members.length - 1);
  const label = hi === members.length - 1 ? `${lo}-*` : `${lo}-${hi}`;
  return [{ dn, [`member;range=${label}`]: members.slice(lo, hi + 1) }];
}

describe('readRangedValues (AD member;range=)', () => {
  it('walks the ranges Windows splits automatically when plain `member` was asked', async () => {
    // Recorded shape: asking for `member` on a 3,200-member group returns `member;range=0-1499` only.
    const first: LdapEntry = { dn, cn: 'Everyone', 'member;range=0-1499': members.slice(0, 1500), member: [] };
    const dir = recordedDirectory({ base: windowsRange });
    const all = await readRangedValues(dir, first, 'member');
    expect(all).toEqual(members);
    expect(dir.baseSearches.map((s) => s.attributes[0])).toEqual(['member;range=1500-2999', 'member;range=3000-4499']);
    expect(dir.baseSearches.every((s) => s.scope === 'base' && s.base === dn)).toBe(true);
  });

  it('follows a server cap smaller than the asked step', async () => {
    const first: LdapEntry = { dn, 'member;range=0-999': members.slice(0, 1000) };
    const capped = (spec: { attributes: readonly string[] }): LdapEntry[] => {
      const lo = Number(/range=(\d+)-/.exec(spec.attributes[0]!)![1]);
      const hi = Math.min(lo + 999, members.length - 1);
      return [{ dn, [`member;range=${lo}-${hi === members.length - 1 ? '*' : hi}`]: members.slice(lo, hi + 1) }];
    };
    const dir = recordedDirectory({ base: capped });
    expect(await readRangedValues(dir, first, 'member')).toEqual(members);
    expect(dir.baseSearches).toHaveLength(3);
  });

  it('takes plain values as complete (small groups, Samba)', async () => {
    const dir = recordedDirectory({});
    expect(await readRangedValues(dir, { dn, member: ['CN=a', 'CN=b'] }, 'member')).toEqual(['CN=a', 'CN=b']);
    expect(await readRangedValues(dir, { dn, 'Member;Range=0-*': 'CN=a' }, 'member')).toEqual(['CN=a']);
    expect(dir.baseSearches).toEqual([]);
  });

  it('ends when a window past the last value comes back without the attribute (Samba)', async () => {
    const first: LdapEntry = { dn, 'member;range=0-1': ['CN=a', 'CN=b'] };
    const dir = recordedDirectory({ base: () => [{ dn }] });
    expect(await readRangedValues(dir, first, 'member', 2)).toEqual(['CN=a', 'CN=b']);
  });

  it('throws when the server answers a range that does not continue', async () => {
    const first: LdapEntry = { dn, 'member;range=0-1': ['CN=a', 'CN=b'] };
    const dir = recordedDirectory({ base: () => [{ dn, 'member;range=0-*': ['CN=a'] }] });
    await expect(readRangedValues(dir, first, 'member', 2)).rejects.toThrow(/asked for values from 2, the server answered range 0-\*/);
  });

  it('throws when the group vanishes between range reads', async () => {
    const dir = recordedDirectory({ base: () => [] });
    await expect(readRangedValues(dir, { dn, 'member;range=0-1': ['CN=a', 'CN=b'] }, 'member', 2)).rejects.toThrow(/vanished/);
  });
});
