import { describe, expect, it } from 'vitest';
import { computePlan, hasPendingChanges } from '../../../src/plan/plan.js';
import type { Plan } from '../../../src/plan/types.js';
import { actual, CTX, desired, keys, managed, plan, policy, sg, state, su, tu, tg } from './fixtures.js';
import { buildScaleInputs } from './scale-inputs.js';

const ann = su('ann');
const bob = su('bob');

function scenario(): Plan {
  return plan(
    desired([su('ann', { familyName: 'Smith' }), su('cat'), su('dan'), su('eve', { email: 'eve.new@x.com' }), su('fay', { active: false })], {
      groups: [sg('Eng', ['ann', 'cat', 'dan']), sg('Ops', ['dan', 'eve.new@x.com'])],
      skipped: [{ entry: 'users.csv:9', reason: 'invalid email' }],
      quarantined: ['gus@x.com'],
    }),
    actual(
      [tu('ann'), tu('bob'), tu('dan'), tu('eve'), tu('fay'), tu('gus'), tu('root')],
      [tg('7', 'Eng', ['ann', 'bob', 'root']), tg('8', 'Old', ['ann']), tg('9', 'Admins', ['root'])],
    ),
    state(managed(ann, bob, su('eve'), su('fay'), su('gus')), {
      eng: { targetId: '7', displayName: 'Eng', ownership: 'created' },
      old: { targetId: '8', displayName: 'Old', ownership: 'adopted' },
    }),
    policy({ protect: ['root@x.com'] }),
  );
}

describe('computePlan', () => {
  it('puts every rule together in the documented order', () => {
    expect(keys(scenario())).toEqual([
      'user:adopt:dan@x.com',
      'user:delete:bob@x.com',
      'user:delete:eve@x.com',
      'user:delete:fay@x.com',
      'user:create:cat@x.com',
      'user:create:eve.new@x.com',
      'user:update:ann@x.com',
      'group:create:ops',
      'group:members:eng:1',
      'group:delete:old',
    ]);
  });

  it('summarises, counts what it leaves alone, and records its basis', () => {
    const p = scenario();
    expect(p.summary).toEqual({
      createUsers: 2,
      updateUsers: 1,
      deleteUsers: 3,
      createGroups: 1,
      updateGroups: 1,
      deleteGroups: 1,
      addMembers: 4,
      removeMembers: 0,
      adoptUsers: 1,
      adoptGroups: 0,
    });
    expect(p.untouched).toEqual({ protectedUsers: 1, quarantinedUsers: 1, unmanagedGroups: 1 });
    expect(p.skipped).toEqual([{ entry: 'users.csv:9', reason: 'invalid email' }]);
    expect(p.basis).toEqual({ target: CTX.target, configHash: 'cfg', stateLineage: 'lin-1', stateSerial: 7, actualHash: 'act', createdAt: CTX.createdAt });
    expect(p.formatVersion).toBe(1);
  });

  it('is deterministic: shuffled inputs give a byte-identical plan', () => {
    const users = [ann, bob, su('cat'), su('dan')];
    const targets = [tu('ann'), tu('zed'), tu('dan', { givenName: 'Danny' })];
    const groups = [sg('Eng', ['ann', 'cat']), sg('Ops', ['dan', 'bob'])];
    const a = plan(desired(users, { groups }), actual(targets), state(managed(ann)));
    const b = plan(
      desired([...users].reverse(), { groups: [...groups].reverse().map((g) => ({ ...g, members: [...g.members].reverse() })) }),
      actual([...targets].reverse()),
      state(managed(ann)),
    );
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('skipped lists the source entries first, then duplicates and excluded groups the plan found', () => {
    const p = computePlan(
      desired([ann, su('ann2', { email: 'ann@x.com', origin: 'users.csv:5' })], {
        groups: [sg('Eng-test', ['ann'])],
        skipped: [{ entry: 'users.csv:3', reason: 'invalid email' }],
      }),
      actual([]),
      state(),
      policy({ groups: { enabled: true, include: ['*'], exclude: ['*-test'] } }),
      CTX,
    );
    expect(p.skipped).toEqual([
      { entry: 'users.csv:3', reason: 'invalid email' },
      { entry: 'users.csv:5', reason: 'duplicate email ann@x.com (also users.csv:ann)', email: 'ann@x.com', sourceId: 'id-ann2' },
      { entry: 'Eng-test', reason: 'excluded by sync.groups include/exclude' },
    ]);
    expect(keys(p)).toEqual(['user:create:ann@x.com']);
  });

  it('never deletes anything when the state file was lost', () => {
    const p = plan(desired([]), actual([tu('ann'), tu('bob')], [tg('7', 'Eng', ['ann'])]), state());
    expect(p.operations).toEqual([]);
    expect(p.untouched).toEqual({ unmanagedGroups: 1, unmanagedUsers: 2 });
  });

  it('a second run after a faithful apply has nothing pending', () => {
    expect(keys(plan(desired([ann]), actual([tu('ann')]), state(managed(ann))))).toEqual([]);
  });
});

describe('hasPendingChanges', () => {
  it.each([
    [[], [], {}, false],
    [[ann], [tu('ann')], {}, false], // adopt only: state, no request
    [[ann], [], {}, true],
    [[], [tu('ann')], managed(ann), true],
  ] as const)('case %#', (users, targets, records, want) => {
    expect(hasPendingChanges(plan(desired([...users]), actual([...targets]), state({ ...records })))).toBe(want);
  });
});

describe('scale', () => {
  it('plans 20,000 users / 200 groups / 100,000 memberships with exactly the expected churn', () => {
    const n = 20_000;
    const i = buildScaleInputs(n, 200, 100_000);
    const p = computePlan(i.desired, i.actual, i.state, policy({ allowDeletes: n }), CTX);
    // scale-inputs: every 50th user is new, 1 in 100 left, 1 in 100 renamed; pending users need nothing.
    expect(p.summary.createUsers).toBe(n / 50);
    expect(p.summary.deleteUsers).toBe(n / 100);
    expect(p.summary.updateUsers).toBe(n / 100);
    expect(p.summary.adoptUsers).toBe(0);
    expect(p.operations.length).toBeLessThan(n / 10);
    expect(p.blocked).toEqual([]);
  });
});
