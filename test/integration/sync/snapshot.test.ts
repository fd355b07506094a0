import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/cli/context.js';
import { runOnce } from '../../../src/run/run-once.js';
import { hasPendingChanges, planToJson, renderPlanText } from '../../../src/plan/index.js';
import { decodeTargetSnapshot, encodeTargetSnapshot } from '../../../src/state/target-snapshot.js';
import type { SyncState } from '../../../src/state/types.js';
import { createSyncHarness, people, served, type HarnessOptions, type Person, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MIN = 60_000;

/** A harness already synced with `ps` (one apply, which keeps the snapshot). */
async function synced(ps: readonly Person[], opts: HarnessOptions = {}): Promise<SyncHarness> {
  const harness = await createSyncHarness(opts);
  await harness.setPeople(ps);
  await harness.apply();
  return harness;
}

/** Options for runs that see a clock the test moves (fullReadEvery 1h), and the hand that moves it. */
function clock(): { opts: HarnessOptions; at: (minutes: number) => void } {
  let now = T0;
  return { opts: { sync: { fullReadEvery: '1h' }, now: () => new Date(now) }, at: (minutes) => (now = T0 + minutes * MIN) };
}

/** A change made in the target behind scimsync's back, through the SCIM API as an admin's tool would. */
async function byHand(s: SyncHarness, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${s.emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.emulator.token}`, 'content-type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBeLessThan(300);
  s.emulator.resetStats();
}

const groupId = (s: SyncHarness, name: string): string => s.emulator.groups().find((g) => g.displayName === name)!.id;
const removeMember = (email: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'remove', path: 'members', value: [{ value: email }] }],
});
const snapshotFile = (s: SyncHarness) => join(s.dir, 'state.target.json');

describe('changes-only runs against the target snapshot', () => {
  it('names its basis truthfully: "read now, N requests", then "as read N ago, M writes since"', async () => {
    const c = clock();
    h = await createSyncHarness(c.opts);
    await h.setPeople(people(5, ['Sales']));
    const first = await h.apply();
    expect(first.plan.basis.targetRead).toEqual({ source: 'read', readAt: new Date(T0).toISOString(), requests: 2, reason: 'no target snapshot yet' });
    expect(renderPlanText(first.plan)).toContain('target read now, 2 requests (no target snapshot yet)');

    c.at(30);
    const second = await h.plan();
    // 1 POST /Groups invited the 5 people.
    expect(planToJson(second.plan).basis.targetRead).toEqual({
      source: 'snapshot',
      readAt: new Date(T0).toISOString(),
      writesSince: 1,
      nextFullReadAt: new Date(T0 + 60 * MIN).toISOString(),
    });
    expect(renderPlanText(second.plan)).toContain(
      'target as read 30 min ago (2026-03-02T08:00:00.000Z), 1 write since; no request (next full read in 30 min, or --refresh)',
    );
    expect(second.requests).toEqual({});

    c.at(61);
    const third = await h.plan();
    expect(third.plan.basis.targetRead).toMatchObject({ source: 'read', requests: 2, reason: 'last full read 1 h ago (sync.fullReadEvery 1 h)' });
    // plan writes nothing: the snapshot is still the one apply kept.
    expect((await h.plan()).plan.basis.targetRead?.source).toBe('read');
  });

  it('a user deleted by hand between full reads: unseen by changes-only runs, back at the next full read', async () => {
    const c = clock();
    const ps = people(6, ['Sales']);
    h = await synced(ps, c.opts);
    await byHand(h, 'DELETE', `Users/${ps[2]!.email}`);

    c.at(20);
    expect(hasPendingChanges((await h.apply()).plan)).toBe(false);
    expect(served(h.emulator)).toEqual({});

    c.at(61);
    const full = await h.apply();
    expect(full.plan.summary).toMatchObject({ createUsers: 1, addMembers: 1 });
    // Re-invited through its group's PATCH.
    expect(served(h.emulator)).toEqual({ GET: 2, PATCH: 1 });
    expect(h.emulator.users().map((u) => u.userName)).toContain(ps[2]!.email);
  });

  it('a user deleted by hand whom a write then touches is re-created in that run; the next run reads in full and restores its groups', async () => {
    const ps = people(6, ['Sales']);
    h = await synced(ps);
    await byHand(h, 'DELETE', `Users/${ps[2]!.email}`);

    ps[2] = { ...ps[2]!, familyName: 'Renamed' };
    await h.setPeople(ps);
    const first = await h.apply();
    expect(first.outcome).toBe('converged');
    // PUT answered 404: the user is created again at once.
    expect(served(h.emulator)).toEqual({ PUT: 1, POST: 1 });
    expect(first.outcome === 'converged' && first.report.results[0]).toMatchObject({ recreated: true });
    expect(h.emulator.users().find((u) => u.userName === ps[2]!.email)).toMatchObject({ familyName: 'Renamed' });

    h.emulator.resetStats();
    const second = await h.apply();
    expect(second.plan.basis.targetRead).toMatchObject({ source: 'read', reason: expect.stringContaining('the target contradicted the snapshot') });
    expect(served(h.emulator)).toEqual({ GET: 2, PATCH: 1 });
    expect(h.emulator.groups()[0]!.members).toContain(ps[2]!.email);
  });

  it('a member removed by hand is restored at the next full read', async () => {
    const c = clock();
    const ps = people(6, ['Sales']);
    h = await synced(ps, c.opts);
    await byHand(h, 'PATCH', `Groups/${groupId(h, 'Sales')}`, removeMember(ps[4]!.email));

    c.at(59);
    await h.apply();
    expect(served(h.emulator)).toEqual({});
    c.at(60);
    const full = await h.apply();
    expect(full.plan.summary).toMatchObject({ addMembers: 1, createUsers: 0 });
    expect(served(h.emulator)).toEqual({ GET: 2, PATCH: 1 });
    expect(h.emulator.groups()[0]!.members).toContain(ps[4]!.email);
  });

  it('a leaver already deleted by hand: the DELETE answered 404 is fine, and the next run reads in full', async () => {
    const ps = people(6, ['Sales']);
    h = await synced(ps);
    await byHand(h, 'DELETE', `Users/${ps[1]!.email}`);
    await h.setPeople(ps.filter((_, i) => i !== 1));
    const r = await h.apply();
    expect(r.outcome).toBe('converged');
    expect(h.emulator.stats().byStatus).toEqual({ '404': 1 });
    h.emulator.resetStats();
    const next = await h.apply();
    expect(next.plan.basis.targetRead).toMatchObject({ source: 'read', reason: expect.stringContaining('1 DELETE answered 404') });
    expect(served(h.emulator)).toEqual({ GET: 2 });
  });

  it('a user created by hand since the last read: POST answers 409, the user is adopted, the next run reads in full', async () => {
    const ps = people(4, []);
    h = await synced(ps);
    await byHand(h, 'POST', 'Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'hand@example.com',
      name: { givenName: 'By', familyName: 'Hand' },
    });
    const hand: Person = { id: 'H1', email: 'hand@example.com', givenName: 'By', familyName: 'Hand', groups: [] };
    await h.setPeople([...ps, hand]);
    const r = await h.apply();
    expect(r.outcome === 'converged' && r.report.results.find((x) => x.key === 'user:create:hand@example.com')).toMatchObject({
      status: 'applied',
      adopted: true,
    });
    h.emulator.resetStats();
    const next = await h.apply();
    expect(next.plan.basis.targetRead).toMatchObject({ source: 'read', reason: expect.stringContaining('already in the target') });
    expect(hasPendingChanges(next.plan)).toBe(false);
  });

  it('a group deleted by hand fails its PATCH (the run did not converge); the next run reads in full and re-creates it', async () => {
    const ps = people(6, ['Sales']);
    h = await synced(ps);
    await byHand(h, 'DELETE', `Groups/${groupId(h, 'Sales')}`);
    const joiner: Person = { id: 'J1', email: 'joiner@example.com', givenName: 'Jo', familyName: 'Iner', groups: ['Sales'] };
    await h.setPeople([...ps, joiner]);
    const failed = await h.apply();
    expect(failed.outcome).toBe('partial');
    // The PATCH that was to invite the joiner answered 404, so the joiner is created with its own POST after all.
    expect(served(h.emulator)).toEqual({ PATCH: 1, POST: 1 });
    expect(h.emulator.users().map((u) => u.userName)).toContain(joiner.email);

    h.emulator.resetStats();
    const next = await h.apply();
    expect(next.outcome).toBe('converged');
    expect(next.plan.basis.targetRead).toMatchObject({ source: 'read' });
    expect(next.plan.summary).toMatchObject({ createGroups: 1, addMembers: 7 });
    expect(served(h.emulator)).toEqual({ GET: 2, POST: 1 });
    expect(h.emulator.groups()[0]!.members).toHaveLength(7);
  });

  it('never drops the ownership of a managed user the snapshot does not show: the next full read still deletes the leaver', async () => {
    const ps = people(6, []);
    h = await synced(ps);
    // A snapshot that misses a managed user (as if it had never been recorded).
    const read = decodeTargetSnapshot(await readFile(snapshotFile(h), 'utf8'));
    if (!read.ok) throw new Error(read.problem);
    const users = read.snapshot.actual.users.filter((u) => u.userName !== ps[3]!.email);
    await writeFile(snapshotFile(h), encodeTargetSnapshot({ ...read.snapshot, actual: { ...read.snapshot.actual, users } }));

    // The leaver goes, and another change gives the run something to write (and state to record).
    await h.setPeople(ps.filter((_, i) => i !== 3).map((p, i) => (i === 0 ? { ...p, familyName: 'Renamed' } : p)));
    const blind = await h.apply();
    expect(blind.plan.summary).toMatchObject({ deleteUsers: 0, updateUsers: 1 });
    const state = JSON.parse(await readFile(join(h.dir, 'state.json'), 'utf8')) as SyncState;
    expect(Object.values(state.users).map((u) => u.userName)).toContain(ps[3]!.email);

    h.emulator.resetStats();
    const full = await h.apply({ refresh: true });
    expect(full.plan.summary.deleteUsers).toBe(1);
    expect(served(h.emulator)).toEqual({ GET: 2, DELETE: 1 });
  });

  it('on the snapshot the source is read last: a leaver who leaves while the snapshot loads goes in this run', async () => {
    const ps = people(4, []);
    h = await synced(ps);
    h.emulator.resetStats();
    const s = h;
    const ctx = await buildContext({ configPath: s.configPath });
    const read = ctx.source.read.bind(ctx.source);
    // When the source is read, the person leaves and the snapshot file is spoiled: a run that loaded the
    // snapshot after the source would fall back to a full read (and see the change one run later, in the daemon).
    ctx.source.read = async (signal) => {
      await s.setPeople(ps.slice(1));
      await writeFile(snapshotFile(s), 'spoiled');
      return read(signal);
    };
    try {
      const r = await runOnce(ctx, { mode: 'apply' });
      expect(r.plan.basis.targetRead?.source).toBe('snapshot');
      expect(r.plan.summary.deleteUsers).toBe(1);
      expect(served(s.emulator)).toEqual({ DELETE: 1 });
    } finally {
      await ctx.close();
    }
  });

  it('a full read that is due waits for the source: a source that cannot be read costs no request', async () => {
    h = await synced(people(3, ['Sales']));
    h.emulator.resetStats();
    await writeFile(join(h.dir, 'users.csv'), '');
    await expect(h.run({ mode: 'apply', refresh: true })).rejects.toThrow(/users\.csv: no users/);
    expect(served(h.emulator)).toEqual({});
  });

  it('the snapshot is removed while an apply writes and written again after it', async () => {
    h = await synced(people(3, []));
    await h.setPeople(people(5, []));
    const seen: boolean[] = [];
    await h.apply({ onProgress: () => seen.push(existsSync(snapshotFile(h!))) });
    expect(seen).toEqual([false, false]);
    expect(existsSync(snapshotFile(h))).toBe(true);
  });
});

describe('saved plans and the snapshot', () => {
  it('a plan made against the snapshot applies against it (no read) and is refused once the state moved on', async () => {
    const ps = people(5, ['Sales']);
    h = await synced(ps);
    await h.setPeople(ps.slice(0, 4));
    const saved = (await h.plan()).plan;
    expect(saved.basis.targetRead?.source).toBe('snapshot');
    h.emulator.resetStats();
    const applied = await h.apply({ savedPlan: saved });
    expect(applied.outcome).toBe('converged');
    expect(served(h.emulator)).toEqual({ DELETE: 1 });
    await expect(h.apply({ savedPlan: saved })).rejects.toMatchObject({ code: 'SCIMSYNC_PLAN_STALE' });
  });

  it('a plan made from a full read is checked against a full read, as before', async () => {
    const ps = people(5, ['Sales']);
    h = await synced(ps);
    await h.setPeople(ps.slice(0, 4));
    const saved = (await h.run({ mode: 'plan', refresh: true })).plan;
    h.emulator.resetStats();
    await h.apply({ savedPlan: saved });
    expect(served(h.emulator)).toEqual({ GET: 2, DELETE: 1 });
    // The target changed by hand after planning: refused.
    const again = (await h.run({ mode: 'plan', refresh: true })).plan;
    await byHand(h, 'PATCH', `Groups/${groupId(h, 'Sales')}`, removeMember(ps[0]!.email));
    await expect(h.apply({ savedPlan: again })).rejects.toMatchObject({ code: 'SCIMSYNC_PLAN_STALE' });
  });
});
