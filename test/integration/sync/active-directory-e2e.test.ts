import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/cli/context.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { hasPendingChanges } from '../../../src/plan/index.js';
import { runOnce, type RunOptions } from '../../../src/run/run-once.js';
import { buildDataset, directorySkipReason, expectedMembers, getSambaAd } from '../../harness/directories.js';

const ad = getSambaAd();

// What the run must produce, from the seed (test/harness/dataset.ts), not from the plan under test: every
// enabled user of the People OU with a mail, and each AD group flattened the way a correct source reads it.
const ds = buildDataset();
const expectedUsers = ds.users
  .filter((u) => u.ou === 'people' && u.mail !== undefined && !u.disabled)
  .map((u) => u.mail!.toLowerCase())
  .sort();
const expectedGroups = ds.groups.filter((g) => !g.openldapOnly).map((g) => g.cn);

/** Issue 4: a real Samba AD DC → the emulator, through the CLI's own composition (config file, password file). */
describe.skipIf(!ad)(`Active Directory → SCIM end to end ${ad ? '' : `(skipped: ${directorySkipReason('samba')})`}`, () => {
  let emulator: RunningEmulator;
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      rateLimit: 0,
      seed: { users: [{ userName: 'admin@example.com', givenName: 'Org', familyName: 'Admin' }], groups: [] },
    });
    dir = await mkdtemp(join(tmpdir(), 'scimsync-ad-e2e-'));
    await writeFile(join(dir, 'bind-password'), `${ad!.bindPassword}\n`, { mode: 0o600 });
    configPath = join(dir, 'config.yaml');
    await writeFile(
      configPath,
      JSON.stringify({
        source: {
          type: 'ldap',
          url: ad!.url,
          bindDN: ad!.bindUPN,
          bindPasswordFile: './bind-password',
          dialect: 'active-directory',
          users: { base: ad!.usersBase },
          groups: { base: ad!.groupsBase, nested: true },
          pageSize: 200,
        },
        target: { url: emulator.url, token: emulator.token, rateLimit: { perMinute: 0, concurrency: 4 }, maxMembersPerPatch: 500 },
        sync: { safety: { maxDeletes: 5, maxDeletePercent: 5 } },
        state: { path: './state.json' },
        log: { level: 'silent' },
      }),
    );
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function run(opts: RunOptions) {
    const ctx = await buildContext({ configPath });
    try {
      return await runOnce(ctx, opts);
    } finally {
      await ctx.close();
    }
  }

  it('first apply provisions every enabled user with mail and the flattened groups', async () => {
    const planned = await run({ mode: 'plan' });
    expect(planned.plan.summary.createUsers).toBe(expectedUsers.length);
    expect(planned.plan.summary.createGroups).toBe(expectedGroups.length);
    expect(planned.plan.skipped.some((s) => /mail|email/i.test(s.reason))).toBe(true);

    const applied = await run({ mode: 'apply' });
    expect(applied.outcome).toBe('converged');
    const users = emulator.users().map((u) => u.userName);
    expect(users.filter((u) => u !== 'admin@example.com').sort()).toEqual(expectedUsers);
    expect(users).toContain('admin@example.com'); // the unmanaged admin is left alone
    // Nested groups are flattened (engineering holds platform's and sre's members too); amplitude members are emails.
    const groups = new Map(emulator.groups().map((g) => [g.displayName.toLowerCase(), [...g.members].map((m) => m.toLowerCase()).sort()]));
    expect([...groups.keys()].sort()).toEqual([...expectedGroups].sort());
    for (const cn of expectedGroups) expect(groups.get(cn), cn).toEqual(expectedMembers(ds, cn, { openldap: false }));
    expect(groups.get('everyone')!.length).toBeGreaterThan(1500); // past AD's 1,500-value range: read in ranges
  });

  it('a re-run is idempotent: no pending changes, only list requests (a full read; between full reads, none)', async () => {
    const again = await run({ mode: 'plan' });
    expect(hasPendingChanges(again.plan)).toBe(false);
    emulator.resetStats();
    // --refresh: compare the directory with what the target reads back, not with the kept snapshot.
    const applied = await run({ mode: 'apply', refresh: true });
    expect(applied.outcome).toBe('converged');
    const stats = emulator.stats();
    expect(stats.writes).toBe(0);
    expect(stats.byMethod.GET).toBe(Math.ceil(emulator.users().length / 100) + Math.ceil(emulator.groups().length / 100));
    expect(emulator.users().some((u) => u.userName === 'admin@example.com')).toBe(true);
  });
});
