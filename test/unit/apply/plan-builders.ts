import type { MemberRef, Plan, PlannedOperation, TargetRef } from '../../../src/plan/types.js';
import { emptySummary } from '../../../src/plan/summary.js';

/** Small builders for hand-written plans (the executor reads only the plan, so tests write it directly). */
export function planOf(operations: readonly PlannedOperation[], blocked: Plan['blocked'] = []): Plan {
  return {
    formatVersion: 1,
    basis: {
      target: 'https://fake.example.test/scim/v2',
      configHash: 'c',
      stateLineage: 'l',
      stateSerial: 0,
      actualHash: 'a',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
    operations,
    summary: emptySummary(),
    skipped: [],
    blocked,
    held: [],
    untouched: {},
  };
}

export const createUser = (email: string): PlannedOperation => ({
  kind: 'createUser',
  key: `user:create:${email}`,
  reason: 'new in source',
  sourceId: `src-${email}`,
  attributes: { userName: email, givenName: 'Given', familyName: 'Family' },
  hash: `h-${email}`,
});

export const updateUser = (email: string, id: string): PlannedOperation => ({
  kind: 'updateUser',
  key: `user:update:${email}`,
  reason: 'name changed',
  sourceId: `src-${email}`,
  target: { id },
  before: { givenName: 'Old', familyName: 'Name' },
  attributes: { userName: email, givenName: 'New', familyName: 'Name' },
  hash: `h2-${email}`,
});

export const deleteUser = (email: string, id: string, mode: 'delete' | 'deactivate' = 'delete'): PlannedOperation => ({
  kind: 'deleteUser',
  key: `user:delete:${email}`,
  reason: 'left',
  sourceId: `src-${email}`,
  userName: email,
  target: { id },
  mode,
});

export const adoptUser = (email: string, id: string): PlannedOperation => ({
  kind: 'adoptUser',
  key: `user:adopt:${email}`,
  reason: 'exists in target',
  sourceId: `src-${email}`,
  userName: email,
  target: { id },
  hash: `h-${email}`,
});

/** A member created by this plan's createUser op. */
export const created = (email: string): MemberRef => ({ userName: email, target: { createdBy: `user:create:${email}` } });
export const existing = (email: string, id: string): MemberRef => ({ userName: email, target: { id } });

export const createGroup = (name: string, members: readonly MemberRef[]): PlannedOperation => ({
  kind: 'createGroup',
  key: `group:create:${name}`,
  reason: 'new group',
  name,
  members,
});

export const updateMembers = (name: string, group: TargetRef, add: readonly MemberRef[], remove: readonly MemberRef[] = []): PlannedOperation => ({
  kind: 'updateMembers',
  key: `group:members:${name}`,
  reason: 'membership changed',
  groupName: name,
  group,
  add,
  remove,
});

export const deleteGroup = (name: string, id: string): PlannedOperation => ({
  kind: 'deleteGroup',
  key: `group:delete:${name}`,
  reason: 'gone',
  name,
  target: { id },
});
