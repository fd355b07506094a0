import { describe, expect, it } from 'vitest';
import type { TargetSnapshot } from '../../../src/model/types.js';
import { contradictingStatuses, LiveTarget, RecordingTarget } from '../../../src/run/live-target.js';
import { FakeTarget } from './fake-target.js';

/** Order-free view of a snapshot, to compare the kept one with a fresh read. */
function canon(s: TargetSnapshot) {
  return {
    users: [...s.users].sort((a, b) => a.id.localeCompare(b.id)),
    groups: [...s.groups].map((g) => ({ ...g, members: [...g.members].sort() })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const attrs = (userName: string, givenName = 'Given', familyName = 'Family') => ({ userName, givenName, familyName });

describe('RecordingTarget: the snapshot follows every write the target accepted', () => {
  it('after creates, updates, deletes, invites and membership changes the kept snapshot equals a fresh full read', async () => {
    const target = new FakeTarget();
    target.invites = true;
    const ann = target.seedUser('ann@example.com');
    const bob = target.seedUser('bob@example.com');
    const leaver = target.seedUser('leaver@example.com');
    const sales = target.seedGroup('Sales', [ann.id, leaver.id]);
    const old = target.seedGroup('Old', [bob.id]);
    const live = new LiveTarget(await target.snapshot(), 'amplitude');
    const rec = new RecordingTarget(target, live);

    const { user: cat } = await rec.createUser(attrs('cat@example.com'));
    await rec.updateUser(bob.id, attrs('bob@example.com', 'Robert', 'Lee'));
    await rec.deleteUser(leaver.id);
    // Amplitude: an email that is no user yet is invited by the group write.
    const { group: eng } = await rec.createGroup('Eng', [cat.id, 'new@example.com']);
    await rec.patchMembers(sales.id, ['invited@example.com', bob.id], [ann.id]);
    await rec.deleteGroup(old.id);

    expect(canon(live.snapshot())).toEqual(canon(await target.snapshot()));
    expect([...(live.snapshot().groups.find((g) => g.id === eng.id)?.members ?? [])].sort()).toEqual([cat.id, 'new@example.com'].sort());
    expect(live.contradictions()).toEqual([]);
  });

  it('notes what contradicts the snapshot: a create that found the user, an update or PATCH answered 404', async () => {
    const target = new FakeTarget();
    target.seedUser('exists@example.com');
    const live = new LiveTarget({ users: [], groups: [{ id: 'g-404', displayName: 'Gone', members: [] }] }, 'rfc');
    const rec = new RecordingTarget(target, live);
    await rec.createUser(attrs('exists@example.com'));
    await expect(rec.updateUser('u-404', attrs('gone@example.com'))).rejects.toMatchObject({ status: 404 });
    await expect(rec.patchMembers('g-404', [], [])).rejects.toMatchObject({ status: 404 });
    expect(live.contradictions()).toEqual([
      'POST /Users found exists@example.com already in the target',
      'update of user u-404 answered 404: it is gone from the target',
      'PATCH of group g-404 answered 404: it is gone from the target',
    ]);
    // The kept snapshot no longer claims the group; the found user is in it.
    expect(live.snapshot().groups).toEqual([]);
    expect(live.snapshot().users.map((u) => u.userName)).toEqual(['exists@example.com']);
  });

  it('a user deleted and created again in one run is no member of the groups it was in', async () => {
    const target = new FakeTarget();
    const ann = target.seedUser('ann@example.com');
    target.seedGroup('Sales', [ann.id]);
    const live = new LiveTarget(await target.snapshot(), 'rfc');
    const rec = new RecordingTarget(target, live);
    await rec.deleteUser(ann.id);
    target.users.set(ann.id, ann); // the same id again (Amplitude: id = email)
    live.putUser(ann);
    expect(live.snapshot().groups[0]?.members).toEqual([]);
    expect(live.snapshot().users.map((u) => u.id)).toEqual([ann.id]);
  });

  it('a run that writes nothing hands back the snapshot it was given (no copy)', () => {
    const read: TargetSnapshot = { users: [], groups: [] };
    expect(new LiveTarget(read, 'amplitude').snapshot()).toBe(read);
  });

  it('counts 404 on writes and 409 on creates (which the client otherwise absorbs) as contradictions', () => {
    const before = { DELETE: { '204': 3 }, POST: { '201': 1 } };
    const after = { DELETE: { '204': 4, '404': 2 }, POST: { '201': 1, '409': 1 }, GET: { '404': 1 } };
    expect(contradictingStatuses(before, after)).toEqual(['2 DELETE answered 404', '1 POST answered 409']);
    expect(contradictingStatuses(before, before)).toEqual([]);
  });
});
