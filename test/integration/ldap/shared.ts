/**
 * Behaviour both dialects must show against their real server, written once. The seed is described
 * by test/harness/dataset.ts, so expectations are derived from it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import type { DesiredSnapshot } from '../../../src/model/types.js';
import { createLdapSource } from '../../../src/sources/ldap/index.js';
import { buildDataset, expectedMembers, RENAME_LOGIN, type DirectoryFacts } from '../../harness/directories.js';
import { configFor } from './configs.js';

const ds = buildDataset();
const inScope = ds.users.filter((u) => u.ou === 'people' && u.mail);

export async function readWith(f: DirectoryFacts, over: Parameters<typeof configFor>[1] = {}): Promise<DesiredSnapshot> {
  const source = createLdapSource(configFor(f, over));
  try {
    return await source.read();
  } finally {
    await source.close();
  }
}

export async function readError(f: DirectoryFacts, over: Parameters<typeof configFor>[1]): Promise<SourceError> {
  const err = await readWith(f, over).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

export function sharedBehaviour(getFacts: () => DirectoryFacts): void {
  const openldap = (): boolean => getFacts().kind === 'openldap';
  // The full read, made by whichever test needs it first and shared by the rest: each test asks for it
  // itself, so any one of them passes alone (\`-t\`), in any order. Tests that change the directory put it
  // back before they end, so the shared read is the seed whenever it is made.
  let baseRead: Promise<DesiredSnapshot> | undefined;
  const readBase = (): Promise<DesiredSnapshot> => (baseRead ??= readWith(getFacts()));

  it('reads every in-scope user with a stable id, lower-cased email, names and active flag', async () => {
    const base = await readBase();
    expect(base.users).toHaveLength(inScope.length);
    expect(new Set(base.users.map((u) => u.sourceId)).size).toBe(inScope.length);
    for (const u of base.users) expect(u.sourceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const emails = base.users.map((u) => u.email).sort();
    expect(emails).toEqual(inScope.map((u) => u.mail!.toLowerCase()).sort());
    expect(base.users.find((u) => u.email === 'u0050@example.com')).toMatchObject({ givenName: 'Given50', familyName: 'Family50', active: true });
    expect(base.quarantined).toEqual([]);
  });

  it('keeps non-ASCII names intact', async () => {
    const base = await readBase();
    expect(base.users.find((u) => u.email === 'zoe.angstrom@example.com')).toMatchObject({ givenName: 'Zoë', familyName: 'Ångström' });
    expect(base.users.find((u) => u.email === 'jose.nunez@example.com')).toMatchObject({ givenName: 'José', familyName: 'Núñez' });
  });

  it('marks disabled accounts inactive and leaves them out of groups', async () => {
    const base = await readBase();
    const disabled = inScope.filter((u) => u.disabled).map((u) => u.mail!.toLowerCase());
    expect(disabled.length).toBeGreaterThan(10);
    expect(
      base.users
        .filter((u) => !u.active)
        .map((u) => u.email)
        .sort(),
    ).toEqual(disabled.sort());
    const sre = base.groups.find((g) => g.name === 'sre')!;
    expect(sre.members).not.toContain('u0107@example.com');
    expect(base.skipped.find((s) => /u0107/i.test(s.entry))?.reason).toMatch(/disabled/);
  });

  it('skips users without mail with the reason, and members from another OU', async () => {
    const base = await readBase();
    const noMail = ds.users.filter((u) => !u.mail).map((u) => u.login);
    for (const login of noMail) {
      expect(base.skipped.find((s) => s.entry.toLowerCase().includes(`=${login},`) && /no mail/.test(s.reason))).toBeDefined();
    }
    expect(base.skipped.find((s) => /ext1/i.test(s.entry))?.reason).toMatch(/outside the user scope/);
  });

  it('flattens nested groups three levels deep and survives a cycle', async () => {
    const base = await readBase();
    const want = ds.groups
      .filter((g) => openldap() || !g.openldapOnly)
      .map((g) => g.cn)
      .sort();
    expect(base.groups.map((g) => g.name)).toEqual(want);
    for (const g of base.groups) expect(g.members, g.name).toEqual(expectedMembers(ds, g.name, { openldap: openldap() }));
    expect(base.groups.find((g) => g.name === 'engineering')!.members).toContain('zoe.angstrom@example.com'); // via platform > sre
    expect(base.groups.find((g) => g.name === 'cycle-a')!.members).toEqual(['u0030@example.com', 'u0031@example.com']);
  });

  it('returns the same snapshot with a page size of 7 as with 500', async () => {
    const base = await readBase();
    const tiny = await readWith(getFacts(), { pageSize: 7 });
    expect(tiny).toEqual(base);
  });

  it('narrows synced groups with groups.filter while nested children outside it still count', async () => {
    const f = getFacts();
    const target = openldap() ? 'unique-ops' : 'platform';
    const snap = await readWith(f, { groups: { base: f.groupsBase, filter: `(cn=${target})`, nested: true, inChain: false } });
    expect(snap.groups.map((g) => g.name)).toEqual([target]);
    expect(snap.groups[0]!.members).toEqual(expectedMembers(ds, target, { openldap: openldap() }));
  });

  it('keeps the sourceId when the mail changes (rename)', async () => {
    const f = getFacts();
    const seed = ds.users.find((u) => u.login === RENAME_LOGIN)!;
    const before = (await readBase()).users.find((u) => u.email === seed.mail)!;
    const dn = before.origin;
    const admin = new Client({ url: f.url });
    await admin.bind(f.adminDN, f.adminPassword);
    const setMail = (mail: string): Promise<void> =>
      admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: [mail] }) }));
    try {
      await setMail('Rena.Renamed@Example.com');
      const after = await readWith(f, { groups: undefined });
      const renamed = after.users.find((u) => u.sourceId === before.sourceId);
      expect(renamed?.email).toBe('rena.renamed@example.com');
      expect(after.users.find((u) => u.email === seed.mail)).toBeUndefined();
    } finally {
      await setMail(seed.mail!);
      await admin.unbind();
    }
  });

  it('connects over LDAPS with the right CA', async () => {
    const f = getFacts();
    const snap = await readWith(f, { url: f.ldapsUrl, tls: { ca: f.ca, startTLS: false, rejectUnauthorized: true, insecureHosts: [] }, groups: undefined });
    expect(snap.users).toHaveLength(inScope.length);
  });

  it('connects with StartTLS', async () => {
    const f = getFacts();
    const snap = await readWith(f, { tls: { ca: f.ca, startTLS: true, rejectUnauthorized: true, insecureHosts: [] }, groups: undefined });
    expect(snap.users).toHaveLength(inScope.length);
  });

  const wrongCaDir = mkdtempSync(join(tmpdir(), 'scimsync-wrongca-'));
  afterAll(() => rmSync(wrongCaDir, { recursive: true, force: true }));

  it('refuses a server certificate from another CA, naming the certificate', async () => {
    execFileSync(join(__dirname, '../../harness/mkcert.sh'), [wrongCaDir, '127.0.0.1']);
    const f = getFacts();
    const err = await readError(f, { url: f.ldapsUrl, tls: { ca: join(wrongCaDir, 'ca.pem'), startTLS: false, rejectUnauthorized: true, insecureHosts: [] } });
    expect(err.message).toMatch(
      /^TLS to 127\.0\.0\.1:\d+ failed: the server certificate \(subject CN=localhost, issuer CN=local test CA, names .*IP Address:127\.0\.0\.1.*\) is not signed by the CA in .*wrongca.*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)$/,
    );
    expect(err.fix).toMatch(/source\.tls\.ca/);
    const viaStartTls = await readError(f, { tls: { ca: join(wrongCaDir, 'ca.pem'), startTLS: true, rejectUnauthorized: true, insecureHosts: [] } });
    expect(viaStartTls.message).toMatch(/^StartTLS to .* is not signed by the CA in/);
  });

  it('says the host cannot be reached', async () => {
    const err = await readError(getFacts(), { url: 'ldap://127.0.0.1:9' });
    expect(err.message).toBe('cannot reach the LDAP server at 127.0.0.1:9 (ECONNREFUSED)');
    expect(err.fix).toMatch(/source\.url/);
  });

  it('rejects a wrong password without echoing it', async () => {
    const err = await readError(getFacts(), { bindPassword: 'not-the-Secret-42' });
    expect(err.message).toMatch(/^LDAP bind as ".+" to 127\.0\.0\.1:\d+ refused: /);
    expect(`${err.message} ${err.fix} ${String((err.cause as Error | undefined)?.message ?? '')}`).not.toContain('not-the-Secret-42');
  });
}
