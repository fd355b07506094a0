import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncHarness, people, runCli, type SyncHarness } from './harness.js';


let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('scimsync state', () => {
  it('show: before the first apply, then the managed counts and the last run', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(6, ['Engineering']));
    const before = await runCli(['state', 'show', '-c', h.configPath]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('no state yet');

    await h.apply();
    const after = await runCli(['state', 'show', '-c', h.configPath]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/users\s+6 managed \(6 created, 0 adopted\)/);
    expect(after.stdout).toMatch(/groups\s+1 managed \(1 created, 0 adopted\)/);
    expect(after.stdout).toMatch(/last run\s+converged/);
    const json = JSON.parse((await runCli(['state', 'show', '-c', h.configPath, '--json'])).stdout) as { users: Record<string, unknown>; version: number };
    expect(json.version).toBe(1);
    expect(Object.keys(json.users)).toHaveLength(6);
  });

  it('a lost state file deletes nothing; rebuild re-adopts by userName and the next plan is empty', async () => {
    h = await createSyncHarness({ emulator: { seed: { users: [{ userName: 'admin@example.com', givenName: 'Org', familyName: 'Admin' }], groups: [] } } });
    const ps = people(8, ['Engineering']);
    await h.setPeople(ps);
    await h.apply();
    await rm(join(h.dir, 'state.json'));

    // Without state nothing is managed: a leaver is not deleted, and nobody is re-created. The group is
    // adopted by name, so its membership follows the source again (the leaver leaves the group: one PATCH).
    await h.setPeople(ps.slice(1));
    h.emulator.resetStats();
    const blind = await h.apply();
    expect(blind.plan.summary).toMatchObject({ deleteUsers: 0, createUsers: 0, adoptUsers: 7, adoptGroups: 1, removeMembers: 1 });
    expect(h.emulator.stats().byMethod).toMatchObject({ GET: 2, PATCH: 1 });
    expect(h.emulator.stats().writes).toBe(1);
    expect(h.emulator.users()).toHaveLength(9);

    await rm(join(h.dir, 'state.json'));
    const rebuilt = await runCli(['state', 'rebuild', '-c', h.configPath]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toContain('7 users and 1 groups adopted');
    const plan = await runCli(['plan', '-c', h.configPath]);
    expect(plan.code).toBe(0);
    // The admin was never in the source: still unmanaged.
    const state = JSON.parse(await readFile(join(h.dir, 'state.json'), 'utf8')) as { users: Record<string, { userName: string }> };
    expect(Object.values(state.users).map((u) => u.userName)).not.toContain('admin@example.com');
  });

  it('a corrupt state file is one clear error, no writes; rebuild keeps the old file aside', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(4, []));
    await h.apply();
    await writeFile(join(h.dir, 'state.json'), '{"version":1, "users": tru');
    await h.setPeople(people(2, []));
    h.emulator.resetStats();
    const r = await runCli(['apply', '-c', h.configPath, '--allow-deletes', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCIMSYNC_STATE_CORRUPT');
    expect(r.stderr).toContain(join(h.dir, 'state.json'));
    expect(r.stderr).toMatch(/state rebuild/);
    expect(h.emulator.stats().total).toBe(0);
    expect(h.emulator.users()).toHaveLength(4);

    expect((await runCli(['state', 'rebuild', '-c', h.configPath])).code).toBe(0);
    const files = await readdir(h.dir);
    expect(files.some((f) => f.startsWith('state.json.before-rebuild-'))).toBe(true);
  });
});
