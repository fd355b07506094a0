import { afterEach, describe, expect, it } from 'vitest';
import { hasPendingChanges } from '../../../src/plan/index.js';
import { createSyncHarness, people, served, type Person, type Profile, type SyncHarness } from './harness.js';

/** Group name → sorted member userNames, as the emulator holds them (member values are ids on rfc). */
function membership(h: SyncHarness): Record<string, string[]> {
  const byId = new Map(h.emulator.users().map((u) => [u.id, u.userName]));
  return Object.fromEntries(h.emulator.groups().map((g) => [g.displayName, g.members.map((m) => byId.get(m) ?? m).sort()]));
}

function expectedMembership(ps: readonly Person[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of ps) if (p.active !== false) for (const g of p.groups ?? []) (out[g] ??= []).push(p.email);
  for (const g of Object.keys(out)) out[g]!.sort();
  return out;
}

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each<Profile>(['amplitude', 'rfc'])('sync against the %s emulator', (profile) => {
  it('first apply builds the exact target; a second plan is empty and a second apply costs no request', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(250, ['Engineering', 'Sales', 'Support']);
    await h.setPeople(ps);

    const first = await h.apply();
    expect(first.outcome).toBe('converged');
    expect(first.plan.summary).toMatchObject({ createUsers: 250, createGroups: 3, deleteUsers: 0, addMembers: 250 });
    expect(
      h.emulator
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(ps.map((p) => p.email).sort());
    expect(membership(h)).toEqual(expectedMembership(ps));
    // 1 page of (no) users, 1 page of (no) groups, then one POST per group (members inline): on amplitude the
    // group POSTs invite the new users; on rfc each user needs its own POST first.
    expect(served(h.emulator)).toEqual(profile === 'amplitude' ? { GET: 2, POST: 3 } : { GET: 2, POST: 253 });

    const second = await h.plan();
    expect(hasPendingChanges(second.plan)).toBe(false);
    expect(second.plan.basis.targetRead).toMatchObject({ source: 'snapshot', writesSince: profile === 'amplitude' ? 3 : 253 });

    h.emulator.resetStats();
    const third = await h.apply();
    expect(third.outcome).toBe('converged');
    // Planned against the snapshot kept since the first apply's read: nothing to read, nothing to write.
    expect(served(h.emulator)).toEqual({});

    // A full read (--refresh) agrees: ⌈250/100⌉ user pages + ⌈3/100⌉ group pages, no write.
    const fourth = await h.apply({ refresh: true });
    expect(hasPendingChanges(fourth.plan)).toBe(false);
    expect(served(h.emulator)).toEqual({ GET: 3 + 1 });
  });

  it('a name change costs one PUT', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(20);
    await h.setPeople(ps);
    await h.apply();
    ps[3] = { ...ps[3]!, familyName: 'Renamed' };
    await h.setPeople(ps);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary.updateUsers).toBe(1);
    expect(served(h.emulator)).toEqual({ PUT: 1 });
    if (profile === 'rfc') expect(h.emulator.users().find((u) => u.userName === ps[3]!.email)?.familyName).toBe('Renamed');
  });

  it('a leaver is deleted with one DELETE (and not removed from groups separately)', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(20);
    await h.setPeople(ps);
    await h.apply();
    const leaver = ps.splice(5, 1)[0]!;
    await h.setPeople(ps);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ deleteUsers: 1, removeMembers: 0, updateGroups: 0 });
    // rfc: the RFC does not require a server to drop a deleted user from its groups: one GET of one of its
    // groups checks (this server did, so no PATCH). Amplitude documents that it does.
    expect(served(h.emulator)).toEqual(profile === 'rfc' ? { GET: 1, DELETE: 1 } : { DELETE: 1 });
    expect(h.emulator.users().some((u) => u.userName === leaver.email)).toBe(false);
    expect(membership(h)).toEqual(expectedMembership(ps));
    expect(hasPendingChanges((await h.plan()).plan)).toBe(false);
  });

  it('a leaver in deactivate mode is set inactive with one request, and leaves its groups in the same run', async () => {
    h = await createSyncHarness({ profile, sync: { deprovision: 'deactivate' } });
    const ps = people(20);
    await h.setPeople(ps);
    await h.apply();
    ps[7] = { ...ps[7]!, active: false };
    await h.setPeople(ps);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary.deleteUsers).toBe(1);
    expect(h.emulator.stats().byMethod.DELETE ?? 0).toBe(0);
    const user = h.emulator.users().find((u) => u.userName === ps[7]!.email);
    // Amplitude: active:false removes the user from the org (and its groups). RFC: the user stays, inactive,
    // and one PATCH takes it out of its group.
    if (profile === 'amplitude') {
      expect(user).toBeUndefined();
      expect(served(h.emulator)).toEqual({ PUT: 1 });
    } else {
      expect(user?.active).toBe(false);
      expect(served(h.emulator)).toEqual({ PATCH: 2 });
      expect(r.plan.summary).toMatchObject({ updateGroups: 1, removeMembers: 1 });
    }
    expect(membership(h)).toEqual(expectedMembership(ps));
    expect(hasPendingChanges((await h.plan()).plan)).toBe(false);
  });

  it('a mover between groups costs one PATCH per group', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(20, ['Engineering', 'Sales']);
    await h.setPeople(ps);
    await h.apply();
    ps[0] = { ...ps[0]!, groups: ['Sales'] }; // was Engineering
    await h.setPeople(ps);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ updateGroups: 2, addMembers: 1, removeMembers: 1 });
    expect(served(h.emulator)).toEqual({ PATCH: 2 });
    expect(membership(h)).toEqual(expectedMembership(ps));
  });

  it('several joiners of one group cost a single PATCH (amplitude: it invites them; rfc: one POST each first)', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(20, ['Engineering', 'Sales']);
    await h.setPeople(ps);
    await h.apply();
    const joiners = people(3, ['Engineering'], 'joiners.example.com').map((p) => ({ ...p, id: `J${p.id}` }));
    await h.setPeople([...ps, ...joiners]);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ createUsers: 3, updateGroups: 1, addMembers: 3 });
    expect(served(h.emulator)).toEqual(profile === 'amplitude' ? { PATCH: 1 } : { POST: 3, PATCH: 1 });
    expect(membership(h)).toEqual(expectedMembership([...ps, ...joiners]));
  });

  it('an email change deletes the old user and creates the new one', async () => {
    h = await createSyncHarness({ profile });
    const ps = people(10, ['Engineering']);
    await h.setPeople(ps);
    await h.apply();
    const old = ps[2]!.email;
    ps[2] = { ...ps[2]!, email: 'new.address@example.com' };
    await h.setPeople(ps);
    h.emulator.resetStats();
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ deleteUsers: 1, createUsers: 1, addMembers: 1, removeMembers: 0 });
    // rfc: one GET checks the old user left its group (see the leaver test).
    expect(served(h.emulator)).toEqual(profile === 'amplitude' ? { DELETE: 1, PATCH: 1 } : { GET: 1, DELETE: 1, POST: 1, PATCH: 1 });
    const names = h.emulator.users().map((u) => u.userName);
    expect(names).not.toContain(old);
    expect(names).toContain('new.address@example.com');
    expect(membership(h)).toEqual(expectedMembership(ps));
  });

  it('leaves an unmanaged admin and a hand-made group alone', async () => {
    h = await createSyncHarness({
      profile,
      emulator: {
        seed: {
          users: [{ userName: 'admin@example.com', givenName: 'Org', familyName: 'Admin' }],
          groups: [{ displayName: 'Finance', members: ['admin@example.com'] }],
        },
      },
    });
    await h.setPeople(people(5, ['Engineering']));
    await h.apply();
    h.emulator.resetStats();
    await h.setPeople(people(4, ['Engineering']));
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ deleteUsers: 1, deleteGroups: 0, adoptGroups: 0 });
    expect(h.emulator.users().some((u) => u.userName === 'admin@example.com')).toBe(true);
    expect(membership(h).Finance).toEqual(['admin@example.com']);
    // rfc: one GET checks the leaver left its group (see the leaver test).
    expect(served(h.emulator)).toEqual(profile === 'rfc' ? { GET: 1, DELETE: 1 } : { DELETE: 1 });
  });
});

describe('Amplitude pending users', () => {
  it('placeholder names of a pending user are never rewritten; a real change still is', async () => {
    h = await createSyncHarness({ profile: 'amplitude' });
    const ps = people(5, []);
    await h.setPeople(ps);
    await h.apply();
    // The emulator shows NO_GIVEN_NAME / NO_FAMILY_NAME for invited users, like Amplitude.
    expect(h.emulator.users().every((u) => u.pending)).toBe(true);
    // Full reads (--refresh), so that the placeholders are what the plan sees.
    for (let i = 0; i < 2; i++) {
      h.emulator.resetStats();
      const again = await h.apply({ refresh: true });
      expect(again.plan.summary.updateUsers).toBe(0);
      expect(served(h.emulator)).toEqual({ GET: 2 });
    }
    h.emulator.acceptInvite(ps[0]!.email);
    h.emulator.resetStats();
    expect((await h.apply({ refresh: true })).plan.summary.updateUsers).toBe(0);
    ps[1] = { ...ps[1]!, givenName: 'Changed' };
    await h.setPeople(ps);
    h.emulator.resetStats();
    const changed = await h.apply();
    expect(changed.plan.summary.updateUsers).toBe(1);
    expect(served(h.emulator)).toEqual({ PUT: 1 });
  });

  it('adopts an existing user instead of re-inviting them', async () => {
    h = await createSyncHarness({
      emulator: { seed: { users: [{ userName: 'user00001@example.com', givenName: 'Given1', familyName: 'Family1' }], groups: [] } },
    });
    await h.setPeople(people(3, []));
    const r = await h.apply();
    expect(r.plan.summary).toMatchObject({ createUsers: 2, adoptUsers: 1 });
    expect(served(h.emulator)).toEqual({ GET: 2, POST: 2 });
    expect(
      h.emulator
        .events()
        .filter((e) => e.type === 'invite')
        .map((e) => e.userName)
        .sort(),
    ).toEqual(['user00000@example.com', 'user00002@example.com']);
  });
});

describe('chunked group membership', () => {
  it('splits a large membership change into PATCHes of at most maxMembersPerPatch members', async () => {
    h = await createSyncHarness({ maxMembersPerPatch: 10 });
    await h.setPeople(people(5, ['Big']));
    await h.apply();
    const ps = people(30, ['Big']);
    await h.setPeople(ps);
    h.emulator.resetStats();
    await h.apply();
    // 25 new members in chunks of 10 → 3 PATCHes to one group, which invite them (no POST /Users).
    expect(served(h.emulator)).toEqual({ PATCH: 3 });
    expect(membership(h)).toEqual(expectedMembership(ps));
  });
});

describe('deletion guard', () => {
  it('refuses a mass deletion as a whole, then allows it with allowDeletes', async () => {
    h = await createSyncHarness({ sync: { safety: { maxDeletes: 5, maxDeletePercent: 10 } } });
    const ps = people(50, ['Engineering']);
    await h.setPeople(ps);
    await h.apply();
    await h.setPeople(ps.slice(0, 20));
    h.emulator.resetStats();
    const refused = await h.apply();
    expect(refused.outcome).toBe('refused');
    expect(refused.plan.blocked.map((b) => b.rule).sort()).toEqual(['maxDeletePercent', 'maxDeletes']);
    expect(refused.plan.blocked[0]!.message).toContain('--allow-deletes 30');
    expect(h.emulator.stats().writes).toBe(0);
    expect(h.emulator.users()).toHaveLength(50);

    const allowed = await h.apply({ allowDeletes: 30 });
    expect(allowed.outcome).toBe('converged');
    expect(h.emulator.users()).toHaveLength(20);
  });

  it('a source that has become empty stops the run before any write', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(10));
    await h.apply();
    await h.setPeople([]);
    h.emulator.resetStats();
    await expect(h.apply()).rejects.toMatchObject({ code: expect.stringMatching(/^SCIMSYNC_SOURCE/) });
    expect(h.emulator.stats().writes).toBe(0);
    expect(h.emulator.users()).toHaveLength(10);
  });
});
