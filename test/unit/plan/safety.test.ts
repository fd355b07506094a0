import { describe, expect, it } from 'vitest';
import { checkSafety } from '../../../src/plan/safety.js';
import { actual, desired, managed, plan, policy, state, su, tu } from './fixtures.js';

describe('checkSafety', () => {
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
    const v = checkSafety(deletes, managed, policy({ safety: { maxDeletes: max, maxDeletePercent: pct }, allowDeletes: allow }));
    expect(v.map((x) => x.rule)).toEqual(want);
    for (const x of v) expect(x.message).toContain(`re-run with --allow-deletes ${deletes} after checking the source`);
  });

  it('messages state the numbers', () => {
    const [count, percent] = checkSafety(30, 200, policy({ safety: { maxDeletes: 25, maxDeletePercent: 10 } }));
    expect(count).toMatchObject({ rule: 'maxDeletes', limit: 25, actual: 30 });
    expect(count?.message).toBe('The plan deletes 30 users, more than safety.maxDeletes (25); re-run with --allow-deletes 30 after checking the source.');
    expect(percent).toMatchObject({ rule: 'maxDeletePercent', limit: 10, actual: 15 });
    expect(percent?.message).toContain('30 of 200 managed users (15%)');
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
});
