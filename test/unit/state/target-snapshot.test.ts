import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fullReadReason, type BasisInputs } from '../../../src/run/target-basis.js';
import {
  decodeTargetSnapshot,
  discardTargetSnapshot,
  encodeTargetSnapshot,
  readTargetSnapshot,
  targetSnapshotPath,
  writeTargetSnapshot,
  type StoredTargetSnapshot,
} from '../../../src/state/target-snapshot.js';
import type { SyncState } from '../../../src/state/types.js';

const TARGET = 'https://scim.example/scim/1/';

const SNAP: StoredTargetSnapshot = {
  meta: { lineage: 'lin-1', stateSerial: 4, target: TARGET, profile: 'amplitude', readAt: '2026-01-01T00:00:00.000Z', readRequests: 12, writesSince: 3 },
  actual: {
    users: [
      { id: 'ann@x.com', userName: 'ann@x.com', givenName: 'Ann', familyName: 'Lee', active: true },
      { id: 'bob@x.com', userName: 'bob@x.com', givenName: null, familyName: null, active: false, externalId: 'E2' },
    ],
    // A member that is no listed user (another org's guest, say) is kept as its id.
    groups: [{ id: '7', displayName: 'Sales', members: ['bob@x.com', 'ann@x.com', 'guest@y.com'] }],
  },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-snapshot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('target snapshot file', () => {
  it('lives beside the state file', () => {
    expect(targetSnapshotPath('/var/lib/scimsync/state.json')).toBe('/var/lib/scimsync/state.target.json');
    expect(targetSnapshotPath('/var/lib/scimsync/state')).toBe('/var/lib/scimsync/state.target.json');
  });

  it('round-trips users, names, externalId and member sets; members are stored as indexes', () => {
    const text = encodeTargetSnapshot(SNAP);
    expect(JSON.parse(text).groups).toEqual([['7', 'Sales', [1, 0, 'guest@y.com']]]);
    const read = decodeTargetSnapshot(text);
    expect(read.ok && read.snapshot).toEqual(SNAP);
    const due = { ...SNAP, meta: { ...SNAP.meta, fullReadDue: 'the target contradicted the snapshot' } };
    const again = decodeTargetSnapshot(encodeTargetSnapshot(due));
    expect(again.ok && again.snapshot).toEqual(due);
  });

  it('an unchanged snapshot is written back from the text read (new meta, same body): the same file as a full encoding', () => {
    const read = decodeTargetSnapshot(encodeTargetSnapshot(SNAP));
    if (!read.ok) throw new Error(read.problem);
    const next = { ...SNAP, meta: { ...SNAP.meta, stateSerial: 9, writesSince: 0, fullReadDue: 'x' } };
    expect(encodeTargetSnapshot(next, read.body)).toBe(encodeTargetSnapshot(next));
    expect(decodeTargetSnapshot(encodeTargetSnapshot(next, read.body))).toMatchObject({ ok: true, snapshot: next });
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['another version', JSON.stringify({ version: 2 }), 'format version 2'],
    ['a member index that names no user', encodeTargetSnapshot(SNAP).replace('[1,0,', '[9,0,'), 'groups[0].members[0] names no user'],
    ['a user without an id', encodeTargetSnapshot(SNAP).replace('["ann@x.com",', '["",'), 'users[0] has a field of the wrong type'],
  ])('refuses %s (a problem, never an exception)', (_name, text, problem) => {
    const r = decodeTargetSnapshot(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain(problem);
  });

  it('is written atomically with mode 0600, read back, and discarded', async () => {
    const path = targetSnapshotPath(join(dir, 'state.json'));
    expect(await readTargetSnapshot(path)).toBeUndefined();
    await writeTargetSnapshot(path, SNAP);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readTargetSnapshot(path)).toMatchObject({ ok: true, snapshot: SNAP });
    await writeFile(path, 'garbage');
    expect(await readTargetSnapshot(path)).toEqual({ ok: false, problem: 'not valid JSON' });
    await discardTargetSnapshot(path);
    await discardTargetSnapshot(path); // already gone: fine
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a FIFO or a directory at its path is an unusable snapshot (a full read), not a read that hangs', async () => {
    const path = targetSnapshotPath(join(dir, 'state.json'));
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    // A blocking read of a FIFO with no writer never returns: the test would time out.
    expect(await readTargetSnapshot(path)).toEqual({ ok: false, problem: 'cannot be read (EAGAIN)' });
    // The snapshot the run then keeps takes the FIFO's place.
    await writeTargetSnapshot(path, SNAP);
    expect(await readTargetSnapshot(path)).toMatchObject({ ok: true, snapshot: SNAP });
    await rm(path);
    await mkdir(path);
    expect(await readTargetSnapshot(path)).toEqual({ ok: false, problem: 'cannot be read (EISDIR)' });
  });
});

describe('fullReadReason: when the snapshot may stand in for a full read', () => {
  const state: SyncState = { version: 1, lineage: 'lin-1', serial: 4, target: TARGET, users: {}, groups: {}, lastRun: undefined };
  const base: BasisInputs = {
    stored: { ok: true, snapshot: SNAP, body: '' },
    state,
    target: TARGET,
    profile: 'amplitude',
    now: new Date('2026-01-01T03:00:00.000Z'),
    everyMs: 24 * 3_600_000,
    refresh: false,
  };
  const lastRun = (outcome: 'converged' | 'partial' | 'refused') => ({ startedAt: '', finishedAt: '', outcome, summary: {}, failed: 0, requests: {} });

  it('uses the snapshot when it belongs to this state at this serial and is younger than fullReadEvery', () => {
    expect(fullReadReason(base)).toBeUndefined();
    expect(fullReadReason({ ...base, state: { ...state, lastRun: lastRun('converged') } })).toBeUndefined();
    // The same target spelled differently is the same target.
    expect(fullReadReason({ ...base, target: 'https://SCIM.example/scim/1' })).toBeUndefined();
  });

  it.each<[string, Partial<BasisInputs>, string]>([
    ['--refresh', { refresh: true }, '--refresh'],
    ['no snapshot (first run)', { stored: undefined }, 'no target snapshot yet'],
    ['an unreadable snapshot', { stored: { ok: false, problem: 'not valid JSON' } }, 'unusable: not valid JSON'],
    ['fullReadEvery 0', { everyMs: 0 }, 'sync.fullReadEvery is 0'],
    ['fullReadEvery elapsed', { now: new Date('2026-01-02T00:00:00.000Z') }, 'last full read 24 h ago (sync.fullReadEvery 24 h)'],
    ['a clock that moved back', { now: new Date('2025-12-31T00:00:00.000Z') }, 'the clock moved back'],
    ['another target', { target: 'https://other.example/scim/1/' }, 'another target or profile'],
    ['another profile', { profile: 'rfc' }, 'another target or profile'],
    ['another state file', { state: { ...state, lineage: 'lin-2' } }, 'another state file'],
    ['a state written since', { state: { ...state, serial: 5 } }, 'serial 4 → 5'],
    ['an interrupted apply', { state: { ...state, progress: { planId: 'p', startedAt: '', total: 3, done: [] } } }, 'interrupted'],
    ['a run that did not converge', { state: { ...state, lastRun: lastRun('partial') } }, 'did not converge (partial)'],
    ['a refused run', { state: { ...state, lastRun: lastRun('refused') } }, 'did not converge (refused)'],
    [
      'a contradiction noted by the last run',
      {
        stored: {
          ok: true,
          body: '',
          snapshot: { ...SNAP, meta: { ...SNAP.meta, fullReadDue: 'the target contradicted the snapshot: 1 DELETE answered 404' } },
        },
      },
      '1 DELETE answered 404',
    ],
  ])('reads in full on %s', (_name, over, why) => {
    expect(fullReadReason({ ...base, ...over })).toContain(why);
  });
});
