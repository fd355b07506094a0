import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute } from '../../../src/apply/index.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import type { MemberRef } from '../../../src/plan/types.js';
import { createScimTarget } from '../../../src/scim/index.js';
import type { ScimTarget } from '../../../src/scim/port.js';
import { openStateStore, readStateFile, type FileStateStoreHandle } from '../../../src/state/index.js';
import { createGroup, createUser, created, deleteUser, planOf, updateMembers, updateUser } from '../../unit/apply/plan-builders.js';

/**
 * The executor with the real SCIM client against the real emulator: assertions are on the emulator's
 * final users and groups and on its request counts, not on call sequences.
 */
let dir: string;
let statePath: string;
let emulator: RunningEmulator | undefined;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-apply-int-'));
  statePath = join(dir, 'state', 'state.json');
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await emulator?.stop();
  emulator = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  emulator = await startEmulator({ rateLimit: 0, ...options });
  return emulator;
}

function client(emu: RunningEmulator, profile: 'amplitude' | 'rfc'): ScimTarget {
  const target = createScimTarget({ url: emu.url, token: emu.token, profile, perMinute: 0, maxRetries: 2, backoff: { baseMs: 5, maxMs: 20 } });
  closers.push(() => target.close());
  return target;
}

async function store(target: ScimTarget): Promise<FileStateStoreHandle> {
  const s = await openStateStore(statePath, { target: target.baseUrl });
  closers.push(() => s.close());
  return s;
}

const member = (emu: RunningEmulator, email: string): MemberRef => {
  const id = emu.users().find((u) => u.userName === email)?.id;
  if (id === undefined) throw new Error(`test setup: no ${email} in the emulator`);
  return { userName: email, target: { id } };
};

describe('execute against the emulator', () => {
  it('amplitude: creates, updates, deprovisions and sets memberships with one request per change', async () => {
    const emu = await start({
      profile: 'amplitude',
      seed: {
        users: [
          { userName: 'stay@example.com', givenName: 'Old', familyName: 'Name' },
          { userName: 'leaver@example.com', givenName: 'L', familyName: 'Eaver' },
        ],
        groups: [{ displayName: 'Ops', members: ['leaver@example.com'] }],
      },
    });
    const target = client(emu, 'amplitude');
    const opsId = emu.groups().find((g) => g.displayName === 'Ops')?.id ?? '';
    const newUsers = Array.from({ length: 5 }, (_, i) => `new${i}@example.com`);
    const plan = planOf([
      deleteUser('leaver@example.com', 'leaver@example.com'),
      ...newUsers.map(createUser),
      updateUser('stay@example.com', 'stay@example.com'),
      createGroup('Eng', newUsers.slice(0, 3).map(created)),
      updateMembers('Ops', { id: opsId }, [created('new4@example.com'), member(emu, 'stay@example.com')]),
    ]);
    const s = await store(target);
    emu.resetStats();
    const report = await execute(plan, target, s, await s.load(), { concurrency: 2 });

    expect(report.counts).toEqual({ planned: 9, applied: 9, failed: 0, skipped: 0, resumed: 0 });
    expect(report.requests).toEqual({ DELETE: 1, POST: 6, PUT: 1, PATCH: 1 });
    expect(emu.stats().byMethod).toEqual(report.requests);

    const users = new Map(emu.users().map((u) => [u.userName, u]));
    expect(users.has('leaver@example.com')).toBe(false);
    for (const email of newUsers) expect(users.get(email)?.active).toBe(true);
    expect(users.get('stay@example.com')).toMatchObject({ givenName: 'New', familyName: 'Name' });
    const groups = new Map(emu.groups().map((g) => [g.displayName, g]));
    expect([...(groups.get('Eng')?.members ?? [])].sort()).toEqual(newUsers.slice(0, 3));
    expect([...(groups.get('Ops')?.members ?? [])].sort()).toEqual(['new4@example.com', 'stay@example.com']);

    const state = await readStateFile(statePath);
    expect(Object.keys(state?.users ?? {}).sort()).toEqual([...newUsers, 'stay@example.com'].map((e) => `src-${e}`).sort());
    expect(state?.groups['eng']?.targetId).toBe(groups.get('Eng')?.id);
    expect(state?.progress).toBeUndefined();
  });

  it('rfc: server-generated ids flow from creates into the group; deactivate mode sets active false', async () => {
    const emu = await start({ profile: 'rfc', seed: { users: [{ userName: 'old@example.com', givenName: 'O', familyName: 'Ld' }] } });
    const target = client(emu, 'rfc');
    const oldId = member(emu, 'old@example.com').target;
    const plan = planOf([
      deleteUser('old@example.com', 'id' in oldId ? oldId.id : '', 'deactivate'),
      createUser('a@example.com'),
      createUser('b@example.com'),
      createGroup('Eng', [created('a@example.com'), created('b@example.com')]),
    ]);
    const s = await store(target);
    const report = await execute(plan, target, s, await s.load());
    expect(report.counts.applied).toBe(4);
    const ids = new Map(emu.users().map((u) => [u.userName, u.id]));
    expect(ids.get('a@example.com')).not.toBe('a@example.com');
    const eng = emu.groups().find((g) => g.displayName === 'Eng');
    expect([...(eng?.members ?? [])].sort()).toEqual([ids.get('a@example.com'), ids.get('b@example.com')].sort());
    expect(emu.users().find((u) => u.userName === 'old@example.com')?.active).toBe(false);
    expect((await readStateFile(statePath))?.users['src-a@example.com']?.targetId).toBe(ids.get('a@example.com'));
  });

  it('a rejected create fails alone; its group membership is skipped and the rest is applied', async () => {
    const emu = await start({ profile: 'amplitude', faults: { script: [{ method: 'POST', route: '/Users', nth: 2, action: 'status', status: 400 }] } });
    const target = client(emu, 'amplitude');
    const plan = planOf([
      createUser('a@example.com'),
      createUser('b@example.com'),
      createUser('c@example.com'),
      createGroup('Eng', ['a@example.com', 'b@example.com', 'c@example.com'].map(created)),
    ]);
    const s = await store(target);
    const report = await execute(plan, target, s, await s.load(), { concurrency: 1 });
    expect(report.counts).toEqual({ planned: 4, applied: 3, failed: 1, skipped: 0, resumed: 0 });
    expect(report.results[1]).toMatchObject({ key: 'user:create:b@example.com', status: 'failed', error: { httpStatus: 400 } });
    expect(report.results[3]?.skippedMembers).toEqual([{ userName: 'b@example.com', reason: 'user:create:b@example.com failed' }]);
    expect(
      emu
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(['a@example.com', 'c@example.com']);
    expect([...(emu.groups()[0]?.members ?? [])].sort()).toEqual(['a@example.com', 'c@example.com']);
  });

  it('a key rotated mid-run aborts; re-applying the plan with the new key resumes without re-sending', async () => {
    const emu = await start({ profile: 'amplitude' });
    const emails = Array.from({ length: 8 }, (_, i) => `u${i}@example.com`);
    const plan = planOf([...emails.map(createUser), createGroup('All', emails.map(created))]);

    const first = client(emu, 'amplitude');
    const s1 = await store(first);
    const r1 = await execute(plan, first, s1, await s1.load(), {
      concurrency: 1,
      onProgress: (p) => {
        if (p.done === 3) emu.rotateToken('rotated-token');
      },
    });
    expect(r1.aborted).toBe(true);
    expect(r1.counts).toMatchObject({ applied: 3, failed: 1, skipped: 5 });
    await s1.close();
    expect((await readStateFile(statePath))?.progress?.done).toHaveLength(3);

    emu.resetStats();
    const second = client(emu, 'amplitude');
    const s2 = await store(second);
    const r2 = await execute(plan, second, s2, await s2.load(), { concurrency: 2 });
    expect(r2.counts).toEqual({ planned: 9, applied: 6, failed: 0, skipped: 0, resumed: 3 });
    expect(emu.stats().byMethod).toEqual({ POST: 6 });
    expect(
      emu
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(emails);
    expect([...(emu.groups()[0]?.members ?? [])].sort()).toEqual(emails);
    expect((await readStateFile(statePath))?.progress).toBeUndefined();
  });
});
