import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../../src/plan/render.js';
import type { PlannedOperation } from '../../../src/plan/types.js';
import { actual, desired, managed, plan, policy, sg, state, su, tg, tu } from './fixtures.js';

const ann = su('ann');
const bob = su('bob');
const cat = su('cat');
const dan = su('dan');

const AMPLITUDE_INVITES = policy({ inviteThroughGroups: true });

function creates(ops: readonly PlannedOperation[]): Record<string, readonly string[] | undefined> {
  const out: Record<string, readonly string[] | undefined> = {};
  for (const op of ops) if (op.kind === 'createUser') out[op.attributes.userName] = op.invitedThrough;
  return out;
}

describe('invites through groups (amplitude)', () => {
  it('a new user who joins a new or an existing group is invited by that group write; a user in no group is POSTed', () => {
    const d = desired([ann, bob, cat, dan], { groups: [sg('Sales', ['ann', 'bob']), sg('Eng', ['bob', 'cat'])] });
    // Eng exists and is managed; Sales is new. dan is in no group.
    const p = plan(d, actual([], [tg('7', 'Eng', [])]), state({}, { eng: { targetId: '7', displayName: 'Eng', ownership: 'created' } }), AMPLITUDE_INVITES);
    expect(creates(p.operations)).toEqual({
      'ann@x.com': ['Sales'],
      'bob@x.com': ['Eng', 'Sales'],
      'cat@x.com': ['Eng'],
      'dan@x.com': undefined,
    });
    // Still counted as users to create: the summary contract does not change meaning.
    expect(p.summary).toMatchObject({ createUsers: 4, createGroups: 1, updateGroups: 1, addMembers: 4 });
    const text = renderPlanText(p);
    expect(text).toContain('+ ann@x.com  create "Ann Lee" (new in source; invited through Sales)');
    expect(text).toContain('+ bob@x.com  create "Bob Lee" (new in source; invited through Eng, Sales)');
    expect(text).toMatch(/\+ dan@x\.com {2}create "Dan Lee" \(new in source\)\n/);
  });

  it('members beyond one request of a new group are invited by the chunk PATCH that carries them', () => {
    const users = ['a1', 'a2', 'a3'].map((n) => su(n));
    const p = plan(
      desired(users, { groups: [sg('Big', ['a1', 'a2', 'a3'])] }),
      actual([]),
      state(),
      policy({ inviteThroughGroups: true, maxMembersPerPatch: 2 }),
    );
    expect(creates(p.operations)).toEqual({ 'a1@x.com': ['Big'], 'a2@x.com': ['Big'], 'a3@x.com': ['Big'] });
    expect(p.operations.filter((o) => o.kind === 'updateMembers')).toHaveLength(1);
  });

  it('is off when the policy says so, and never on the rfc profile', () => {
    const d = desired([ann], { groups: [sg('Sales', ['ann'])] });
    expect(creates(plan(d, actual([]), state(), policy({ inviteThroughGroups: false })).operations)).toEqual({ 'ann@x.com': undefined });
    expect(creates(plan(d, actual([]), state(), policy()).operations)).toEqual({ 'ann@x.com': undefined });
    const rfc = policy({ inviteThroughGroups: true, profile: { name: 'rfc', sendsExternalId: true, deprovisionDropsMembers: false } });
    expect(creates(plan(d, actual([]), state(), rfc).operations)).toEqual({ 'ann@x.com': undefined });
  });

  it('existing users added to a group are not touched; an invited user is recorded like a created one', () => {
    const d = desired([ann, bob], { groups: [sg('Sales', ['ann', 'bob'])] });
    const p = plan(d, actual([tu('ann')]), state(managed(ann)), AMPLITUDE_INVITES);
    expect(p.operations.map((o) => o.key)).toEqual(['user:create:bob@x.com', 'group:create:sales']);
    const create = p.operations[0];
    expect(create?.kind === 'createUser' && create.invitedThrough).toEqual(['Sales']);
  });
});
