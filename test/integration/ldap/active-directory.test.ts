import { describe, expect, it } from 'vitest';
import { openDirectory } from '../../../src/sources/ldap/connection.js';
import { resolveSettings } from '../../../src/sources/ldap/dialects.js';
import type { Directory } from '../../../src/sources/ldap/directory.js';
import { readSnapshot } from '../../../src/sources/ldap/reader.js';
import { silentLogger } from '../../../src/log.js';
import type { DesiredSnapshot } from '../../../src/model/types.js';
import { createLdapSource } from '../../../src/sources/ldap/index.js';
import { buildDataset, directorySkipReason, expectedMembers, EXPIRY_GROUP, EXPIRY_USERS, getSambaAd } from '../../harness/directories.js';
import { adDn } from '../../harness/seed-files.js';
import { configFor } from './configs.js';
import { readError, readWith, sharedBehaviour } from './shared.js';

const ad = getSambaAd();

describe.skipIf(!ad)(`Active Directory source against Samba AD ${ad ? '' : `(skipped: ${directorySkipReason('samba')})`}`, () => {
  sharedBehaviour(() => ad!);

  it('reads a group past 1,500 members through explicit member;range= steps', async () => {
    const cfg = configFor(ad!);
    const dir = await openDirectory(cfg);
    const ranges: string[] = [];
    const counting: Directory = {
      pages: (spec, size) => dir.pages(spec, size),
      search: (spec) => {
        ranges.push(...spec.attributes.filter((a) => a.includes(';range=')));
        return dir.search(spec);
      },
    };
    try {
      const snap = await readSnapshot(counting, resolveSettings(cfg), { url: cfg.url, timeoutMs: cfg.timeoutMs, logger: silentLogger(), now: new Date() });
      const everyone = snap.groups.find((g) => g.name === 'everyone')!;
      expect(everyone.members).toEqual(expectedMembers(buildDataset(), 'everyone', { openldap: false }));
      expect(everyone.members.length).toBeGreaterThan(1500);
      expect(ranges).toEqual(['member;range=1500-2999']);
    } finally {
      await dir.close();
    }
  });

  it('gives the same groups with the in-chain matching rule as with recursion', async () => {
    const recursive = await readWith(ad!);
    const inChain = await readWith(ad!, { groups: { base: ad!.groupsBase, nested: true, inChain: true } });
    expect(inChain.groups).toEqual(recursive.groups);
  });

  it('uses userPrincipalName for users without mail when upnFallback is on', async () => {
    const snap = await readWith(ad!, { attributes: { upnFallback: true }, groups: undefined });
    expect(snap.users.find((u) => u.email === 'u1600@example.com')).toBeDefined();
    expect(snap.skipped.filter((s) => /no mail/.test(s.reason))).toEqual([]);
  });

  it('binds with a DN as well as a UPN', async () => {
    const snap = await readWith(ad!, { bindDN: ad!.bindDN, groups: undefined });
    expect(snap.users.length).toBeGreaterThan(1500);
  });

  describe('accountExpires (seeded in OU=Expiry: past, future, 0 and the DC default)', () => {
    const scope = { users: { base: adDn.expiry, scope: 'sub' as const }, groups: { base: adDn.expiry, nested: true, inChain: false } };
    const byMail = (snap: DesiredSnapshot): [string, boolean][] => snap.users.map((u): [string, boolean] => [u.email, u.active]);
    const want = (active: (u: (typeof EXPIRY_USERS)[number]) => boolean): [string, boolean][] =>
      EXPIRY_USERS.map((u): [string, boolean] => [u.mail, active(u)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));

    it('reads an account that expired as inactive and leaves it out of groups; later or never as active', async () => {
      const snap = await readWith(ad!, scope);
      expect(byMail(snap)).toEqual(want((u) => !u.expired));
      const team = snap.groups.find((g) => g.name === EXPIRY_GROUP)!;
      expect(team.members).toEqual(
        EXPIRY_USERS.filter((u) => !u.expired)
          .map((u) => u.mail)
          .sort(),
      );
      expect(snap.skipped).toEqual([
        { entry: `CN=exp-past,${adDn.expiry}`, reason: `left out of group "${EXPIRY_GROUP}": account expired on 2001-01-01T00:00:00.000Z` },
      ]);
    });

    it("compares with the run's clock, and ignores expiry when honorAccountExpiry is false", async () => {
      const source = createLdapSource(configFor(ad!, scope), { now: () => new Date('3000-01-01T00:00:00Z') });
      const later = await source.read().finally(() => source.close());
      expect(byMail(later)).toEqual(want((u) => u.accountExpires === undefined || u.accountExpires === '0'));
      const off = await readWith(ad!, { ...scope, attributes: { upnFallback: false, honorAccountExpiry: false } });
      expect(byMail(off)).toEqual(want(() => true));
    });
  });

  it('explains AD data 52e for a wrong password', async () => {
    const err = await readError(ad!, { bindPassword: 'Wrong-Passw0rd' });
    expect(err.message).toBe('LDAP bind as "Administrator@example.com" to 127.0.0.1:389 refused: wrong password (AD data 52e)');
    expect(err.fix).toMatch(/bind password/);
  });
});
