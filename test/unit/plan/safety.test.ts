import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { checkSafety, liftGuard, type GuardCounts } from '../../../src/plan/safety.js';
import type { GroupRecord } from '../../../src/state/types.js';
import { actual, desired, managed, plan, policy, sg, state, su, tg, tu } from './fixtures.js';

const NONE: GuardCounts = { userDeletes: 0, managedUsers: 0, groupDeletes: 0, memberRemovals: 0, managedMemberships: 0 };
const counts = (over: Partial<GuardCounts>): GuardCounts => ({ ...NONE, ...over });

describe('checkSafety: users', () => {
  it.each([
    { deletes: 0, managed: 0, max: 0, pct: 0, allow: 0, want: [] },
    { deletes: 5, managed: 50, max: 5, pct: 10, allow: 0, want: [] },
    { deletes: 6, managed: 50, max: 5, pct: 10, allow: 0, want: ['maxDeletes', 'maxDeletePercent'] },
    { deletes: 6, managed: 1000, max: 5, pct: 10, allow: 0, want: ['maxDeletes'] },
    { deletes: 3, managed: 10, max: 25, pct: 10, allow: 0, want: ['maxDeletePercent'] },
    { deletes: 1, managed: 0, max: 25, pct: 10, allow: 0, want: ['maxDeletePercent'] },
    { deletes: 6, managed: 50, max: 5, pct: 10, allow: 6, want: [] },
    { deletes: 6, managed: 50, max: 5, pct: 10, allow: 5, want: ['maxDeletes', 'maxDeletePercent'] },
  ])('$deletes of $managed, maxDeletes $max, $pct%, allow $allow → $want', ({ deletes, managed, max, pct, allow, want }) => {
    const v = checkSafety(
      counts({ userDeletes: deletes, managedUsers: managed }),
      policy({ safety: { maxDeletes: max, maxDeletePercent: pct }, allowDeletes: allow }),
    );
    expect(v.map((x) => x.rule)).toEqual(want);
    for (const x of v) expect(x.message).toContain(`re-run with --allow-deletes ${deletes} after checking the source`);
  });

  it('messages state the numbers', () => {
    const [count, percent] = checkSafety(counts({ userDeletes: 30, managedUsers: 200 }), policy({ safety: { maxDeletes: 25, maxDeletePercent: 10 } }));
    expect(count).toMatchObject({ rule: 'maxDeletes', limit: 25, actual: 30, count: 30 });
    expect(count?.message).toBe('The plan deletes 30 users, more than safety.maxDeletes (25); re-run with --allow-deletes 30 after checking the source.');
    expect(percent).toMatchObject({ rule: 'maxDeletePercent', limit: 10, actual: 15, count: 30 });
    expect(percent?.message).toContain('30 of 200 managed users (15%)');
  });
});

describe('checkSafety: groups and members', () => {
  const limits = { maxGroupDeletes: 2, maxMemberRemovals: 10, maxMemberRemovalPercent: 20 };

  it('group deletions and member removals are counted, each rule named with its numbers', () => {
    const v = checkSafety(counts({ groupDeletes: 3, memberRemovals: 30, managedMemberships: 100 }), policy({ safety: limits }));
    expect(v.map((x) => [x.rule, x.limit, x.actual, x.count])).toEqual([
      ['maxGroupDeletes', 2, 3, 3],
      ['maxMemberRemovals', 10, 30, 30],
      ['maxMemberRemovalPercent', 20, 30, 30],
    ]);
    expect(v[0]?.message).toBe(
      "The plan deletes 3 groups, more than safety.maxGroupDeletes (2); a deleted group revokes its members' access through it; re-run with --allow-deletes 30 after checking the source.",
    );
    expect(v[1]?.message).toBe(
      'The plan removes 30 group members, more than safety.maxMemberRemovals (10); re-run with --allow-deletes 30 after checking the source.',
    );
    expect(v[2]?.message).toBe(
      'The plan removes 30 of 100 members of managed groups (30%), more than safety.maxMemberRemovalPercent (20%); re-run with --allow-deletes 30 after checking the source.',
    );
  });

  it('within every limit: nothing blocked (the percentage is exact: 20% of 50 allows 10)', () => {
    expect(checkSafety(counts({ groupDeletes: 2, memberRemovals: 10, managedMemberships: 50 }), policy({ safety: limits }))).toEqual([]);
  });

  it('--allow-deletes N lifts each rule whose count is at most N, and only those', () => {
    const c = counts({ userDeletes: 4, managedUsers: 10, groupDeletes: 3, memberRemovals: 30, managedMemberships: 100 });
    const p = policy({ safety: { ...limits, maxDeletes: 1, maxDeletePercent: 10 } });
    const all = checkSafety(c, p);
    expect(all.map((v) => v.rule)).toEqual(['maxDeletes', 'maxDeletePercent', 'maxGroupDeletes', 'maxMemberRemovals', 'maxMemberRemovalPercent']);
    expect(checkSafety(c, { ...p, allowDeletes: 4 }).map((v) => v.rule)).toEqual(['maxMemberRemovals', 'maxMemberRemovalPercent']);
    expect(liftGuard(all, 3).map((v) => v.rule)).toEqual(['maxDeletes', 'maxDeletePercent', 'maxMemberRemovals', 'maxMemberRemovalPercent']);
    expect(liftGuard(all, 30)).toEqual([]);
  });
});

describe('safety in computePlan', () => {
  const users = Array.from({ length: 10 }, (_, i) => su(`u${i}`));
  const targets = users.map((u) => tu(u.email.split('@')[0]!));
  const s = state(managed(...users));

  it('a source that lost 4 of 10 managed users is blocked at 30%, operations still listed', () => {
    const p = plan(desired(users.slice(4)), actual(targets), s, policy({ safety: { maxDeletes: 25, maxDeletePercent: 30 } }));
    expect(p.summary.deleteUsers).toBe(4);
    expect(p.blocked.map((b) => b.rule)).toEqual(['maxDeletePercent']);
  });

  it('--allow-deletes 4 unblocks it', () => {
    const p = plan(desired(users.slice(4)), actual(targets), s, policy({ safety: { maxDeletes: 25, maxDeletePercent: 30 }, allowDeletes: 4 }));
    expect(p.blocked).toEqual([]);
  });

  it('managed counts only records whose target still exists', () => {
    // 10 records, 5 targets gone: deleting 1 of the 5 left is 20%.
    const p = plan(desired(users.slice(1, 5)), actual(targets.slice(0, 5)), s, policy({ safety: { maxDeletes: 25, maxDeletePercent: 19 } }));
    expect(p.blocked[0]).toMatchObject({ rule: 'maxDeletePercent', actual: 20 });
  });

  const grec = (id: string, name: string): GroupRecord => ({ targetId: id, displayName: name, ownership: 'created' });
  const names = ['A', 'B', 'C', 'D'];
  const groupState = state(managed(...users), Object.fromEntries(names.map((n, i) => [n.toLowerCase(), grec(String(i + 1), n)])));
  const targetGroups = names.map((n, i) => tg(String(i + 1), n, ['u0', 'u1']));

  it('group deletions are guarded even with the user limits at 0', () => {
    // Only group A is left in the source: B, C, D would go.
    const p = plan(
      desired(users, { groups: [sg('A', ['u0', 'u1'])] }),
      actual(targets, targetGroups),
      groupState,
      policy({ safety: { maxDeletes: 0, maxDeletePercent: 0, maxGroupDeletes: 2 } }),
    );
    expect(p.summary).toMatchObject({ deleteUsers: 0, deleteGroups: 3 });
    expect(p.blocked.map((b) => [b.rule, b.count])).toEqual([['maxGroupDeletes', 3]]);
  });

  it('mass member removals are guarded: a group emptied in the source', () => {
    const p = plan(
      desired(users, { groups: names.map((n) => sg(n, n === 'A' ? [] : ['u0', 'u1'])) }),
      actual(targets, targetGroups),
      groupState,
      policy({ safety: { maxMemberRemovals: 10, maxMemberRemovalPercent: 20 } }),
    );
    // 2 of the 8 members of managed groups: 25%.
    expect(p.summary.removeMembers).toBe(2);
    expect(p.blocked.map((b) => [b.rule, b.actual])).toEqual([['maxMemberRemovalPercent', 25]]);
  });

  it('a source with zero groups while scimsync manages groups is an error, never deletions', () => {
    const run = () => plan(desired(users), actual(targets, targetGroups), groupState);
    expect(run).toThrow(SourceError);
    expect(run).toThrow("the source has no groups while scimsync manages 4 groups in the target: refusing to treat that as 'every group left'");
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ code: 'SCIMSYNC_SOURCE_INVALID', fix: expect.stringContaining('sync.groups.enabled: false') as unknown as string });
    }
  });

  it('zero source groups is fine when no managed group is left in the target, or groups are not synced', () => {
    expect(plan(desired(users), actual(targets, targetGroups), state(managed(...users))).operations).toEqual([]);
    expect(plan(desired(users), actual(targets, []), groupState).operations).toEqual([]);
    expect(
      plan(desired(users), actual(targets, targetGroups), groupState, policy({ groups: { enabled: false, include: ['*'], exclude: [] } })).operations,
    ).toEqual([]);
  });
});
