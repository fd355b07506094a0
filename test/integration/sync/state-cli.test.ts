import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshState, openStateStore } from '../../../src/state/index.js';
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

  it('an empty state file is corrupt in every command: apply deprovisions nobody and re-adopts nobody, plan and show say so', async () => {
    h = await createSyncHarness();
    const ps = people(5, ['Engineering']);
    await h.setPeople(ps);
    await h.apply();
    const path = join(h.dir, 'state.json');
    await writeFile(path, '');
    await h.setPeople(ps.slice(1));
    h.emulator.resetStats();
    for (const args of [['apply', '--allow-deletes', '5'], ['plan'], ['state', 'show']]) {
      const r = await runCli([...args, '-c', h.configPath]);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain('SCIMSYNC_STATE_CORRUPT');
      expect(r.stderr).toContain(`state file ${path} is corrupt: it is empty`);
      expect(r.stderr).toMatch(/fix: restore a backup .*state rebuild/);
    }
    expect(h.emulator.stats().writes).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('a state file of another target is refused by plan, apply and show; rebuild replaces it and keeps it aside', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, ['Engineering']));
    const path = join(h.dir, 'state.json');
    const foreign = JSON.stringify(freshState('https://other.example.com/scim/1/', 'other-lineage'));
    await writeFile(path, foreign);
    for (const args of [['plan'], ['apply'], ['state', 'show'], ['state', 'show', '--json']]) {
      const r = await runCli([...args, '-c', h.configPath]);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain('SCIMSYNC_STATE_OTHER_TARGET');
      expect(r.stderr).toContain('belongs to target https://other.example.com/scim/1/');
      expect(r.stderr).toMatch(/fix: give each target its own state\.path/);
    }
    expect(h.emulator.stats().writes).toBe(0);
    const rebuilt = await runCli(['state', 'rebuild', '-c', h.configPath]);
    expect(rebuilt.code).toBe(0);
    const aside = (await readdir(h.dir)).filter((f) => f.startsWith('state.json.before-rebuild-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(h.dir, aside[0]!), 'utf8')).toBe(foreign);
    expect((await runCli(['state', 'show', '-c', h.configPath])).code).toBe(0);
  });

  it('rebuild during a running apply (lock held) refuses and leaves the state file where it is', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, ['Engineering']));
    await h.apply();
    const path = join(h.dir, 'state.json');
    const before = await readFile(path, 'utf8');
    // This test process plays the running apply: it holds the lock.
    const running = await openStateStore(path, { target: h.emulator.url });
    try {
      const r = await runCli(['state', 'rebuild', '-c', h.configPath]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('SCIMSYNC_STATE_LOCKED');
      expect(r.stderr).toContain(`pid ${process.pid}`);
      expect(await readFile(path, 'utf8')).toBe(before);
      expect((await readdir(h.dir)).filter((f) => f.includes('before-rebuild'))).toEqual([]);
      expect((await running.load()).lineage).toBe(JSON.parse(before).lineage);
    } finally {
      await running.close();
    }
  });

  it.each([
    [
      'a directory',
      async (dir: string) => {
        await mkdir(join(dir, 'state.json'));
        return 'is a directory';
      },
    ],
    [
      'a file as its parent',
      async (dir: string) => {
        await writeFile(join(dir, 'cfgstate'), 'x');
        await writeFile(join(dir, 'config.yaml'), (await readFile(join(dir, 'config.yaml'), 'utf8')).replace('./state.json', './cfgstate/state.json'));
        return 'ENOTDIR';
      },
    ],
    [
      'under /proc',
      async (dir: string) => {
        await writeFile(join(dir, 'config.yaml'), (await readFile(join(dir, 'config.yaml'), 'utf8')).replace('./state.json', '/proc/self/scimsync/state.json'));
        return '/proc';
      },
    ],
  ])(
    'state path %s: plan and apply end with SCIMSYNC_STATE_IO naming it and the fix, never "unexpected", nothing written',
    async (_name, arrange) => {
      h = await createSyncHarness();
      await h.setPeople(people(3, ['Engineering']));
      const expected = await arrange(h.dir);
      for (const cmd of ['plan', 'apply']) {
        const r = await runCli([cmd, '-c', h.configPath]);
        expect({ cmd, code: r.code }).toEqual({ cmd, code: 1 });
        expect(r.stderr).toContain('[SCIMSYNC_STATE_IO]');
        expect(r.stderr).toContain(expected);
        expect(r.stderr).toMatch(/\nfix: /);
        expect(r.stderr).not.toContain('unexpected');
      }
      expect(h.emulator.stats().writes).toBe(0);
    },
    30_000,
  );
});
