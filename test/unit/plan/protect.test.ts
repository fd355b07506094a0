import { describe, expect, it } from 'vitest';
import type { GroupRecord } from '../../../src/state/types.js';
import { actual, desired, keys, managed, plan, policy, sg, state, su, tg, tu } from './fixtures.js';

/**
 * sync.protect (design.md "Safety"): a protected account is never created, updated, deleted, added to or
 * removed from a group. The plan lists it under Untouched.
 */
const ann = su('ann');
const boss = su('boss');
const grec = (targetId: string, displayName: string): GroupRecord => ({ targetId, displayName, ownership: 'created' });
const protect = policy({ protect: ['boss@x.com'] });

describe('sync.protect', () => {
  it('a protected source user the target lacks is not created, nor made a member of a new group; it is Untouched', () => {
    const p = plan(desired([ann, boss], { groups: [sg('Eng', ['ann', 'boss'])] }), actual([]), state(), protect);
    expect(keys(p)).toEqual(['user:create:ann@x.com', 'group:create:eng']);
    const create = p.operations.find((o) => o.kind === 'createGroup');
    expect(create?.kind === 'createGroup' && create.members.map((m) => m.userName)).toEqual(['ann@x.com']);
    expect(p.untouched).toEqual({ protectedUsers: 1 });
    expect(p.skipped).toEqual([]);
  });

  it('a protected user in the target is not adopted, not updated, not added to a managed group; counted once', () => {
    const p = plan(
      desired([ann, su('boss', { givenName: 'Renamed' })], { groups: [sg('Eng', ['ann', 'boss'])] }),
      actual([tu('ann'), tu('boss')], [tg('7', 'Eng', ['ann'])]),
      state(managed(ann), { eng: grec('7', 'Eng') }),
      protect,
    );
    expect(keys(p)).toEqual([]);
    expect(p.untouched).toEqual({ protectedUsers: 1 });
  });

  it('a protected member of a managed group is not removed from it', () => {
    const p = plan(
      desired([ann], { groups: [sg('Eng', ['ann'])] }),
      actual([tu('ann'), tu('boss')], [tg('7', 'Eng', ['ann', 'boss'])]),
      state(managed(ann), { eng: grec('7', 'Eng') }),
      protect,
    );
    expect(keys(p)).toEqual([]);
  });

  it('a managed group that left the source is not deleted while it holds a protected member (that would remove them)', () => {
    const p = plan(
      desired([ann], { groups: [sg('Ops', ['ann'])] }),
      actual([tu('ann'), tu('boss')], [tg('7', 'Eng', ['ann', 'BOSS@x.com']), tg('8', 'Ops', ['ann']), tg('9', 'Old', ['ann'])]),
      state(managed(ann), { eng: grec('7', 'Eng'), ops: grec('8', 'Ops'), old: grec('9', 'Old') }),
      protect,
    );
    expect(keys(p)).toEqual(['group:delete:old']);
    expect(p.untouched).toEqual({ groupsWithProtectedMembers: 1, protectedUsers: 1 });
  });

  it('a protected user scimsync already manages is neither updated nor deleted when it leaves or is disabled', () => {
    for (const users of [[ann], [ann, su('boss', { active: false })]]) {
      const p = plan(desired(users), actual([tu('ann'), tu('boss')]), state(managed(ann, boss)), protect);
      expect(keys(p)).toEqual([]);
      expect(p.untouched).toEqual({ protectedUsers: 1 });
    }
  });
});
