import { describe, expect, it } from 'vitest';
import { stableHash, unorderedHash, type TargetSnapshot } from '../../../src/model/index.js';
import { snapshotHash } from '../../../src/run/run-once.js';

/** The definition snapshotHash had when it built one string per user and group: its value must not move. */
function joinedHash(actual: TargetSnapshot): string {
  const users = unorderedHash(
    actual.users.map((u) => `${u.id}\u0000${u.userName}\u0000${u.givenName ?? ''}\u0000${u.familyName ?? ''}\u0000${u.active ? 1 : 0}`),
  );
  const groups = unorderedHash(actual.groups.map((g) => `${g.id}\u0000${g.displayName}\u0000${unorderedHash(g.members)}`));
  return stableHash({ users, groups });
}

const snap: TargetSnapshot = {
  users: [
    { id: '1', userName: 'a@x.com', givenName: null, familyName: 'Lee', active: true },
    { id: 'b@x.com', userName: 'b@x.com', givenName: 'Bö', familyName: null, active: false },
  ],
  groups: [
    { id: '7', displayName: 'Eng', members: ['1', 'b@x.com'] },
    { id: '8', displayName: 'Empty', members: [] },
  ],
};

describe('snapshotHash', () => {
  it('equals the hash of the joined per-user and per-group strings (plans saved earlier keep their actualHash)', () => {
    expect(snapshotHash(snap)).toBe(joinedHash(snap));
    expect(snapshotHash(snap)).toBe('8a684662fb8a0b52');
    const empty: TargetSnapshot = { users: [], groups: [] };
    expect(snapshotHash(empty)).toBe(joinedHash(empty));
  });

  it('ignores order and sees a change in any field', () => {
    expect(snapshotHash({ users: [...snap.users].reverse(), groups: [...snap.groups].reverse() })).toBe(snapshotHash(snap));
    const [ann, bob] = snap.users;
    const changed: TargetSnapshot[] = [
      { ...snap, users: [{ ...ann!, givenName: 'Ann' }, bob!] },
      { ...snap, users: [{ ...ann!, active: false }, bob!] },
      { ...snap, users: [{ ...ann!, familyName: 'Le', userName: 'ea@x.com' }, bob!] },
      { ...snap, groups: [{ ...snap.groups[0]!, members: ['1'] }, snap.groups[1]!] },
    ];
    for (const c of changed) {
      expect(snapshotHash(c)).toBe(joinedHash(c));
      expect(snapshotHash(c)).not.toBe(snapshotHash(snap));
    }
  });
});
