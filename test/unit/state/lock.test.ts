import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { openStateStore } from '../../../src/state/index.js';
import { acquireLock, type StateLock } from '../../../src/state/lock.js';
import { myIdentity, processStartOf } from '../../../src/state/lock-holder.js';

/** Issue 8: who holds the lock is a process (pid + start + run id, or a heartbeat), not a pid; an unreadable lock ages out. */
let dir: string;
let statePath: string;
const held: StateLock[] = [];
const children: ChildProcess[] = [];
const now = () => new Date();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-lock-'));
  statePath = join(dir, 'state.json');
});
afterEach(async () => {
  for (const l of held.splice(0)) await l.release();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function acquire(options: { graceMs?: number; waitMs?: number; heartbeatMs?: number } = {}): Promise<StateLock> {
  const lock = await acquireLock(statePath, silentLogger(), now, options);
  held.push(lock);
  return lock;
}

async function lockedBy(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(`${statePath}.lock`, 'utf8')) as Record<string, unknown>;
}

async function refused(options: { graceMs?: number; waitMs?: number } = {}): Promise<StateError> {
  const err: unknown = await acquireLock(statePath, silentLogger(), now, options).then(
    (l) => {
      held.push(l);
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  expect((err as StateError).code).toBe('SCIMSYNC_STATE_LOCKED');
  return err as StateError;
}

/** A live process on this host that is not us. */
async function liveChild(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child.pid!;
}

describe('lock identity', () => {
  it('records pid, host, a random run id and (Linux) the process start time', async () => {
    await acquire();
    const info = await lockedBy();
    expect(info).toMatchObject({ pid: process.pid, host: hostname() });
    expect(info['runId']).toMatch(/^[0-9a-f-]{36}$/);
    if (process.platform === 'linux') expect(info['processStart']).toBe(await processStartOf(process.pid));
  });

  it('a lock naming our own pid in our PID namespace that this process never took is stale (restarted with the same pid)', async () => {
    const earlier = { ...(await myIdentity(now, 10_000)), runId: 'earlier-run', startedAt: '2026-01-01T00:00:00Z' };
    await writeFile(`${statePath}.lock`, JSON.stringify(earlier));
    await acquire();
    const info = await lockedBy();
    expect(info['pid']).toBe(process.pid);
    expect(info['runId']).not.toBe('earlier-run');
  });

  it('a lock this process holds is alive: a second acquire in the same process is refused', async () => {
    await acquire();
    const err = await refused({ waitMs: 0 });
    expect(err.message).toContain(`pid ${process.pid}`);
  });

  it.runIf(process.platform === 'linux')('a live pid that started at another time is a reused pid: the lock is stale', async () => {
    const pid = await liveChild();
    const start = await processStartOf(pid);
    expect(start).toMatch(/^[0-9a-f-]+:\d+$/);
    await writeFile(`${statePath}.lock`, JSON.stringify({ pid, host: hostname(), startedAt: 'x', runId: 'r', processStart: `${start}0` }));
    await acquire();
    expect((await lockedBy())['pid']).toBe(process.pid);
  });

  it('a live pid with its own start time holds the lock: refused, naming it', async () => {
    const pid = await liveChild();
    const processStart = await processStartOf(pid);
    await writeFile(`${statePath}.lock`, JSON.stringify({ pid, host: hostname(), startedAt: 'x', runId: 'r', ...(processStart ? { processStart } : {}) }));
    const err = await refused({ waitMs: 0 });
    expect(err.message).toContain(`pid ${pid}`);
    expect(err.fix).toContain(`${statePath}.lock`);
  });

  it('a lock of a process that is gone is taken over (the old format without run id too)', async () => {
    const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    await writeFile(`${statePath}.lock`, JSON.stringify({ pid: gone, host: hostname(), startedAt: 'x' }));
    await acquire();
    expect((await lockedBy())['pid']).toBe(process.pid);
  });
});

describe('heartbeat: a holder that cannot be checked (another host: a replaced pod has a new hostname)', () => {
  const otherHost = (extra: Record<string, unknown>) => JSON.stringify({ pid: 1, host: 'scimsync-28934-old', startedAt: 'x', runId: 'r', ...extra });
  const age = async (ms: number) => {
    const t = new Date(Date.now() - ms);
    await utimes(`${statePath}.lock`, t, t);
  };

  it('silent for 6 beats (10 min at 15 s): stale, taken over', async () => {
    await writeFile(`${statePath}.lock`, otherHost({ heartbeatMs: 15_000 }));
    await age(600_000);
    await acquire();
    expect((await lockedBy())['pid']).toBe(process.pid);
  });

  /** Plays the live holder: touches its lock like the real heartbeat does. */
  const beat = (everyMs: number) => {
    const timer = setInterval(() => {
      const t = new Date();
      void utimes(`${statePath}.lock`, t, t).catch(() => undefined);
    }, everyMs);
    return () => clearInterval(timer);
  };

  it('a beating holder: watched until it beats, then refused, naming it', async () => {
    await writeFile(`${statePath}.lock`, otherHost({ heartbeatMs: 1000 }));
    const stop = beat(100);
    try {
      const err = await refused({ waitMs: 0 });
      expect(err.message).toContain('scimsync-28934-old');
      expect(err.fix).toContain('taken over after 6 s');
    } finally {
      stop();
    }
    expect(JSON.parse(await readFile(`${statePath}.lock`, 'utf8'))).toMatchObject({ runId: 'r' });
  });

  it('a heartbeat that stopped a little while ago: waits for the silence to complete, then takes over', async () => {
    await writeFile(`${statePath}.lock`, otherHost({ heartbeatMs: 100 }));
    await age(300); // 3 beats missed: probably gone, but not yet 6
    await acquire({ waitMs: 0 });
    expect((await lockedBy())['pid']).toBe(process.pid);
  });

  it("same host, another PID namespace (a second container with the host's hostname) holding our very pid: alive while it beats", async () => {
    const sibling = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'x', runId: 'r', pidNamespace: 'boot:pid:[1]', heartbeatMs: 1000 });
    await writeFile(`${statePath}.lock`, sibling);
    const stop = beat(100);
    try {
      await refused({ waitMs: 0 });
    } finally {
      stop();
    }
    // The same lock silent for 2 minutes: the container was restarted (new namespace) and its lock is stale.
    await age(120_000);
    await acquire();
    expect((await lockedBy())['runId']).not.toBe('r');
  });

  it('no heartbeat in the lock (an older scimsync): never taken over, however old', async () => {
    await writeFile(`${statePath}.lock`, otherHost({}));
    await age(86_400_000);
    await refused({ waitMs: 0 });
  });

  it('the holder touches its lock every heartbeat', async () => {
    await acquire({ heartbeatMs: 20 });
    await age(3_600_000);
    const stale = Date.now() - 3_000_000;
    let mtime = 0;
    for (let i = 0; i < 250 && mtime < stale; i++) {
      await new Promise((r) => setTimeout(r, 20));
      mtime = (await stat(`${statePath}.lock`)).mtimeMs;
    }
    expect(mtime).toBeGreaterThan(stale);
  });

  it('a store whose lock was taken over (it was paused) does not write the state', async () => {
    const store = await openStateStore(statePath, { target: 'https://t.example.com/scim/1/' });
    const state = await store.load();
    const before = await readFile(statePath, 'utf8');
    await writeFile(`${statePath}.lock`, otherHost({ heartbeatMs: 15_000 }));
    store.update({ ...state, users: { a: { targetId: 'a', userName: 'a@example.com', pushedHash: 'h', ownership: 'created' } } });
    const err: unknown = await store.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe('SCIMSYNC_STATE_LOCKED');
    expect((err as StateError).message).toContain('another process took it over');
    expect(await readFile(statePath, 'utf8')).toBe(before);
    await store.close().catch(() => undefined);
    // Its release leaves the new holder's lock alone.
    expect(await readFile(`${statePath}.lock`, 'utf8')).toBe(otherHost({ heartbeatMs: 15_000 }));
  });
});

describe('an unreadable lock file', () => {
  it.each([
    ['0 bytes', ''],
    ['half a JSON document', '{"pid": 12'],
  ])('%s older than the grace period is stale and taken over', async (_name, text) => {
    await writeFile(`${statePath}.lock`, text);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${statePath}.lock`, old, old);
    await acquire();
    expect((await lockedBy())['pid']).toBe(process.pid);
  });

  it('a fresh one is being written: refused once the wait is over, and said so', async () => {
    await writeFile(`${statePath}.lock`, '');
    const err = await refused({ graceMs: 60_000, waitMs: 0 });
    expect(err.message).toContain('being written');
    expect(err.fix).toMatch(/a few seconds/);
    expect(await readFile(`${statePath}.lock`, 'utf8')).toBe('');
  });

  it('a fresh one that never gets its content is taken over once it is older than the grace period', async () => {
    await writeFile(`${statePath}.lock`, '');
    await acquire({ graceMs: 200, waitMs: 10_000 });
    expect((await lockedBy())['pid']).toBe(process.pid);
  });
});

describe('release and leftovers', () => {
  it('release removes only our own lock; the lock holder removes markers of dead takeovers', async () => {
    await writeFile(`${statePath}.lock.takeover-0123456789abcdef`, '{"pid":1}');
    await writeFile(`${statePath}.lock.takeover-0123456789abcdef.new`, '');
    const lock = await acquire();
    expect((await readdir(dir)).sort()).toEqual(['state.json.lock']);
    // Someone replaced the lock (took it over): our release must not remove theirs.
    await writeFile(`${statePath}.lock`, 'theirs');
    await lock.release();
    expect(await readFile(`${statePath}.lock`, 'utf8')).toBe('theirs');
  });
});
