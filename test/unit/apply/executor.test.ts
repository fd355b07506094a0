import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute, planIdOf } from '../../../src/apply/index.js';
import { TargetError } from '../../../src/errors.js';
import { openStateStore, readStateFile, type FileStateStoreHandle, type StateStore, type SyncState } from '../../../src/state/index.js';
import { FakeTarget } from './fake-target.js';
import { adoptUser, createGroup, createUser, created, deleteGroup, deleteUser, existing, planOf, updateMembers, updateUser } from './plan-builders.js';

let dir: string;
let statePath: string;
let target: FakeTarget;
const stores: FileStateStoreHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-apply-'));
  statePath = join(dir, 'state.json');
  target = new FakeTarget();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function openStore(): Promise<FileStateStoreHandle> {
  const store = await openStateStore(statePath, { target: target.baseUrl });
  stores.push(store);
  return store;
}

/** The store, with `onUpdate` told of every state the executor gives it first. */
function watching(store: FileStateStoreHandle, onUpdate: (next: SyncState) => void): StateStore {
  return {
    path: store.path,
    load: () => store.load(),
    flush: () => store.flush(),
    close: () => store.close(),
    update: (next) => {
      onUpdate(next);
      store.update(next);
    },
  };
}

const serverError = (): TargetError => new TargetError('POST /Users answered 500', { status: 500 });
const authError = (): TargetError => new TargetError('the target rejected the API key (401)', { status: 401, code: 'SCIMSYNC_SCIM_AUTH' });

describe('execute', () => {
  it('runs phases in order (deprovision, create, update, groups, members, group deletes) and records state', async () => {
    const leaver = target.seedUser('leaver@example.com');
    const stay = target.seedUser('stay@example.com');
    const known = target.seedUser('known@example.com');
    const oldGroup = target.seedGroup('Old');
    target.delayMs = 2;
    // Deliberately out of order in the plan: phases, not list position, decide.
    const plan = planOf([
      deleteGroup('Old', oldGroup.id),
      updateMembers('Eng', { createdBy: 'group:create:Eng' }, [existing('stay@example.com', stay.id)]),
      createGroup('Eng', [created('new1@example.com'), created('new2@example.com')]),
      updateUser('stay@example.com', stay.id),
      createUser('new1@example.com'),
      createUser('new2@example.com'),
      deleteUser('leaver@example.com', leaver.id),
      adoptUser('known@example.com', known.id),
    ]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 2 });

    expect(report.counts).toEqual({ planned: 8, applied: 8, failed: 0, skipped: 0, resumed: 0 });
    expect(report.aborted).toBe(false);
    const order = target.calls.map((c) => `${c.method} ${c.what.split(' ')[0] ?? ''}`);
    expect(order).toEqual(['DELETE user', 'POST user', 'POST user', 'PUT user', 'POST group', 'PATCH group', 'DELETE group']);
    expect(report.requests).toEqual({ DELETE: 2, POST: 3, PUT: 1, PATCH: 1 });

    // The world: the created ids flowed into the group; the leaver is gone.
    const eng = [...target.groups.values()].find((g) => g.displayName === 'Eng');
    const ids = (email: string) => [...target.users.values()].find((u) => u.userName === email)?.id;
    expect([...(eng?.members ?? [])].sort()).toEqual([ids('new1@example.com'), ids('new2@example.com'), stay.id].sort());
    expect(target.users.has(leaver.id)).toBe(false);
    expect(target.groups.has(oldGroup.id)).toBe(false);

    // State on disk: records for created/adopted/updated, none for the leaver, no progress left.
    const onDisk = await readStateFile(statePath);
    expect(onDisk?.users['src-new1@example.com']).toMatchObject({ targetId: ids('new1@example.com'), ownership: 'created', pushedHash: 'h-new1@example.com' });
    expect(onDisk?.users['src-known@example.com']).toMatchObject({ targetId: known.id, ownership: 'adopted' });
    expect(onDisk?.users['src-stay@example.com']).toMatchObject({ pushedHash: 'h2-stay@example.com' });
    expect(onDisk?.users['src-leaver@example.com']).toBeUndefined();
    expect(onDisk?.groups['eng']).toMatchObject({ targetId: eng?.id, ownership: 'created' });
    expect(onDisk?.progress).toBeUndefined();
  });

  it('keeps at most `concurrency` operations in flight and uses it', async () => {
    target.delayMs = 5;
    const plan = planOf(Array.from({ length: 8 }, (_, i) => createUser(`u${i}@example.com`)));
    const store = await openStore();
    await execute(plan, target, store, await store.load(), { concurrency: 3 });
    expect(target.maxInFlight).toBe(3);
  });

  it("one group's membership chunks go one after another, in order; other groups' in parallel", async () => {
    target.delayMs = 5;
    const users = Array.from({ length: 5 }, (_, i) => target.seedUser(`m${i}@example.com`));
    const big = target.seedGroup('Big');
    const other = target.seedGroup('Other');
    const chunk = (name: string, id: string, n: number, members: number[]) => ({
      ...updateMembers(
        name,
        { id },
        members.map((i) => existing(`m${i}@example.com`, users[i]!.id)),
      ),
      key: `group:members:${name.toLowerCase()}:${n}`,
    });
    const plan = planOf([
      chunk('Big', big.id, 1, [0]),
      chunk('Big', big.id, 2, [1]),
      chunk('Big', big.id, 3, [2]),
      chunk('Other', other.id, 1, [3]),
      chunk('Other', other.id, 2, [4]),
    ]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 4 });
    expect(report.counts.applied).toBe(5);
    expect(target.maxPatchesInFlightPerGroup).toBe(1);
    expect(target.maxInFlight).toBe(2);
    const bigPatches = target.calls.filter((c) => c.what.startsWith(`group ${big.id} `)).map((c) => c.what);
    expect(bigPatches).toEqual([0, 1, 2].map((i) => `group ${big.id} +${users[i]!.id} -`));
  });

  it('a failed op never stops the others; dependents skip only what they cannot resolve', async () => {
    const stay = target.seedUser('stay@example.com');
    target.failWith = (c) => (c.what === 'user bad@example.com' || c.what === 'group Broken' ? serverError() : undefined);
    const plan = planOf([
      createUser('ok@example.com'),
      createUser('bad@example.com'),
      createGroup('Eng', [created('ok@example.com'), created('bad@example.com')]),
      createGroup('Broken', [existing('stay@example.com', stay.id)]),
      updateMembers('Ops', { id: target.seedGroup('Ops').id }, [created('bad@example.com'), existing('stay@example.com', stay.id)]),
      updateMembers('Broken', { createdBy: 'group:create:Broken' }, [existing('stay@example.com', stay.id)]),
    ]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load());
    const byKey = new Map(report.results.map((r) => [r.key, r]));

    expect(byKey.get('user:create:bad@example.com')).toMatchObject({ status: 'failed', error: { code: 'SCIMSYNC_SCIM_HTTP', httpStatus: 500 } });
    expect(byKey.get('user:create:ok@example.com')?.status).toBe('applied');
    expect(byKey.get('group:create:Eng')).toMatchObject({
      status: 'applied',
      skippedMembers: [{ userName: 'bad@example.com', reason: 'user:create:bad@example.com failed' }],
    });
    expect(byKey.get('group:members:Ops')).toMatchObject({ status: 'applied', skippedMembers: [{ userName: 'bad@example.com' }] });
    expect(byKey.get('group:members:Broken')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('group:create:Broken failed') as unknown });
    expect(report.counts).toEqual({ planned: 6, applied: 3, failed: 2, skipped: 1, resumed: 0 });
    expect(report.aborted).toBe(false);

    const ops = [...target.groups.values()].find((g) => g.displayName === 'Ops');
    expect([...(ops?.members ?? [])]).toEqual([stay.id]);
    // Failures leave the progress record so a re-apply of this plan does not resend what succeeded.
    const onDisk = await readStateFile(statePath);
    expect(onDisk?.progress?.planId).toBe(planIdOf(plan));
    expect([...(onDisk?.progress?.done ?? [])].sort()).toEqual(['group:create:Eng', 'group:members:Ops', 'user:create:ok@example.com']);
    expect(onDisk?.users['src-bad@example.com']).toBeUndefined();
  });

  it('a rejected key stops taking new operations: the rest are skipped and the run is aborted', async () => {
    target.failWith = (c) => (c.what === 'user u2@example.com' ? authError() : undefined);
    const plan = planOf([...Array.from({ length: 6 }, (_, i) => createUser(`u${i}@example.com`)), createGroup('Eng', [created('u0@example.com')])]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 1 });
    expect(report.aborted).toBe(true);
    expect(report.counts).toEqual({ planned: 7, applied: 2, failed: 1, skipped: 4, resumed: 0 });
    expect(report.results.at(-1)).toMatchObject({
      key: 'group:create:Eng',
      status: 'skipped',
      reason: expect.stringContaining('rejected the API key') as unknown,
    });
    expect(target.calls).toHaveLength(3);
  });

  it('a Retry-After longer than the run may wait stops taking new operations, like a rejected key', async () => {
    const throttled = new TargetError('POST /Users was refused with 429 and Retry-After: 100000', { status: 429, code: 'SCIMSYNC_TARGET_THROTTLED' });
    target.failWith = (c) => (c.what === 'user u1@example.com' ? throttled : undefined);
    const plan = planOf(Array.from({ length: 5 }, (_, i) => createUser(`u${i}@example.com`)));
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 1 });
    expect(report.aborted).toBe(true);
    expect(report.counts).toEqual({ planned: 5, applied: 1, failed: 1, skipped: 3, resumed: 0 });
    expect(report.results.at(-1)).toMatchObject({ status: 'skipped', reason: 'not started: the target throttles longer than this run may wait' });
    expect(target.calls).toHaveLength(2);
  });

  describe('deleted users a target keeps as group members', () => {
    const withGroups = (email: string, id: string, groups: { id: string; displayName: string }[]) => ({
      ...deleteUser(email, id),
      memberOf: groups.map((g) => ({ groupName: g.displayName, groupId: g.id })),
    });

    it('a target that keeps them: one GET finds out, then each leaves each of its managed groups in the same run', async () => {
      target.keepsDeletedMembers = true;
      const [a, b, stay] = ['a@example.com', 'b@example.com', 'stay@example.com'].map((e) => target.seedUser(e));
      const eng = target.seedGroup('Eng', [a!.id, b!.id, stay!.id]);
      const ops = target.seedGroup('Ops', [a!.id]);
      const store = await openStore();
      const plan = planOf([withGroups('a@example.com', a!.id, [eng, ops]), withGroups('b@example.com', b!.id, [eng])]);
      const report = await execute(plan, target, store, await store.load(), { concurrency: 1 });
      expect(report.counts).toMatchObject({ applied: 2, failed: 0 });
      expect(report.requests).toEqual({ DELETE: 2, GET: 1, PATCH: 2 });
      expect(target.calls.slice(2).map((c) => `${c.method} ${c.what}`)).toEqual([
        `GET group ${eng.id}`,
        `PATCH group ${eng.id} + -${a!.id},${b!.id}`,
        `PATCH group ${ops.id} + -${a!.id}`,
      ]);
      expect([...target.groups.get(eng.id)!.members]).toEqual([stay!.id]);
      expect([...target.groups.get(ops.id)!.members]).toEqual([]);
    });

    it('a target that drops them: one GET, no PATCH', async () => {
      const a = target.seedUser('a@example.com');
      const eng = target.seedGroup('Eng', [a.id]);
      const store = await openStore();
      const report = await execute(planOf([withGroups('a@example.com', a.id, [eng])]), target, store, await store.load());
      expect(report.requests).toEqual({ DELETE: 1, GET: 1 });
      expect(report.counts).toMatchObject({ applied: 1, failed: 0 });
    });

    it('removing a kept member fails: that delete is reported failed, so the run is not taken as converged', async () => {
      target.keepsDeletedMembers = true;
      const a = target.seedUser('a@example.com');
      const eng = target.seedGroup('Eng', [a.id]);
      target.failWith = (c) => (c.method === 'PATCH' ? serverError() : undefined);
      const store = await openStore();
      const report = await execute(planOf([withGroups('a@example.com', a.id, [eng])]), target, store, await store.load());
      expect(report.results[0]).toMatchObject({
        status: 'failed',
        error: { httpStatus: 500, message: expect.stringMatching(/^deleted, but still a member of a group: /) as unknown },
      });
      expect(report.counts).toMatchObject({ applied: 0, failed: 1 });
    });
  });

  it('an abort signal stops taking operations; those in flight finish and are recorded', async () => {
    target.delayMs = 5;
    const controller = new AbortController();
    const plan = planOf(Array.from({ length: 10 }, (_, i) => createUser(`u${i}@example.com`)));
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort();
      },
    });
    expect(report.aborted).toBe(true);
    // 3 done when the signal fired, plus the one still in flight at that moment.
    expect(report.counts.applied).toBe(4);
    expect(report.counts.skipped).toBe(6);
    expect(target.users.size).toBe(4);
    const onDisk = await readStateFile(statePath);
    expect(Object.keys(onDisk?.users ?? {})).toHaveLength(4);
    expect(onDisk?.progress?.done).toHaveLength(4);
  });

  it('re-applying the same plan after an interruption resumes: done ops are not re-sent, their ids come from state', async () => {
    const plan = planOf([
      createUser('a@example.com'),
      createUser('b@example.com'),
      createUser('c@example.com'),
      createGroup('Eng', [created('a@example.com'), created('c@example.com')]),
    ]);
    target.failWith = (c) => (c.what === 'user c@example.com' ? authError() : undefined);
    const first = await openStore();
    const r1 = await execute(plan, target, first, await first.load(), { concurrency: 1 });
    expect(r1.aborted).toBe(true);
    await first.close();
    stores.pop();

    target.failWith = () => undefined;
    target.calls.length = 0;
    const second = await openStore();
    const r2 = await execute(plan, target, second, await second.load(), { concurrency: 1 });
    expect(r2.counts).toEqual({ planned: 4, applied: 2, failed: 0, skipped: 0, resumed: 2 });
    expect(target.calls.map((c) => c.what)).toEqual(['user c@example.com', 'group Eng']);
    expect(r2.requests).toEqual({ POST: 2 });
    const eng = [...target.groups.values()].find((g) => g.displayName === 'Eng');
    const idOf = (email: string) => [...target.users.values()].find((u) => u.userName === email)?.id;
    expect([...(eng?.members ?? [])].sort()).toEqual([idOf('a@example.com'), idOf('c@example.com')].sort());
    expect((await readStateFile(statePath))?.progress).toBeUndefined();
  });

  it('a different plan discards an old progress record', async () => {
    const store = await openStore();
    const state = await store.load();
    const stale = { ...state, progress: { planId: 'other', startedAt: 'x', total: 1, done: ['user:create:a@example.com'] } };
    const report = await execute(planOf([createUser('a@example.com')]), target, store, stale);
    expect(report.counts).toMatchObject({ applied: 1, resumed: 0 });
    expect(target.calls).toHaveLength(1);
  });

  it('deactivate mode sends deactivateUser; a create that finds the user adopts it', async () => {
    const a = target.seedUser('a@example.com');
    target.seedUser('exists@example.com');
    const store = await openStore();
    const report = await execute(
      planOf([deleteUser('a@example.com', a.id, 'deactivate'), createUser('exists@example.com')]),
      target,
      store,
      await store.load(),
    );
    expect(target.calls.map((c) => `${c.method} ${c.what}`)).toEqual([`PUT deactivate ${a.id}`, 'POST user exists@example.com']);
    expect(report.results[1]).toMatchObject({ status: 'applied', adopted: true });
  });

  it('refuses a plan blocked by the deletion guard and sends nothing', async () => {
    const a = target.seedUser('a@example.com');
    const store = await openStore();
    const plan = planOf(
      [deleteUser('a@example.com', a.id)],
      [{ rule: 'maxDeletes', limit: 0, actual: 1, count: 1, message: '1 deletion exceeds maxDeletes 0' }],
    );
    await expect(execute(plan, target, store, await store.load())).rejects.toMatchObject({ code: 'SCIMSYNC_SAFETY_BLOCKED' });
    expect(target.calls).toHaveLength(0);
  });

  it('rejects an invalid concurrency', async () => {
    const store = await openStore();
    await expect(execute(planOf([]), target, store, await store.load(), { concurrency: 0 })).rejects.toMatchObject({ code: 'SCIMSYNC_CONFIG_INVALID' });
  });

  it('a plan of many ops that take no time (adoptions) folds state a bounded number of times, not every 50 ops', async () => {
    const store = await openStore();
    let updates = 0;
    const counting = watching(store, () => updates++);
    const plan = planOf(Array.from({ length: 2_000 }, (_, i) => adoptUser(`u${i}@example.com`, `id-${i}`)));
    // A clock that never moves: only the op count can trigger a fold.
    const report = await execute(plan, target, counting, await store.load(), { now: () => new Date(0) });
    expect(report.counts.applied).toBe(2_000);
    expect(Object.keys(store.current()?.users ?? {})).toHaveLength(2_000);
    // 16 folds of 125 ops, plus the start and the cleared progress (every 50 ops would be 40 folds).
    expect(updates).toBe(16 + 2);
  });

  it('never changes a state after giving it to the store (the store keeps it and writes it later)', async () => {
    const store = await openStore();
    const given: { state: SyncState; text: string }[] = [];
    const recording = watching(store, (next) => given.push({ state: next, text: JSON.stringify(next) }));
    // Enough ops for several folds (the clock never moves: the op count folds), and a failure so progress stays.
    const plan = planOf([...Array.from({ length: 1_000 }, (_, i) => adoptUser(`u${i}@example.com`, `id-${i}`)), createUser('fails@example.com')]);
    target.failWith = (c) => (c.what === 'user fails@example.com' ? serverError() : undefined);
    const report = await execute(plan, target, recording, await store.load(), { now: () => new Date(0) });
    expect(report.counts).toMatchObject({ applied: 1_000, failed: 1 });
    expect(given.length).toBeGreaterThan(10);
    for (const { state, text } of given) expect(JSON.stringify(state)).toBe(text);
    expect(given.at(-1)?.state.progress?.done).toHaveLength(1_000);
  });

  it('a create answered with an empty id fails that operation, records nothing, and the others still apply', async () => {
    // An empty id is as unusable as a missing one: the one check (apply/apply-state.ts requireId) runs per answer,
    // so the fold never meets it and the batch of other results still reaches state.
    const real = target.createUser.bind(target);
    target.createUser = async (attrs) => {
      const out = await real(attrs);
      return attrs.userName === 'noid@example.com' ? { ...out, user: { ...out.user, id: '' } } : out;
    };
    const store = await openStore();
    const report = await execute(planOf([createUser('noid@example.com'), createUser('ok@example.com')]), target, store, await store.load());
    expect(report.counts).toMatchObject({ applied: 1, failed: 1 });
    expect(report.results.find((r) => r.key === 'user:create:noid@example.com')).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('answered without an id') as unknown },
    });
    expect(Object.values(store.current()?.users ?? {}).map((u) => u.userName)).toEqual(['ok@example.com']);
  });

  it('an empty plan makes no request and does not bump the state serial', async () => {
    const store = await openStore();
    const report = await execute(planOf([]), target, store, await store.load());
    expect(report).toEqual({ results: [], counts: { planned: 0, applied: 0, failed: 0, skipped: 0, resumed: 0 }, requests: {}, aborted: false });
    await store.close();
    expect((await readStateFile(statePath))?.serial).toBe(0);
  });
});
