import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/cli/context.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { hasPendingChanges } from '../../../src/plan/index.js';
import { runOnce, type RunOptions } from '../../../src/run/run-once.js';
import { directorySkipReason, getSambaAd } from '../../harness/directories.js';

const ad = getSambaAd();

/** Issue 4: a real Samba AD DC → the emulator, through the CLI's own composition (config file, password file). */
describe.skipIf(!ad)(`Active Directory → SCIM end to end ${ad ? '' : `(skipped: ${directorySkipReason('samba')})`}`, () => {
  let emulator: RunningEmulator;
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0, seed: { users: [{ userName: 'admin@example.com', givenName: 'Org', familyName: 'Admin' }], groups: [] } });
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
    const desiredUsers = planned.plan.summary.createUsers;
    expect(desiredUsers).toBeGreaterThan(1000);
    expect(planned.plan.skipped.some((s) => /mail|email/i.test(s.reason))).toBe(true);

    const applied = await run({ mode: 'apply' });
    expect(applied.outcome).toBe('converged');
    const users = emulator.users();
    expect(users).toHaveLength(desiredUsers + 1); // + the unmanaged admin
    expect(new Set(users.map((u) => u.userName)).size).toBe(users.length);
    // Nested groups are flattened: engineering holds platform's and sre's members too.
    const groups = new Map(emulator.groups().map((g) => [g.displayName.toLowerCase(), new Set(g.members)]));
    const sre = groups.get('sre');
    const engineering = groups.get('engineering');
    expect(sre && sre.size).toBeGreaterThan(0);
    for (const m of sre!) expect(engineering!.has(m)).toBe(true);
    expect(groups.get('everyone')!.size).toBeGreaterThan(1500);
  });

  it('a re-run is idempotent: no pending changes, only list requests', async () => {
    const again = await run({ mode: 'plan' });
    expect(hasPendingChanges(again.plan)).toBe(false);
    emulator.resetStats();
    const applied = await run({ mode: 'apply' });
    expect(applied.outcome).toBe('converged');
    const stats = emulator.stats();
    expect(stats.writes).toBe(0);
    expect(stats.byMethod.GET).toBe(Math.ceil(emulator.users().length / 100) + Math.ceil(emulator.groups().length / 100));
    expect(emulator.users().some((u) => u.userName === 'admin@example.com')).toBe(true);
  });
});
