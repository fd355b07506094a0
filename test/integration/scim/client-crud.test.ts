import { describe, expect, it } from 'vitest';
import { attrs, rig, seedUsers } from './harness.js';

describe.each(['amplitude', 'rfc'] as const)('SCIM client against the %s emulator', (profile) => {
  it.each([0, 1, 100, 250])('snapshot of %d users uses ⌈n/100⌉ user-list GETs (at least one; one more after a single full page)', async (n) => {
    const users = seedUsers(n);
    const groups = [{ displayName: 'Everyone', members: users.slice(0, 120).map((u) => u.userName) }];
    const { emulator, client } = await rig({ profile, seed: { users, groups } });
    const snap = await client.snapshot();
    expect(snap.users.map((u) => u.userName).sort()).toEqual(users.map((u) => u.userName).sort());
    expect(snap.groups).toHaveLength(1);
    expect(snap.groups[0]?.members).toHaveLength(Math.min(n, 120));
    const stats = emulator.stats();
    // Exactly one full page is the one ambiguous case: totalResults = the page's length may be a per-page
    // count (WSO2 and others), so one more GET proves the list ends there.
    expect(stats.byRoute['GET /Users']).toBe(Math.max(1, Math.ceil(n / 100)) + (n === 100 ? 1 : 0));
    expect(stats.byRoute['GET /Groups']).toBe(1);
    expect(client.requestCounts()).toEqual({ GET: stats.byMethod['GET'] });
  });

  it('reads names as the target holds them; Amplitude pending placeholders become unknown (null)', async () => {
    const seed = {
      users: [
        { userName: 'Ann@Example.com', givenName: 'Ann', familyName: 'Lee' },
        { userName: 'pending@example.com', givenName: 'Pat', familyName: 'Ng', pending: true },
      ],
    };
    const { client } = await rig({ profile, seed });
    const { users } = await client.snapshot();
    const byName = new Map(users.map((u) => [u.userName, u]));
    expect(byName.get('ann@example.com')).toMatchObject({ givenName: 'Ann', familyName: 'Lee', active: true });
    const pending = byName.get('pending@example.com');
    expect(pending?.active).toBe(true);
    if (profile === 'amplitude') expect(pending).toMatchObject({ givenName: null, familyName: null });
    else expect(pending).toMatchObject({ givenName: 'Pat', familyName: 'Ng' });
  });

  it('reads names outside ASCII exactly, on a page beside all-ASCII pages (bodies are decoded two ways)', async () => {
    // 150 users: the first page is all ASCII, the second holds the accented and non-Latin names.
    const plain = seedUsers(149);
    const names = { givenName: 'Zoë 李', familyName: 'Ørsted-Müller 🙂' };
    const { client } = await rig({ profile, seed: { users: [...plain, { userName: 'zoe@example.com', ...names }] } });
    const { users } = await client.snapshot();
    expect(users).toHaveLength(150);
    expect(users.find((u) => u.userName === 'zoe@example.com')).toMatchObject(names);
    expect(users.find((u) => u.userName === 'user0148@example.com')).toMatchObject({ givenName: 'Given148', familyName: 'Family148' });
  });

  it('creates, finds, updates and deletes a user', async () => {
    const { emulator, client } = await rig({ profile, pendingNames: 'keep' });
    const created = await client.createUser(attrs('New.Person@Example.com', 'New', 'Person', 'src-1'));
    expect(created.adopted).toBe(false);
    expect(created.user.userName).toBe('new.person@example.com');
    const held = emulator.users().find((u) => u.userName.toLowerCase() === 'new.person@example.com');
    expect(held?.id).toBe(created.user.id);
    if (profile === 'amplitude') expect(created.user.id).toBe('new.person@example.com');
    if (profile === 'rfc') expect(held?.externalId).toBe('src-1');

    expect(await client.findUserByUserName('NEW.person@example.com')).toMatchObject({ id: created.user.id });
    expect(await client.findUserByUserName('nobody@example.com')).toBeUndefined();

    await client.updateUser(created.user.id, attrs('new.person@example.com', 'Renamed', 'Person', 'src-1'));
    expect(emulator.users().find((u) => u.id === created.user.id)).toMatchObject({ givenName: 'Renamed', familyName: 'Person' });

    await client.deleteUser(created.user.id);
    expect(emulator.users().find((u) => u.id === created.user.id)).toBeUndefined();
    // Deleting again: already gone is success, not an error.
    await client.deleteUser(created.user.id);
    expect(client.requestCounts()).toMatchObject({ POST: 1, PUT: 1, DELETE: 2 });
  });

  it('deactivates a user the way the profile does it', async () => {
    const { emulator, client } = await rig({ profile });
    const { user } = await client.createUser(attrs('leaver@example.com'));
    emulator.resetStats();
    await client.deactivateUser(user.id, attrs('leaver@example.com'));
    const after = emulator.users().find((u) => u.id === user.id);
    if (profile === 'amplitude') {
      // active:false removes the user from the org.
      expect(after).toBeUndefined();
      expect(emulator.stats().byRoute['PUT /Users/:id']).toBe(1);
    } else {
      expect(after?.active).toBe(false);
      expect(emulator.stats().byRoute['PATCH /Users/:id']).toBe(1);
      expect((await client.snapshot()).users.find((u) => u.id === user.id)?.active).toBe(false);
    }
  });

  it('adopts an existing user on 409 instead of duplicating', async () => {
    const { emulator, client } = await rig({ profile, seed: { users: [{ userName: 'exists@example.com', givenName: 'E', familyName: 'X' }] } });
    const r = await client.createUser(attrs('Exists@example.com'));
    expect(r.adopted).toBe(true);
    expect(r.user.userName).toBe('exists@example.com');
    expect(emulator.users().filter((u) => u.userName === 'exists@example.com')).toHaveLength(1);
    expect(emulator.stats().byStatus['409']).toBe(1);
  });

  it('creates a group, patches members in and out in one request, and deletes it', async () => {
    const users = seedUsers(4);
    const { emulator, client } = await rig({ profile, seed: { users } });
    const { users: targetUsers } = await client.snapshot();
    const id = (i: number): string => targetUsers.find((u) => u.userName === users[i]?.userName)?.id as string;

    const { group, adopted } = await client.createGroup('Engineering', [id(0), id(1)]);
    expect(adopted).toBe(false);
    expect(typeof group.id).toBe('string');
    expect(
      emulator
        .groups()
        .find((g) => g.id === group.id)
        ?.members.sort(),
    ).toEqual([id(0), id(1)].sort());

    emulator.resetStats();
    await client.patchMembers(group.id, [id(2), id(3)], [id(0)]);
    expect(emulator.stats().byRoute['PATCH /Groups/:id']).toBe(1);
    expect(
      emulator
        .groups()
        .find((g) => g.id === group.id)
        ?.members.sort(),
    ).toEqual([id(1), id(2), id(3)].sort());

    await client.patchMembers(group.id, [], [id(1), id(2)]);
    expect(emulator.groups().find((g) => g.id === group.id)?.members).toEqual([id(3)]);

    await client.patchMembers(group.id, [], []);
    expect(emulator.stats().byRoute['PATCH /Groups/:id']).toBe(2);

    await client.deleteGroup(group.id);
    expect(emulator.groups()).toHaveLength(0);
    await client.deleteGroup(group.id);
    expect(client.requestCounts()['DELETE']).toBe(2);
  });

  it('on a duplicate group name: adopts on 409 (rfc); Amplitude documents no uniqueness and creates another', async () => {
    const { emulator, client } = await rig({ profile, seed: { groups: [{ displayName: 'Sales', members: [] }] } });
    const existing = emulator.groups()[0];
    const again = await client.createGroup('sales', []);
    if (profile === 'rfc') {
      expect(again).toMatchObject({ adopted: true, group: { id: existing?.id, displayName: 'Sales' } });
      expect(emulator.groups()).toHaveLength(1);
    } else {
      // The planner matches groups by name from the snapshot before creating; the client cannot know.
      expect(again.adopted).toBe(false);
      expect(emulator.groups()).toHaveLength(2);
    }
  });
});
