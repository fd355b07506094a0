import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../src/plan/plan.js';
import { planToJson, renderPlanText } from '../../../src/plan/render.js';
import type { Plan, PlanPolicy } from '../../../src/plan/types.js';
import { CTX, policy } from './fixtures.js';
import { buildGoldenInputs } from './golden-inputs.js';

/**
 * Golden plans: the hashes below were taken from the plan core before it was restructured for speed (issue
 * 11/12). Any change to a byte of the JSON or text output of these plans fails here: a change that is meant
 * must say so by updating the hash, with the reason in the commit.
 */
const PROTECT = ['*@admins.example.com', 'user15@example.com'];
const RFC = { name: 'rfc', sendsExternalId: true, deprovisionDropsMembers: false } as const;
const VARIANTS: Record<string, PlanPolicy> = {
  amplitude: policy({ protect: PROTECT, groups: { enabled: true, include: ['*'], exclude: ['excluded *'] }, inviteThroughGroups: true }),
  'amplitude, manageAllUsers, deactivate, keep-old': policy({
    protect: PROTECT,
    manageAllUsers: true,
    deprovision: 'deactivate',
    onEmailChange: 'keep-old',
    maxMembersPerPatch: 7,
  }),
  'rfc, delete': policy({ protect: PROTECT, profile: RFC, groups: { enabled: true, include: ['group *'], exclude: [] }, maxMembersPerPatch: 50 }),
  'rfc, delete, no orphans': policy({ protect: PROTECT, profile: RFC }),
  'rfc, deactivate, manageAllUsers': policy({ protect: PROTECT, profile: RFC, deprovision: 'deactivate', manageAllUsers: true, safety: { maxDeletes: 5 } }),
  'rfc, none, groups off': policy({ profile: RFC, deprovision: 'none', groups: { enabled: false, include: [], exclude: [] } }),
};

function digest(p: Plan): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(planToJson(p)));
  h.update('\n--\n');
  h.update(renderPlanText(p, { color: false }));
  return h.digest('hex').slice(0, 32);
}

const planOf = (name: string): Plan => {
  const pol = VARIANTS[name]!;
  const i = buildGoldenInputs(10_000, pol.profile.name, !name.includes('no orphans'));
  return computePlan(i.desired, i.actual, i.state, pol, CTX);
};

/** Taken on main (01d1bbd) before the plan core was split and sped up. */
const GOLDEN: Record<string, string> = {
  amplitude: 'd0cba088d3c85e73040cd917ef557ecf',
  'amplitude, manageAllUsers, deactivate, keep-old': '2941324b66fc73059f9257a4ebf22365',
  'rfc, delete': 'b566ae8aae796551b779046dd0ba180d',
  'rfc, delete, no orphans': '8adcf9a77653e7ecc9f2b283d33e6ed6',
  'rfc, deactivate, manageAllUsers': '3688ffb541320c9f33a2e1015814da85',
  'rfc, none, groups off': '9365a1c3696cafa5a57a711737b10596',
};

const count = (p: Plan, pick: (op: Plan['operations'][number]) => boolean): number => p.operations.filter(pick).length;

describe('golden plans over a 10,000-user mixed dataset', () => {
  it.each(Object.keys(VARIANTS))('%s: byte-identical to the plan before the rewrite', (name) => {
    expect(digest(planOf(name))).toBe(GOLDEN[name]);
  });

  it('the dataset exercises every rule, so the hashes above guard all of them', () => {
    const amp = planOf('amplitude');
    for (const [key, n] of Object.entries(amp.summary)) expect([key, n > 0]).toEqual([key, true]);
    expect(amp.held.length).toBeGreaterThan(0);
    expect(amp.blocked.length).toBeGreaterThan(0);
    expect(Object.keys(amp.untouched).sort()).toEqual([
      'groupsWithProtectedMembers',
      'protectedUsers',
      'quarantinedUsers',
      'unmanagedGroups',
      'unmanagedUsers',
    ]);
    const reasons = new Set(amp.skipped.map((e) => e.reason.replace(/ .*/s, '')));
    expect([...reasons].sort()).toEqual(['duplicate', 'excluded', 'member', 'status', 'target']);
    expect(count(amp, (op) => op.kind === 'createUser' && op.invitedThrough !== undefined)).toBeGreaterThan(0);
    expect(count(planOf('rfc, delete'), (op) => op.kind === 'updateMembers' && op.remove.some((m) => m.orphan === true))).toBeGreaterThan(0);
    expect(count(planOf('rfc, delete, no orphans'), (op) => op.kind === 'deleteUser' && op.memberOf !== undefined)).toBeGreaterThan(0);
    const rfc = planOf('rfc, deactivate, manageAllUsers');
    expect(count(rfc, (op) => op.kind === 'updateUser' && op.reactivate === true)).toBeGreaterThan(0);
    expect(count(rfc, (op) => op.kind === 'updateMembers' && op.key.endsWith(':2'))).toBeGreaterThan(0);
  });
});
