import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StateError } from '../../../src/errors.js';
import { freshState, openStateStore, readStateFile, writeFileAtomic, type FileStateStoreHandle, type SyncState } from '../../../src/state/index.js';
import { TARGET, stateErrorOf, stateFixture } from './fixture.js';

const fx = stateFixture();
let dir = '';
beforeEach(() => {
  dir = fx.dir();
});

function openStore(path: string, opts: { flushEveryOps?: number; flushIntervalMs?: number; target?: string } = {}): Promise<FileStateStoreHandle> {
  return fx.open(path, opts);
}

function withUser(state: SyncState, i: number): SyncState {
  return {
    ...state,
    users: { ...state.users, [`src-${i}`]: { targetId: `u${i}@example.com`, userName: `u${i}@example.com`, pushedHash: `h${i}`, ownership: 'created' } },
  };
}

async function expectStateError(p: Promise<unknown>, code: string): Promise<StateError> {
  const err = await stateErrorOf(p);
  expect(err.code).toBe(code);
  expect(err.fix).toBeTruthy();
  return err;
}

describe('state store: load', () => {
  it('a missing file gives a fresh state, written at once with mode 0600 in a 0700 directory', async () => {
    const path = join(dir, 'nested', 'state.json');
    const store = await openStore(path);
    const state = await store.load();
    expect(state).toMatchObject({ version: 1, serial: 0, target: TARGET, users: {}, groups: {} });
    expect(state.lineage).toMatch(/^[0-9a-f-]{36}$/);
    const onDisk = await readStateFile(path);
    expect(onDisk?.lineage).toBe(state.lineage);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
  });

  it('two fresh states get different lineages', async () => {
    const a = await (await openStore(join(dir, 'a.json'))).load();
    const b = await (await openStore(join(dir, 'b.json'))).load();
    expect(a.lineage).not.toBe(b.lineage);
  });

  it('round-trips records, progress and serial through close and reopen', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path);
    let state = await store.load();
    state = withUser(state, 1);
    state = { ...state, progress: { planId: 'p', startedAt: '2026-01-01T00:00:00.000Z', total: 3, done: ['a'] } };
    store.update(state);
    await store.close();
    const again = await openStore(path);
    const loaded = await again.load();
    expect(loaded.users['src-1']?.targetId).toBe('u1@example.com');
    expect(loaded.progress?.done).toEqual(['a']);
    expect(loaded.serial).toBe(1);
    expect(loaded.lineage).toBe(state.lineage);
  });

  it.each([
    ['bad JSON', '{"version": 1, "users": '],
    ['a JSON array', '[]'],
    ['no version', JSON.stringify({ lineage: 'x', serial: 0, target: TARGET, users: {}, groups: {} })],
    ['a bad user record', JSON.stringify({ ...freshState(TARGET, 'l'), users: { a: { targetId: 1 } } })],
    ['a negative serial', JSON.stringify({ ...freshState(TARGET, 'l'), serial: -1 })],
  ])('%s is SCIMSYNC_STATE_CORRUPT naming the file and the rebuild fix, never a fresh state', async (_name, text) => {
    const path = join(dir, 'state.json');
    await writeFile(path, text);
    const store = await openStore(path);
    const err = await expectStateError(store.load(), 'SCIMSYNC_STATE_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.fix).toContain('scimsync state rebuild');
    await expectStateError(readStateFile(path), 'SCIMSYNC_STATE_CORRUPT');
    // The corrupt file is left as it was for the person to inspect.
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('an unknown newer format version says to upgrade scimsync', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, JSON.stringify({ ...freshState(TARGET, 'l'), version: 2 }));
    const err = await expectStateError((await openStore(path)).load(), 'SCIMSYNC_STATE_CORRUPT');
    expect(err.message).toContain('version 2');
    expect(err.fix).toMatch(/upgrade scimsync/);
  });

  it('a state made for another target names both URLs; a trailing-slash variant is the same target', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, JSON.stringify(freshState('https://other.example.com/scim/v2', 'l')));
    const first = await openStore(path);
    const err = await expectStateError(first.load(), 'SCIMSYNC_STATE_OTHER_TARGET');
    expect(err.message).toContain('https://other.example.com/scim/v2');
    expect(err.message).toContain(TARGET);
    expect(err.fix).toContain('state.path');
    await first.close();
    const same = await openStore(path, { target: 'HTTPS://other.example.com/scim/v2/' });
    expect((await same.load()).lineage).toBe('l');
  });

  it('readStateFile of a missing file is undefined and creates nothing', async () => {
    expect(await readStateFile(join(dir, 'none.json'))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects invalid batching options with a ConfigError naming the option', async () => {
    await expect(openStateStore(join(dir, 's.json'), { target: TARGET, flushEveryOps: 0 })).rejects.toMatchObject({
      code: 'SCIMSYNC_CONFIG_INVALID',
      message: expect.stringContaining('flushEveryOps') as unknown,
    });
  });
});

describe('state store: lock', () => {
  it('a second open of the same file is SCIMSYNC_STATE_LOCKED naming the holder pid; close releases it', async () => {
    const path = join(dir, 'state.json');
    const first = await openStore(path);
    await first.load();
    const err = await expectStateError(openStateStore(path, { target: TARGET }), 'SCIMSYNC_STATE_LOCKED');
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.fix).toContain(`${path}.lock`);
    const lock = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as Record<string, unknown>;
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    await first.close();
    await expect(readFile(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    const second = await openStore(path);
    expect((await second.load()).serial).toBe(0);
  });

  it('a lock left by a dead process on this host is taken over', async () => {
    const path = join(dir, 'state.json');
    // A pid that surely existed and is now gone: a child that has exited.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    await writeFile(`${path}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    const store = await openStore(path);
    await store.load();
    const lock = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as Record<string, unknown>;
    expect(lock['pid']).toBe(process.pid);
  });

  it('a lock held on another host is never taken over (its pid cannot be checked)', async () => {
    const path = join(dir, 'state.json');
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 1, host: 'some-other-host', startedAt: 'x' }));
    const err = await expectStateError(openStateStore(path, { target: TARGET }), 'SCIMSYNC_STATE_LOCKED');
    expect(err.message).toContain('some-other-host');
  });
});

describe('state store: writes', () => {
  it('1,000 updates write the file O(n / flushEveryOps) times, not per update', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path, { flushEveryOps: 100, flushIntervalMs: 60_000 });
    let state = await store.load();
    const initialWrites = store.writes(); // the fresh state
    for (let i = 0; i < 1000; i++) {
      state = withUser(state, i);
      store.update(state);
    }
    await store.close();
    expect(store.writes() - initialWrites).toBe(10);
    const onDisk = await readStateFile(path);
    expect(Object.keys(onDisk?.users ?? {})).toHaveLength(1000);
    expect(onDisk?.serial).toBe(10);
  });

  it('flush with nothing changed does not write or bump serial (a saved plan stays valid)', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path);
    await store.load();
    const before = store.writes();
    await store.flush();
    await store.close();
    expect(store.writes()).toBe(before);
    expect((await readStateFile(path))?.serial).toBe(0);
  });

  it('unflushed updates are written after flushIntervalMs', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path, { flushEveryOps: 1000, flushIntervalMs: 20 });
    store.update(withUser(await store.load(), 7));
    for (let i = 0; i < 100 && (await readStateFile(path))?.serial !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await readStateFile(path))?.users['src-7']).toBeDefined();
  });

  it('readers never see a partial file while many flushes run, and no temp file is left', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path, { flushEveryOps: 1 });
    let state = await store.load();
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const text = await readFile(path, 'utf8');
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        reads++;
      }
    })();
    for (let i = 0; i < 200; i++) {
      state = withUser(state, i);
      store.update(state);
      if (i % 10 === 0) await store.flush();
    }
    await store.close();
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await readdir(dir)).sort()).toEqual(['state.json']);
  });

  it('keeps the states it loads and is given, frozen in the tests: a change after update throws instead of reaching a write', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path, { flushEveryOps: 1000, flushIntervalMs: 60_000 });
    const loaded = await store.load();
    expect(() => Object.assign(loaded.users, { x: loaded.users['x'] })).toThrow(TypeError);
    const done = ['a'];
    const given: SyncState = { ...withUser(loaded, 1), progress: { planId: 'p', startedAt: '2026-01-01T00:00:00.000Z', total: 3, done } };
    store.update(given);
    const flushed = store.flush();
    expect(() => done.push('b')).toThrow(TypeError); // what the executor did before it made a new array per fold
    expect(() => Object.assign(given.users, { 'src-2': given.users['src-1'] })).toThrow(TypeError);
    await flushed;
    const onDisk = await readStateFile(path);
    expect(onDisk?.progress?.done).toEqual(['a']);
    expect(Object.keys(onDisk?.users ?? {})).toEqual(['src-1']);
    // The store's own copies (a new serial) are frozen too, and hold the given records themselves, not copies.
    const current = store.current();
    expect(current?.serial).toBe(1);
    expect(Object.isFrozen(current)).toBe(true);
    expect(current?.users).toBe(given.users);
  });

  it('a failed write of the state file leaves the old file intact and says so', async () => {
    // A real failure of a write to this very file once it exists: the temp name (`.NAME.PID.RANDOM.tmp`) is
    // past the file system's 255-byte limit while the state file's name and its lock's are not.
    const path = join(dir, `${'s'.repeat(240)}.json`);
    const store = await openStore(path, { flushEveryOps: 1000, flushIntervalMs: 60_000 });
    await writeFile(path, `${JSON.stringify(withUser(freshState(TARGET, 'old-lineage'), 1))}\n`);
    const before = await readFile(path, 'utf8');
    store.update(withUser(await store.load(), 2));
    const err = await expectStateError(store.flush(), 'SCIMSYNC_STATE_IO');
    expect(err.message).toContain('the file on disk is the last complete write');
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await readdir(dir)).sort()).toEqual([`${'s'.repeat(240)}.json`, `${'s'.repeat(240)}.json.lock`]); // no temp left
  });

  it('a write killed after its temp file is complete leaves the old file intact; the next open removes the temp', async () => {
    const path = join(dir, 'state.json');
    const store = await openStore(path);
    store.update(withUser(await store.load(), 1));
    await store.close();
    const before = await readFile(path, 'utf8');
    // A real write of the same file in another process, SIGKILLed between the fsynced temp file and the rename.
    const atomicFile = new URL('../../../src/state/atomic-file.ts', import.meta.url).href;
    const script = `import(${JSON.stringify(atomicFile)}).then((m) => m.writeFileAtomic(${JSON.stringify(path)}, 'new'))`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, SCIMSYNC_CRASH_AT: 'state-temp-written' } });
    expect(child.signal).toBe('SIGKILL');
    expect(await readFile(path, 'utf8')).toBe(before);
    const temps = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(await readFile(join(dir, temps[0] as string), 'utf8')).toBe('new'); // the write got that far
    const again = await openStore(path);
    expect((await again.load()).users['src-1']).toBeDefined();
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a write whose rename fails removes its temp file', async () => {
    // Renaming over a non-empty directory fails after the temp file was fully written.
    const blocked = join(dir, 'blocked');
    await mkdir(join(blocked, 'x'), { recursive: true });
    await writeFile(join(blocked, 'x', 'keep'), 'k');
    await expect(writeFileAtomic(join(blocked, 'x'), 'new')).rejects.toBeDefined();
    expect((await readdir(blocked)).sort()).toEqual(['x']);
    expect(await readFile(join(blocked, 'x', 'keep'), 'utf8')).toBe('k');
  });
});
