import { describe, expect, it } from 'vitest';
import { orderOperations } from '../../../src/plan/order.js';
import type { PlannedOperation } from '../../../src/plan/types.js';
import { summarize } from '../../../src/plan/summary.js';

const A = { userName: 'a@x.com', givenName: 'A', familyName: 'B' };
const ref = (n: string) => ({ userName: n, target: { id: n } });
const OPS: PlannedOperation[] = [
  { kind: 'deleteGroup', key: 'group:delete:old', reason: '', name: 'old', target: { id: '1' } },
  { kind: 'updateMembers', key: 'group:members:eng:10', reason: '', groupName: 'Eng', group: { id: '2' }, add: [ref('a')], remove: [] },
  { kind: 'updateMembers', key: 'group:members:eng:2', reason: '', groupName: 'Eng', group: { id: '2' }, add: [ref('b')], remove: [ref('c'), ref('d')] },
  { kind: 'updateMembers', key: 'group:members:dev:1', reason: '', groupName: 'Dev', group: { createdBy: 'group:create:dev' }, add: [ref('e')], remove: [] },
  { kind: 'createGroup', key: 'group:create:dev', reason: '', name: 'Dev', members: [ref('f'), ref('g')] },
  {
    kind: 'updateUser',
    key: 'user:update:a@x.com',
    reason: '',
    sourceId: 'a',
    target: { id: 'a' },
    before: { givenName: null, familyName: null },
    attributes: A,
    hash: 'h',
  },
  { kind: 'createUser', key: 'user:create:z@x.com', reason: '', sourceId: 'z', attributes: A, hash: 'h' },
  { kind: 'createUser', key: 'user:create:b@x.com', reason: '', sourceId: 'b', attributes: A, hash: 'h' },
  { kind: 'deleteUser', key: 'user:delete:q@x.com', reason: '', sourceId: null, userName: 'q@x.com', target: { id: 'q' }, mode: 'delete' },
  { kind: 'adoptGroup', key: 'group:adopt:eng', reason: '', name: 'Eng', target: { id: '2' } },
  { kind: 'adoptUser', key: 'user:adopt:c@x.com', reason: '', sourceId: 'c', userName: 'c@x.com', target: { id: 'c' }, hash: 'h' },
];

describe('orderOperations', () => {
  it('orders by kind (adopt, delete, create, update, groups), then key, chunks numerically', () => {
    expect(orderOperations(OPS).map((o) => o.key)).toEqual([
      'user:adopt:c@x.com',
      'group:adopt:eng',
      'user:delete:q@x.com',
      'user:create:b@x.com',
      'user:create:z@x.com',
      'user:update:a@x.com',
      'group:create:dev',
      'group:members:dev:1',
      'group:members:eng:2',
      'group:members:eng:10',
      'group:delete:old',
    ]);
  });

  it('gives the same order whatever the input order, and leaves the input alone', () => {
    const reversed = [...OPS].reverse();
    expect(orderOperations(reversed)).toEqual(orderOperations(OPS));
    expect(reversed[0]?.key).toBe('user:adopt:c@x.com');
  });
});

describe('summarize', () => {
  it('counts each kind; members include createGroup inline; updateGroups counts groups, not chunks', () => {
    expect(summarize(OPS)).toEqual({
      createUsers: 2,
      updateUsers: 1,
      deleteUsers: 1,
      createGroups: 1,
      updateGroups: 2,
      deleteGroups: 1,
      addMembers: 5,
      removeMembers: 2,
      adoptUsers: 1,
      adoptGroups: 1,
    });
  });

  it('has exactly the contract keys', () => {
    expect(Object.keys(summarize([])).sort()).toEqual([
      'addMembers',
      'adoptGroups',
      'adoptUsers',
      'createGroups',
      'createUsers',
      'deleteGroups',
      'deleteUsers',
      'removeMembers',
      'updateGroups',
      'updateUsers',
    ]);
  });
});
