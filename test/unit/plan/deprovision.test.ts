import { describe, expect, it } from 'vitest';
import type { PlanPolicy } from '../../../src/plan/types.js';
import { actual, desired, keys, managed, plan, policy, state, su, tu } from './fixtures.js';

const ann = su('ann');
const bob = su('bob');

describe('deprovisioning', () => {
  it.each([
    {
      name: 'managed user left the source: delete',
      users: [ann],
      targets: [tu('ann'), tu('bob')],
      records: managed(ann, bob),
      want: ['user:delete:bob@x.com'],
    },
    { name: 'unmanaged user not in source: untouched', users: [ann], targets: [tu('ann'), tu('bob')], records: managed(ann), want: [] },
    {
      name: 'manageAllUsers: any target user not in source is deleted',
      users: [ann],
      targets: [tu('ann'), tu('bob')],
      records: managed(ann),
      over: { manageAllUsers: true },
      want: ['user:delete:bob@x.com'],
    },
    {
      name: 'disabled in source and managed: delete',
      users: [ann, su('bob', { active: false })],
      targets: [tu('ann'), tu('bob')],
      records: managed(ann, bob),
      want: ['user:delete:bob@x.com'],
    },
    {
      name: 'disabled in source but unmanaged: untouched',
      users: [su('bob', { active: false })],
      targets: [tu('bob')],
      records: {},
      want: [],
    },
    {
      name: 'protected by exact email: never deleted',
      users: [],
      targets: [tu('bob')],
      records: managed(bob),
      over: { protect: ['BOB@x.com'] },
      want: [],
    },
    {
      name: 'protected by glob: never deleted, others are',
      users: [],
      targets: [tu('bob'), tu('ann', { id: 'ann@admins.x.com', userName: 'ann@admins.x.com' })],
      records: { ...managed(bob), [ann.sourceId]: { ...managed(ann)[ann.sourceId]!, targetId: 'ann@admins.x.com', userName: 'ann@admins.x.com' } },
      over: { protect: ['*@admins.x.com'] },
      want: ['user:delete:bob@x.com'],
    },
    { name: 'quarantined email: never deleted', users: [], targets: [tu('bob')], records: managed(bob), quarantined: ['bob@x.com'], want: [] },
    {
      name: 'quarantined with manageAllUsers: never deleted',
      users: [],
      targets: [tu('bob')],
      records: {},
      quarantined: ['bob@x.com'],
      over: { manageAllUsers: true },
      want: [],
    },
    { name: 'deprovision none: no op', users: [], targets: [tu('bob')], records: managed(bob), over: { deprovision: 'none' as const }, want: [] },
    { name: 'managed but already gone from the target: no op', users: [], targets: [], records: managed(bob), want: [] },
    {
      name: 'deactivate mode, already inactive in target: no op',
      users: [],
      targets: [tu('bob', { active: false })],
      records: managed(bob),
      over: { deprovision: 'deactivate' as const },
      want: [],
    },
    {
      name: 'two records pointing at one target: one delete',
      users: [],
      targets: [tu('bob')],
      records: { ...managed(bob), 'id-bob-2': managed(bob)[bob.sourceId]! },
      want: ['user:delete:bob@x.com'],
    },
    {
      name: 'recycled email claimed by a new source id: not deleted',
      users: [su('bob', { sourceId: 'id-new-bob' })],
      targets: [tu('bob')],
      records: managed(bob),
      want: ['user:adopt:bob@x.com'],
    },
    {
      name: 'duplicate row in source holds the user: not deleted even with manageAllUsers',
      users: [ann, su('ann2', { email: 'ann@x.com' }), su('bob', { sourceId: 'id-ann' })],
      targets: [tu('ann'), tu('bob')],
      records: managed(ann),
      over: { manageAllUsers: true },
      want: [],
    },
  ])('$name', ({ users, targets, records, over, quarantined, want }) => {
    const p = plan(desired(users, { quarantined: quarantined ?? [] }), actual(targets), state(records), policy((over ?? {}) as Partial<PlanPolicy>));
    expect(keys(p)).toEqual(want);
  });

  it.each([
    ['delete' as const, 'delete'],
    ['deactivate' as const, 'deactivate'],
  ])('mode %s is carried on the op with the reason', (deprovision, mode) => {
    const p = plan(desired([su('bob', { active: false })]), actual([tu('bob')]), state(managed(bob)), policy({ deprovision }));
    // A deactivation (a full-body PUT on Amplitude) carries the names the target showed.
    const names = mode === 'deactivate' ? { names: { givenName: 'Bob', familyName: 'Lee' } } : {};
    expect(p.operations).toEqual([
      {
        kind: 'deleteUser',
        key: 'user:delete:bob@x.com',
        reason: 'disabled in source',
        sourceId: 'id-bob',
        userName: 'bob@x.com',
        target: { id: 'bob@x.com' },
        mode,
        ...names,
      },
    ]);
  });

  it('manageAllUsers deletes carry no source id and say why', () => {
    const p = plan(desired([]), actual([tu('bob')]), state(), policy({ manageAllUsers: true, allowDeletes: 1 }));
    expect(p.operations[0]).toMatchObject({ kind: 'deleteUser', sourceId: null, reason: 'not in source (manageAllUsers)' });
  });

  it('counts what it leaves alone, by reason', () => {
    const p = plan(
      desired([], { quarantined: ['q@x.com'] }),
      actual([tu('ann'), tu('bob'), tu('q'), tu('boss'), tu('kept')]),
      state(managed(su('kept'))),
      policy({ protect: ['boss@x.com'], deprovision: 'none' }),
    );
    expect(p.untouched).toEqual({ keptUsers: 1, protectedUsers: 1, quarantinedUsers: 1, unmanagedUsers: 2 });
  });
});
