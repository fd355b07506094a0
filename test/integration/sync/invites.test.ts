import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasPendingChanges, renderPlanText } from '../../../src/plan/index.js';
import type { SyncState } from '../../../src/state/types.js';
import { createSyncHarness, people, served, type Person, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const group = (g: number) => `Group${String(g).padStart(2, '0')}`;

/** `n` people, person i in groups i and i+1 (mod `groups`): every group gets 2n/groups members. */
function twoGroupsEach(n: number, groups: number): Person[] {
  return people(n, []).map((p, i) => ({ ...p, groups: [group(i % groups), group((i + 1) % groups)] }));
}

async function stateOf(s: SyncHarness): Promise<SyncState> {
  return JSON.parse(await readFile(join(s.dir, 'state.json'), 'utf8')) as SyncState;
}

describe('first load and joiners through group invites (amplitude)', () => {
  it('10,000 users in 50 groups (2 each) arrive with 50 POST /Groups + 150 PATCH + 2 GETs, and stay unrewritten', async () => {
    h = await createSyncHarness();
    const ps = twoGroupsEach(10_000, 50);
    await h.setPeople(ps);

    const first = await h.apply();
    expect(first.outcome).toBe('converged');
    expect(first.plan.summary).toMatchObject({ createUsers: 10_000, createGroups: 50, addMembers: 20_000 });
    // 400 members a group: 100 inline in its POST, 3 PATCHes of 100. No POST /Users at all.
    expect(served(h.emulator)).toEqual({ GET: 2, POST: 50, PATCH: 150 });
    expect(h.emulator.stats().total).toBe(202);
    const users = h.emulator.users();
    expect(users).toHaveLength(10_000);
    expect(users.every((u) => u.pending)).toBe(true);
    expect(h.emulator.events().filter((e) => e.type === 'invite')).toHaveLength(10_000);
    const sizes = h.emulator.groups().map((g) => g.members.length);
    expect(new Set(sizes)).toEqual(new Set([400]));
    // Recorded as created, with the email as the target id (Amplitude's id).
    const state = await stateOf(h);
    const records = Object.values(state.users);
    expect(records).toHaveLength(10_000);
    expect(records.every((r) => r.ownership === 'created' && r.targetId === r.userName)).toBe(true);
    expect(renderPlanText(first.plan)).toContain(`+ ${ps[0]!.email}  create "Given0 Family0" (new in source; invited through ${group(0)}, ${group(1)})`);

    // Next run: the snapshot kept since the first read says everything is there: no request at all.
    h.emulator.resetStats();
    const second = await h.apply();
    expect(hasPendingChanges(second.plan)).toBe(false);
    expect(served(h.emulator)).toEqual({});

    // A full read sees 10,000 pending users with placeholder names: unknown, not drift, so nothing is rewritten.
    const full = await h.apply({ refresh: true });
    expect(full.plan.summary).toMatchObject({ updateUsers: 0, createUsers: 0, addMembers: 0, removeMembers: 0 });
    expect(served(h.emulator)).toEqual({ GET: 100 + 1 });
  }, 60_000);

  it('with target.inviteThroughGroups: false every new user costs its own POST /Users', async () => {
    h = await createSyncHarness({ target: { inviteThroughGroups: false } });
    await h.setPeople(twoGroupsEach(30, 3));
    const r = await h.apply();
    expect(r.plan.operations.some((o) => o.kind === 'createUser' && o.invitedThrough !== undefined)).toBe(false);
    expect(served(h.emulator)).toEqual({ GET: 2, POST: 30 + 3 });
    expect(h.emulator.events().filter((e) => e.type === 'invite')).toHaveLength(30);
  });

  // Three joiners of one existing group in 1 PATCH: scenarios.test.ts ("several joiners of one group").
  it('a joiner in no group costs 1 POST /Users', async () => {
    h = await createSyncHarness();
    const ps = people(20, ['Engineering', 'Sales']);
    const loner: Person = { id: 'L1', email: 'loner@example.com', givenName: 'Lo', familyName: 'Ner', groups: [] };
    await h.setPeople(ps);
    await h.apply();
    await h.setPeople([...ps, loner]);
    h.emulator.resetStats();
    const one = await h.apply();
    expect(one.plan.summary.createUsers).toBe(1);
    expect(served(h.emulator)).toEqual({ POST: 1 });
    expect(h.emulator.users().find((u) => u.userName === loner.email)).toMatchObject({ givenName: 'Lo', familyName: 'Ner' });
  });

  it('an accepted invite whose names differ from the source gets one update; matching names get none', async () => {
    h = await createSyncHarness();
    const ps = people(4, ['Sales']);
    await h.setPeople(ps);
    await h.apply();
    // The invite sent no names (the group write carries only the email); people type theirs at sign-up.
    h.emulator.acceptInvite(ps[0]!.email, { givenName: 'Annie', familyName: 'Other' });
    h.emulator.acceptInvite(ps[1]!.email, { givenName: ps[1]!.givenName, familyName: ps[1]!.familyName });

    h.emulator.resetStats();
    const r = await h.apply({ refresh: true });
    expect(r.plan.operations.filter((o) => o.kind === 'updateUser').map((o) => o.key)).toEqual([`user:update:${ps[0]!.email}`]);
    expect(served(h.emulator)).toEqual({ GET: 2, PUT: 1 });
    expect(h.emulator.users().find((u) => u.userName === ps[0]!.email)).toMatchObject({ givenName: ps[0]!.givenName, familyName: ps[0]!.familyName });

    h.emulator.resetStats();
    const again = await h.apply({ refresh: true });
    expect(hasPendingChanges(again.plan)).toBe(false);
    expect(served(h.emulator)).toEqual({ GET: 2 });
  });
});
