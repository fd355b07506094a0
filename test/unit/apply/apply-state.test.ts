import { describe, expect, it } from 'vitest';
import { TargetError } from '../../../src/errors.js';
import { recordApplied, recordAppliedBatch } from '../../../src/apply/apply-state.js';
import { computePlan } from '../../../src/plan/plan.js';
import type { PlannedOperation } from '../../../src/plan/types.js';
import { actual, CTX, desired, plan, policy, sg, state, su, tu, tg } from '../plan/fixtures.js';

const ann = su('ann');
const A = { userName: 'ann@x.com', givenName: 'Ann', familyName: 'Lee' };

describe('recordApplied', () => {
  it.each<{ name: string; op: PlannedOperation; result: { targetId?: string }; users?: object; groups?: object }>([
    {
      name: 'createUser records created ownership with the target id',
      op: { kind: 'createUser', key: 'k', reason: '', sourceId: 's1', attributes: A, hash: 'h1' },
      result: { targetId: 'T1' },
      users: { s1: { targetId: 'T1', userName: 'ann@x.com', pushedHash: 'h1', ownership: 'created' } },
    },
    {
      name: 'adoptUser records adopted ownership',
      op: { kind: 'adoptUser', key: 'k', reason: '', sourceId: 's1', userName: 'ann@x.com', target: { id: 'T1' }, hash: 'h0' },
      result: {},
      users: { s1: { targetId: 'T1', userName: 'ann@x.com', pushedHash: 'h0', ownership: 'adopted' } },
    },
    {
      name: 'createGroup records by lower-cased name',
      op: { kind: 'createGroup', key: 'k', reason: '', name: 'Eng', members: [] },
      result: { targetId: '42' },
      groups: { eng: { targetId: '42', displayName: 'Eng', ownership: 'created' } },
    },
    {
      name: 'adoptGroup records adopted',
      op: { kind: 'adoptGroup', key: 'k', reason: '', name: 'Eng', target: { id: '42' } },
      result: {},
      groups: { eng: { targetId: '42', displayName: 'Eng', ownership: 'adopted' } },
    },
  ])('$name', ({ op, result, users, groups }) => {
    const next = recordApplied(state(), op, result);
    expect(next.users).toEqual(users ?? {});
    expect(next.groups).toEqual(groups ?? {});
  });

  it('updateUser replaces pushedHash and keeps ownership; deleteUser and deleteGroup drop the record', () => {
    const s = state(
      { s1: { targetId: 'T1', userName: 'ann@x.com', pushedHash: 'old', ownership: 'adopted' } },
      { eng: { targetId: '42', displayName: 'Eng', ownership: 'created' } },
    );
    const updated = recordApplied(
      s,
      {
        kind: 'updateUser',
        key: 'k',
        reason: '',
        sourceId: 's1',
        target: { id: 'T1' },
        before: { givenName: null, familyName: null },
        attributes: A,
        hash: 'new',
      },
      {},
    );
    expect(updated.users['s1']).toEqual({ targetId: 'T1', userName: 'ann@x.com', pushedHash: 'new', ownership: 'adopted' });
    const deleted = recordApplied(
      updated,
      { kind: 'deleteUser', key: 'k', reason: '', sourceId: 's1', userName: 'ann@x.com', target: { id: 'T1' }, mode: 'delete' },
      {},
    );
    expect(deleted.users).toEqual({});
    const gone = recordApplied(deleted, { kind: 'deleteGroup', key: 'k', reason: '', name: 'ENG', target: { id: '42' } }, {});
    expect(gone.groups).toEqual({});
    // Pure: the inputs are unchanged.
    expect(s.users['s1']?.pushedHash).toBe('old');
    expect(s.groups['eng']).toBeDefined();
  });

  it('a delete of the old address keeps the record that already points at the new user', () => {
    const s = state({ s1: { targetId: 'new@x.com', userName: 'new@x.com', pushedHash: 'h', ownership: 'created' } });
    const next = recordApplied(
      s,
      { kind: 'deleteUser', key: 'k', reason: '', sourceId: 's1', userName: 'old@x.com', target: { id: 'old@x.com' }, mode: 'delete' },
      {},
    );
    expect(next.users['s1']?.targetId).toBe('new@x.com');
  });

  it('a create without a target id is a TargetError with a fix', () => {
    const op: PlannedOperation = { kind: 'createUser', key: 'user:create:ann@x.com', reason: '', sourceId: 's1', attributes: A, hash: 'h' };
    expect(() => recordApplied(state(), op, {})).toThrow(TargetError);
    expect(() => recordApplied(state(), op, { targetId: '' })).toThrow(/user:create:ann@x.com/);
  });

  it('a source id named __proto__ is stored as data, not as a prototype', () => {
    const next = recordApplied(state(), { kind: 'createUser', key: 'k', reason: '', sourceId: '__proto__', attributes: A, hash: 'h' }, { targetId: 'T' });
    expect(Object.keys(next.users)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(next.users)).toBe(Object.prototype);
  });

  it('applying a whole plan converges: the next plan is empty', () => {
    const d = desired([ann, su('bob')], { groups: [sg('Eng', ['ann', 'bob'])] });
    const first = plan(d, actual([tu('ann')]));
    const s1 = recordAppliedBatch(
      state(),
      first.operations.map((op) => ({
        op,
        result: { targetId: op.kind === 'createGroup' ? '9' : op.kind === 'createUser' ? op.attributes.userName : undefined },
      })),
    );
    // The target after apply: bob created, group created with both.
    const after = actual([tu('ann'), tu('bob')], [tg('9', 'Eng', ['ann', 'bob'])]);
    const second = computePlan(d, after, s1, policy(), CTX);
    expect(second.operations).toEqual([]);
    expect(s1.users['id-bob']?.ownership).toBe('created');
    expect(s1.users['id-ann']?.ownership).toBe('adopted');
  });
});
