import { describe, expect, it } from 'vitest';
import { buildDataset, directorySkipReason, getSlapd } from '../../harness/directories.js';
import { readError, readWith, sharedBehaviour } from './shared.js';

const slapd = getSlapd();

describe.skipIf(!slapd)(`OpenLDAP source against slapd ${slapd ? '' : `(skipped: ${directorySkipReason('slapd')})`}`, () => {
  sharedBehaviour(() => slapd!);

  it('reads posixGroup memberUid and groupOfUniqueNames members', async () => {
    const snap = await readWith(slapd!);
    expect(snap.groups.find((g) => g.name === 'posix-devs')!.members).toEqual(['u0050@example.com', 'u0051@example.com', 'zoe.angstrom@example.com']);
    expect(snap.groups.find((g) => g.name === 'unique-ops')!.members).toContain('u0060@example.com');
  });

  it("stops with a clear error when slapd's size limit cuts the read, never a short list", async () => {
    const err = await readError(slapd!, { bindDN: slapd!.limitedBindDN!, bindPassword: slapd!.limitedBindPassword! });
    expect(err.message).toMatch(
      /^reading users under "ou=people,dc=example,dc=com" from 127\.0\.0\.1:3890 hit the server's size limit after \d+ entries; nothing was synced$/,
    );
    expect(err.fix).toMatch(/size\.prtotal/);
    expect(buildDataset().users.length).toBeGreaterThan(500);
  });

  it('says invalid credentials for a wrong slapd password', async () => {
    const err = await readError(slapd!, { bindPassword: 'wrong' });
    expect(err.message).toBe('LDAP bind as "cn=sync,ou=service,dc=example,dc=com" to 127.0.0.1:3890 refused: invalid credentials');
  });
});
