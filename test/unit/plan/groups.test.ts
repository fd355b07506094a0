import { describe, expect, it } from 'vitest';
import { chunkMembers } from '../../../src/plan/groups.js';
import { renderPlanText } from '../../../src/plan/render.js';
import type { MemberRef, PlannedOperation, PlanPolicy } from '../../../src/plan/types.js';
import type { GroupRecord } from '../../../src/state/types.js';
import { actual, desired, keys, managed, plan, policy, sg, state, su, tu, tg } from './fixtures.js';

const ann = su('ann');
const bob = su('bob');
const cat = su('cat');
const everyone = managed(ann, bob, cat);
const targets = [tu('ann'), tu('bob'), tu('cat')];
const grec = (targetId: string, displayName: string, ownership: GroupRecord['ownership'] = 'created'): GroupRecord => ({ targetId, displayName, ownership });

function members(op: PlannedOperation | undefined): { add: string[]; remove: string[] } {
  if (op?.kind === 'createGroup') return { add: op.members.map((m) => m.userName), remove: [] };
  if (op?.kind !== 'updateMembers') throw new Error(`not a membership op: ${op?.kind}`);
  return { add: op.add.map((m) => m.userName), remove: op.remove.map((m) => m.userName) };
}

describe('groups', () => {
  it.each([
    { name: 'new group is created with members inline', groups: [sg('Eng', ['ann', 'bob'])], tgroups: [], records: {}, want: ['group:create:eng'] },
    {
      name: 'existing unmanaged group with the same name (any case) is adopted',
      groups: [sg('Eng', ['ann'])],
      tgroups: [tg('7', 'ENG', ['ann'])],
      records: {},
      want: ['group:adopt:eng'],
    },
    { name: 'managed and in sync: nothing', groups: [sg('Eng', ['ann'])], tgroups: [tg('7', 'Eng', ['ann'])], records: { eng: grec('7', 'Eng') }, want: [] },
    {
      name: 'membership drift: one updateMembers op',
      groups: [sg('Eng', ['ann', 'bob'])],
      tgroups: [tg('7', 'Eng', ['ann', 'cat'])],
      records: { eng: grec('7', 'Eng') },
      want: ['group:members:eng:1'],
    },
    {
      name: 'adopted group with drift: adopt + updateMembers',
      groups: [sg('Eng', ['ann', 'bob'])],
      tgroups: [tg('7', 'Eng', ['ann'])],
      records: {},
      want: ['group:adopt:eng', 'group:members:eng:1'],
    },
    {
      name: 'managed group no longer in the source: delete',
      groups: [sg('Ops', [])],
      tgroups: [tg('7', 'Eng', []), tg('8', 'Ops', [])],
      records: { eng: grec('7', 'Eng'), ops: grec('8', 'Ops') },
      want: ['group:delete:eng'],
    },
    {
      name: 'adopted group no longer in the source: delete',
      groups: [sg('Ops', [])],
      tgroups: [tg('7', 'Eng', []), tg('8', 'Ops', [])],
      records: { eng: grec('7', 'Eng', 'adopted'), ops: grec('8', 'Ops') },
      want: ['group:delete:eng'],
    },
    { name: 'unmanaged group not in the source: never touched', groups: [], tgroups: [tg('7', 'Admins', ['ann'])], records: {}, want: [] },
    {
      name: 'managed group excluded by the filter: deleted',
      groups: [sg('Eng', ['ann'])],
      tgroups: [tg('7', 'Eng', ['ann'])],
      records: { eng: grec('7', 'Eng') },
      over: { groups: { enabled: true, include: ['*'], exclude: ['e*'] } },
      want: ['group:delete:eng'],
    },
    {
      name: 'include globs are case-insensitive',
      groups: [sg('Eng-Core', ['ann']), sg('Sales', ['bob'])],
      tgroups: [],
      records: {},
      over: { groups: { enabled: true, include: ['ENG-*'], exclude: [] } },
      want: ['group:create:eng-core'],
    },
    {
      name: 'groups disabled: nothing at all',
      groups: [sg('Eng', ['ann'])],
      tgroups: [tg('7', 'Old', [])],
      records: { old: grec('7', 'Old') },
      over: { groups: { enabled: false, include: ['*'], exclude: [] } },
      want: [],
    },
    {
      name: 'managed group deleted by hand in the target: created again',
      groups: [sg('Eng', ['ann'])],
      tgroups: [],
      records: { eng: grec('7', 'Eng') },
      want: ['group:create:eng'],
    },
  ])('$name', ({ groups, tgroups, records, over, want }) => {
    const p = plan(
      desired([ann, bob, cat], { groups }),
      actual(targets, tgroups),
      state(everyone, records as Record<string, GroupRecord>),
      policy((over ?? {}) as Partial<PlanPolicy>),
    );
    expect(keys(p)).toEqual(want);
  });

  it('adds missing and removes extra members in one op', () => {
    const p = plan(
      desired([ann, bob, cat], { groups: [sg('Eng', ['ann', 'bob'])] }),
      actual(targets, [tg('7', 'Eng', ['ann', 'cat'])]),
      state(everyone, { eng: grec('7', 'Eng') }),
    );
    expect(members(p.operations[0])).toEqual({ add: ['bob@x.com'], remove: ['cat@x.com'] });
    expect(p.operations[0]).toMatchObject({ group: { id: '7' }, groupName: 'Eng', reason: 'membership changed in source: 1 to add, 1 to remove' });
    expect(p.summary).toMatchObject({ updateGroups: 1, addMembers: 1, removeMembers: 1 });
  });

  it('never removes protected members, nor users this plan deletes', () => {
    const p = plan(
      desired([ann], { groups: [sg('Eng', ['ann'])] }),
      actual([...targets, tu('boss')], [tg('7', 'Eng', ['ann', 'bob', 'cat', 'boss'])]),
      state(everyone, { eng: grec('7', 'Eng') }),
      policy({ protect: ['boss@x.com'] }),
    );
    expect(keys(p)).toEqual(['user:delete:bob@x.com', 'user:delete:cat@x.com']);
  });

  it('removes an unmanaged target user who is not in the source group', () => {
    const p = plan(
      desired([ann], { groups: [sg('Eng', ['ann'])] }),
      actual([tu('ann'), tu('zed')], [tg('7', 'Eng', ['ann', 'zed'])]),
      state(managed(ann), { eng: grec('7', 'Eng') }),
    );
    expect(members(p.operations[0])).toEqual({ add: [], remove: ['zed@x.com'] });
  });

  it('members this plan creates are referenced by their create op; existing ones by id', () => {
    const p = plan(desired([ann, su('dan')], { groups: [sg('Eng', ['ann', 'dan'])] }), actual([tu('ann', { id: 'u-1' })]), state());
    const create = p.operations.find((o) => o.kind === 'createGroup');
    expect(create?.kind === 'createGroup' && create.members).toEqual([
      { userName: 'ann@x.com', target: { id: 'u-1' } },
      { userName: 'dan@x.com', target: { createdBy: 'user:create:dan@x.com' } },
    ]);
  });

  it('desired members exclude disabled, quarantined and unknown users; the latter two are reported', () => {
    const p = plan(
      desired([ann, su('bob', { active: false }), cat], { groups: [sg('Eng', ['ann', 'bob', 'cat', 'ghost'])], quarantined: ['cat@x.com'] }),
      actual([]),
    );
    expect(members(p.operations.find((o) => o.kind === 'createGroup'))).toEqual({ add: ['ann@x.com'], remove: [] });
    expect(p.skipped).toEqual([
      { entry: 'Eng: cat@x.com', reason: 'member is quarantined (bad source row): membership left as is' },
      { entry: 'Eng: ghost@x.com', reason: 'member is not among the source users in scope' },
    ]);
  });

  it('a quarantined user already in a managed group is not removed', () => {
    const p = plan(
      desired([ann, cat], { groups: [sg('Eng', ['ann'])], quarantined: ['cat@x.com'] }),
      actual(targets, [tg('7', 'Eng', ['ann', 'cat'])]),
      state(everyone, { eng: grec('7', 'Eng') }),
    );
    expect(p.operations.filter((o) => o.kind === 'updateMembers')).toEqual([]);
  });

  it('chunks a new large group: inline up to the limit, then updateMembers on the created group', () => {
    const users = Array.from({ length: 12 }, (_, i) => su(`m${String(i).padStart(2, '0')}`));
    const p = plan(
      desired(users, {
        groups: [
          sg(
            'Big',
            users.map((u) => u.email),
          ),
        ],
      }),
      actual([]),
      state(),
      policy({ maxMembersPerPatch: 5 }),
    );
    const groupOps = p.operations.filter((o) => o.kind === 'createGroup' || o.kind === 'updateMembers');
    expect(groupOps.map((o) => o.key)).toEqual(['group:create:big', 'group:members:big:1', 'group:members:big:2']);
    expect(groupOps.map((o) => members(o).add.length)).toEqual([5, 5, 2]);
    expect(groupOps[1]).toMatchObject({ group: { createdBy: 'group:create:big' } });
    expect(p.summary.addMembers).toBe(12);
  });

  it('chunks 110 changes by 10 into ops 1..11, removes first, key :10 after :9', () => {
    const users = Array.from({ length: 120 }, (_, i) => su(`m${String(i).padStart(3, '0')}`));
    const tUsers = users.map((u) => tu(u.email.split('@')[0]!));
    const p = plan(
      desired(users, {
        groups: [
          sg(
            'Big',
            users.slice(0, 110).map((u) => u.email),
          ),
        ],
      }),
      actual(tUsers, [
        tg(
          '9',
          'Big',
          users.slice(100).map((u) => u.email),
        ),
      ]),
      state(managed(...users), { big: grec('9', 'Big') }),
      policy({ maxMembersPerPatch: 10 }),
    );
    expect(p.operations.map((o) => o.key)).toEqual(Array.from({ length: 11 }, (_, i) => `group:members:big:${i + 1}`));
    expect(members(p.operations[0])).toEqual({ add: [], remove: users.slice(110).map((u) => u.email) });
    expect(p.summary).toMatchObject({ updateGroups: 1, addMembers: 100, removeMembers: 10 });
  });
});

describe('chunkMembers', () => {
  const refs = (n: number, p: string): MemberRef[] => Array.from({ length: n }, (_, i) => ({ userName: `${p}${i}`, target: { id: `${p}${i}` } }));
  it.each([
    { add: 0, remove: 0, max: 3, want: [] },
    { add: 2, remove: 1, max: 3, want: [[2, 1]] },
    {
      add: 3,
      remove: 2,
      max: 2,
      want: [
        [0, 2],
        [2, 0],
        [1, 0],
      ],
    },
    { add: 4, remove: 1, max: 0, want: [[4, 1]] },
  ])('$add adds + $remove removes by $max', ({ add, remove, max, want }) => {
    const chunks = chunkMembers(refs(add, 'a'), refs(remove, 'r'), max);
    expect(chunks.map((c) => [c.add.length, c.remove.length])).toEqual(want);
  });
});

describe('memberships of deprovisioned users and of users the target no longer has', () => {
  // rfc's membership facts; no externalId, so the users' recorded hashes still match.
  const rfc = (over: Partial<PlanPolicy> = {}): PlanPolicy =>
    policy({ profile: { name: 'rfc', sendsExternalId: false, deprovisionDropsMembers: false }, ...over });
  const eng = { eng: grec('7', 'Eng') };
  const leaverOps = (p: ReturnType<typeof plan>) => p.operations.filter((o) => o.kind === 'deleteUser' || o.kind === 'updateMembers');

  it('deactivate on a target that keeps the user (rfc): the same plan removes it from its managed groups', () => {
    const p = plan(
      desired([ann, su('bob', { active: false })], { groups: [sg('Eng', ['ann', 'bob'])] }),
      actual(targets, [tg('7', 'Eng', ['ann', 'bob'])]),
      state(everyone, eng),
      rfc({ deprovision: 'deactivate' }),
    );
    expect(keys(p)).toEqual(['user:delete:bob@x.com', 'user:delete:cat@x.com', 'group:members:eng:1']);
    expect(members(p.operations[2])).toEqual({ add: [], remove: ['bob@x.com'] });
  });

  it('deactivate where that removes the user from the org (amplitude): left to the target, no PATCH', () => {
    const p = plan(
      desired([ann, su('bob', { active: false })], { groups: [sg('Eng', ['ann', 'bob'])] }),
      actual(targets, [tg('7', 'Eng', ['ann', 'bob'])]),
      state(everyone, eng),
      policy({ deprovision: 'deactivate' }),
    );
    expect(keys(p)).toEqual(['user:delete:bob@x.com', 'user:delete:cat@x.com']);
  });

  it('delete on rfc: the delete carries its managed groups so the executor can check they were dropped; amplitude: not', () => {
    const a = actual(targets, [tg('7', 'Eng', ['ann', 'bob']), tg('8', 'Hand-made', ['bob'])]);
    const d = desired([ann], { groups: [sg('Eng', ['ann'])] });
    const onRfc = plan(d, a, state(everyone, eng), rfc());
    expect(onRfc.operations.find((o) => o.key === 'user:delete:bob@x.com')).toMatchObject({ memberOf: [{ groupName: 'Eng', groupId: '7' }] });
    expect(onRfc.operations.find((o) => o.key === 'user:delete:cat@x.com')).not.toHaveProperty('memberOf');
    expect(keys(onRfc)).toEqual(['user:delete:bob@x.com', 'user:delete:cat@x.com']);
    const onAmplitude = plan(d, a, state(everyone, eng));
    expect(onAmplitude.operations.find((o) => o.key === 'user:delete:bob@x.com')).not.toHaveProperty('memberOf');
  });

  it('a member id that is no user (a deleted user the target kept) is removed from a managed group, flagged, never from an unmanaged one', () => {
    const p = plan(
      desired([ann], { groups: [sg('Eng', ['ann'])] }),
      actual(
        [tu('ann')],
        [
          { id: '7', displayName: 'Eng', members: ['ann@x.com', '9f3e-gone'] },
          { id: '8', displayName: 'Hand-made', members: ['ann@x.com', '9f3e-gone'] },
        ],
      ),
      state(managed(ann), eng),
      rfc(),
    );
    expect(p.operations).toEqual([
      {
        kind: 'updateMembers',
        key: 'group:members:eng:1',
        reason: 'membership changed in source: 0 to add, 1 to remove (1 deleted, kept as members by the target)',
        groupName: 'Eng',
        group: { id: '7' },
        add: [],
        remove: [{ userName: '9f3e-gone', target: { id: '9f3e-gone' }, orphan: true }],
      },
    ]);
    expect(renderPlanText(p)).toContain('- 9f3e-gone (no such user: a deleted user the target kept)');
  });

  it('a nested group as a member is not taken for a kept deleted user', () => {
    const groups = [{ id: '7', displayName: 'Eng', members: ['ann@x.com', '9'] }, tg('9', 'Sub', [])];
    const p = plan(desired([ann], { groups: [sg('Eng', ['ann'])] }), actual([tu('ann')], groups), state(managed(ann), eng), rfc());
    expect(keys(p)).toEqual(['group:members:eng:1']);
    expect(p.operations[0]).toMatchObject({ remove: [{ userName: '9', target: { id: '9' } }] });
    expect(p.operations[0]).not.toHaveProperty('remove.0.orphan');
  });

  it.each(['amplitude', 'rfc'] as const)(
    '%s: once the target shows it keeps deleted users, a deleted user leaves its managed groups in the same plan',
    (profile) => {
      const pol = profile === 'rfc' ? rfc() : policy();
      // Some earlier delete left "old@x.com" behind in an unmanaged group: evidence enough.
      const p = plan(
        desired([ann], { groups: [sg('Eng', ['ann'])] }),
        actual(targets, [tg('7', 'Eng', ['ann', 'bob']), tg('8', 'Hand-made', ['old@x.com'])]),
        state(everyone, eng),
        pol,
      );
      expect(leaverOps(p).map((o) => o.key)).toEqual(['user:delete:bob@x.com', 'user:delete:cat@x.com', 'group:members:eng:1']);
      expect(members(p.operations.find((o) => o.kind === 'updateMembers'))).toEqual({ add: [], remove: ['bob@x.com'] });
      expect(p.operations.find((o) => o.key === 'user:delete:bob@x.com')).not.toHaveProperty('memberOf');
    },
  );
});
