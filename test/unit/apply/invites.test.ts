import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute } from '../../../src/apply/index.js';
import { TargetError } from '../../../src/errors.js';
import type { PlannedOperation } from '../../../src/plan/types.js';
import { openStateStore, type FileStateStoreHandle } from '../../../src/state/index.js';
import { FakeTarget } from './fake-target.js';
import { createGroup, createUser, created, existing, planOf, updateMembers, updateUser } from './plan-builders.js';

let dir: string;
let target: FakeTarget;
const stores: FileStateStoreHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-invites-'));
  target = new FakeTarget();
  target.invites = true;
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function openStore(): Promise<FileStateStoreHandle> {
  const store = await openStateStore(join(dir, 'state.json'), { target: target.baseUrl });
  stores.push(store);
  return store;
}

/** A createUser the plan delivers through these groups' writes. */
function invited(email: string, ...groups: string[]): PlannedOperation {
  const op = createUser(email);
  if (op.kind !== 'createUser') throw new Error('createUser builder');
  return { ...op, invitedThrough: groups };
}

describe('execute: invites through groups', () => {
  it('sends no POST /Users for an invited user; the group write carries its email and state records it as created', async () => {
    const stay = target.seedUser('stay@example.com');
    const sales = target.seedGroup('Sales');
    const plan = planOf([
      invited('ann@example.com', 'Eng'),
      invited('bob@example.com', 'Eng', 'Sales'),
      invited('cat@example.com', 'Sales'),
      createUser('dan@example.com'),
      createGroup('Eng', [created('ann@example.com'), created('bob@example.com'), existing('stay@example.com', stay.id)]),
      updateMembers('Sales', { id: sales.id }, [created('bob@example.com'), created('cat@example.com')]),
    ]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 1 });

    expect(report.counts).toEqual({ planned: 6, applied: 6, failed: 0, skipped: 0, resumed: 0 });
    expect(target.calls.map((c) => `${c.method} ${c.what}`)).toEqual([
      'POST user dan@example.com',
      'POST group Eng',
      `PATCH group ${sales.id} +bob@example.com,cat@example.com -`,
    ]);
    expect(report.requests).toEqual({ POST: 2, PATCH: 1 });
    // Each invited user is applied by the first group write that carried it.
    const byKey = Object.fromEntries(report.results.map((r) => [r.key, r]));
    expect(byKey['user:create:ann@example.com']).toMatchObject({ status: 'applied', targetId: 'ann@example.com', invitedBy: 'group:create:Eng' });
    expect(byKey['user:create:bob@example.com']).toMatchObject({ status: 'applied', targetId: 'bob@example.com', invitedBy: 'group:create:Eng' });
    expect(byKey['user:create:cat@example.com']).toMatchObject({ status: 'applied', targetId: 'cat@example.com', invitedBy: 'group:members:Sales' });
    const users = store.current()?.users ?? {};
    expect(users['src-ann@example.com']).toEqual({
      targetId: 'ann@example.com',
      userName: 'ann@example.com',
      pushedHash: 'h-ann@example.com',
      ownership: 'created',
    });
    expect(users['src-cat@example.com']?.ownership).toBe('created');
    expect([...(target.groups.get(sales.id)?.members ?? [])].sort()).toEqual(['bob@example.com', 'cat@example.com']);
  });

  it('an invite whose group write fails is sent as a POST /Users after all (the membership follows next run)', async () => {
    target.failWith = (call) =>
      call.method === 'POST' && call.what === 'group Eng' ? new TargetError('POST /Groups answered 400', { status: 400 }) : undefined;
    const plan = planOf([invited('ann@example.com', 'Eng'), createGroup('Eng', [created('ann@example.com')])]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load());
    expect(target.calls.map((c) => `${c.method} ${c.what}`)).toEqual(['POST group Eng', 'POST user ann@example.com']);
    expect(report.counts).toMatchObject({ applied: 1, failed: 1, skipped: 0 });
    const ann = [...target.users.values()].find((u) => u.userName === 'ann@example.com');
    expect(report.results[0]).toMatchObject({ key: 'user:create:ann@example.com', status: 'applied', targetId: ann?.id });
    expect(store.current()?.users['src-ann@example.com']).toMatchObject({ targetId: ann?.id, ownership: 'created' });
  });

  it('after an abort an undelivered invite is not sent: skipped, not recorded', async () => {
    const abort = new AbortController();
    target.failWith = (call) => {
      if (call.method === 'POST' && call.what === 'group Eng') abort.abort();
      return undefined;
    };
    const plan = planOf([invited('ann@example.com', 'Eng', 'Sales'), createGroup('Eng', []), createGroup('Sales', [created('ann@example.com')])]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load(), { concurrency: 1, signal: abort.signal });
    expect(report.aborted).toBe(true);
    expect(target.calls.map((c) => `${c.method} ${c.what}`)).toEqual(['POST group Eng']);
    expect(report.results[0]).toMatchObject({ key: 'user:create:ann@example.com', status: 'skipped' });
    expect(store.current()?.users).toEqual({});
  });

  it('a user in two groups is invited by whichever write succeeds', async () => {
    const sales = target.seedGroup('Sales');
    target.failWith = (call) =>
      call.method === 'POST' && call.what === 'group Eng' ? new TargetError('POST /Groups answered 500', { status: 500 }) : undefined;
    const plan = planOf([
      invited('bob@example.com', 'Eng', 'Sales'),
      createGroup('Eng', [created('bob@example.com')]),
      updateMembers('Sales', { id: sales.id }, [created('bob@example.com')]),
    ]);
    const store = await openStore();
    const report = await execute(plan, target, store, await store.load());
    expect(report.results.find((r) => r.key === 'user:create:bob@example.com')).toMatchObject({ status: 'applied', invitedBy: 'group:members:Sales' });
    expect(store.current()?.users['src-bob@example.com']?.targetId).toBe('bob@example.com');
  });
});

describe('execute: an update that finds the user gone', () => {
  it('creates the user again (404 on PUT) and records the id the target gave it', async () => {
    target.invites = false;
    const store = await openStore();
    const plan = planOf([updateUser('gone@example.com', 'u-999')]);
    const report = await execute(plan, target, store, await store.load());
    expect(target.calls.map((c) => c.method)).toEqual(['PUT', 'POST']);
    const recreated = [...target.users.values()].find((u) => u.userName === 'gone@example.com');
    expect(recreated).toMatchObject({ givenName: 'New', familyName: 'Name' });
    expect(report.results[0]).toMatchObject({ status: 'applied', recreated: true, targetId: recreated?.id });
    expect(store.current()?.users['src-gone@example.com']?.targetId).toBe(recreated?.id);
  });
});
