import { describe, expect, it } from 'vitest';
import { hashUserAttributes } from '../../../src/model/hash.js';
import type { PlannedOperation } from '../../../src/plan/types.js';
import { actual, desired, keys, managed, plan, policy, rec, state, su, tu } from './fixtures.js';

const ann = su('ann');
const hashOf = (u: ReturnType<typeof su>, externalId?: string) =>
  hashUserAttributes({ userName: u.email, givenName: u.givenName, familyName: u.familyName, externalId });

function op<K extends PlannedOperation['kind']>(ops: readonly PlannedOperation[], kind: K): Extract<PlannedOperation, { kind: K }> {
  const found = ops.find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} op`);
  return found as Extract<PlannedOperation, { kind: K }>;
}

describe('users: create, adopt, update', () => {
  it.each([
    { name: 'new user is created', users: [ann], targets: [], records: {}, want: ['user:create:ann@x.com'] },
    { name: 'in sync: nothing to do', users: [ann], targets: [tu('ann')], records: managed(ann), want: [] },
    { name: 'existing unmanaged user is adopted, never re-created', users: [ann], targets: [tu('ann')], records: {}, want: ['user:adopt:ann@x.com'] },
    {
      name: 'adopted user whose known names differ: adopt + update',
      users: [ann],
      targets: [tu('ann', { givenName: 'Anna' })],
      records: {},
      want: ['user:adopt:ann@x.com', 'user:update:ann@x.com'],
    },
    {
      name: 'adopting a pending user (placeholders) is no update',
      users: [ann],
      targets: [tu('ann', { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' })],
      records: {},
      want: ['user:adopt:ann@x.com'],
    },
    {
      name: 'pending user already pushed: placeholders are not drift',
      users: [ann],
      targets: [tu('ann', { givenName: 'NO_GIVEN_NAME', familyName: null })],
      records: managed(ann),
      want: [],
    },
    {
      name: 'pending user whose source name changed since the push: update',
      users: [su('ann', { familyName: 'Smith' })],
      targets: [tu('ann', { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' })],
      records: managed(ann),
      want: ['user:update:ann@x.com'],
    },
    {
      name: 'name edited by hand in the target: update back',
      users: [ann],
      targets: [tu('ann', { familyName: 'Hacked' })],
      records: managed(ann),
      want: ['user:update:ann@x.com'],
    },
    { name: 'disabled in source and not in target: never created', users: [su('ann', { active: false })], targets: [], records: {}, want: [] },
    { name: 'quarantined: not created', users: [ann], targets: [], records: {}, quarantined: ['ann@x.com'], want: [] },
    {
      name: 'quarantined: not updated',
      users: [su('ann', { givenName: 'X' })],
      targets: [tu('ann')],
      records: managed(ann),
      quarantined: ['ann@x.com'],
      want: [],
    },
    {
      name: 'protected: never adopted nor updated',
      users: [ann],
      targets: [tu('ann', { givenName: 'Boss' })],
      records: {},
      protect: ['*@x.com'],
      want: [],
    },
    {
      name: 'protected and managed (adopted before it was protected): never updated',
      users: [su('ann', { givenName: 'New' })],
      targets: [tu('ann')],
      records: managed(ann),
      protect: ['ANN@x.com'],
      want: [],
    },
    { name: 'protected and not in the target: never created', users: [ann], targets: [], records: {}, protect: ['ann@x.com'], want: [] },
    {
      name: 'inactive in target (rfc deactivate): update with reactivate',
      users: [ann],
      targets: [tu('ann', { active: false })],
      records: managed(ann),
      want: ['user:update:ann@x.com'],
    },
  ])('$name', ({ users, targets, records, quarantined, protect, want }) => {
    const p = plan(desired(users, { quarantined: quarantined ?? [] }), actual(targets), state(records), policy({ protect: protect ?? [] }));
    expect(keys(p)).toEqual(want);
  });

  it('createUser carries the attributes and their hash; reason "new in source"', () => {
    const p = plan(desired([ann]), actual([]));
    const c = op(p.operations, 'createUser');
    expect(c).toMatchObject({ sourceId: 'id-ann', attributes: { userName: 'ann@x.com', givenName: 'Ann', familyName: 'Lee' }, reason: 'new in source' });
    expect(c.hash).toBe(hashOf(ann));
    expect(c.attributes.externalId).toBeUndefined();
  });

  it('sends externalId (the source id) only when the profile does, and compares it', () => {
    const rfc = policy({ profile: { name: 'rfc', sendsExternalId: true, deprovisionDropsMembers: false } });
    const c = op(plan(desired([ann]), actual([]), state(), rfc).operations, 'createUser');
    expect(c.attributes.externalId).toBe('id-ann');
    const records = { [ann.sourceId]: rec(ann, { pushedHash: hashOf(ann, 'id-ann') }) };
    expect(keys(plan(desired([ann]), actual([tu('ann', { externalId: 'id-ann' })]), state(records), rfc))).toEqual([]);
    const drifted = plan(desired([ann]), actual([tu('ann', { externalId: 'other' })]), state(records), rfc);
    expect(op(drifted.operations, 'updateUser').reason).toBe('externalId changed: other → id-ann');
  });

  it('updateUser says what changed, with before → after', () => {
    const p = plan(desired([su('ann', { givenName: 'Anne' })]), actual([tu('ann')]), state(managed(ann)));
    const u = op(p.operations, 'updateUser');
    expect(u.reason).toBe('name changed: "Ann Lee" → "Anne Lee"');
    expect(u.before).toEqual({ givenName: 'Ann', familyName: 'Lee' });
    expect(u.attributes.givenName).toBe('Anne');
    expect(u.target).toEqual({ id: 'ann@x.com' });
    expect(u.reactivate).toBeUndefined();
  });

  it('a pending user updated from the pushed hash shows unknown names as null', () => {
    const target = tu('ann', { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' });
    const p = plan(desired([su('ann', { givenName: 'Anne' })]), actual([target]), state(managed(ann)));
    const u = op(p.operations, 'updateUser');
    expect(u.before).toEqual({ givenName: null, familyName: null });
    expect(u.reason).toContain('the target shows placeholder names');
  });

  it('adoptUser records the found attributes when an update follows, the desired ones otherwise', () => {
    const drift = plan(desired([ann]), actual([tu('ann', { givenName: 'Anna' })]));
    expect(op(drift.operations, 'adoptUser').hash).toBe(hashUserAttributes({ userName: 'ann@x.com', givenName: 'Anna', familyName: 'Lee' }));
    expect(op(drift.operations, 'updateUser').hash).toBe(hashOf(ann));
    const clean = plan(desired([ann]), actual([tu('ann')]));
    expect(op(clean.operations, 'adoptUser')).toMatchObject({ hash: hashOf(ann), target: { id: 'ann@x.com' }, userName: 'ann@x.com' });
  });

  it('reactivation is flagged on the update', () => {
    const p = plan(desired([ann]), actual([tu('ann', { active: false })]), state(managed(ann)));
    expect(op(p.operations, 'updateUser')).toMatchObject({ reactivate: true, reason: 'inactive in target: reactivate' });
  });
});

describe('users: email change', () => {
  const moved = su('ann', { email: 'ann.lee@x.com' });
  it.each([
    {
      name: 'delete-old: delete old + create new',
      onEmailChange: 'delete-old' as const,
      targets: [tu('ann')],
      want: ['user:delete:ann@x.com', 'user:create:ann.lee@x.com'],
    },
    { name: 'keep-old: only create new', onEmailChange: 'keep-old' as const, targets: [tu('ann')], want: ['user:create:ann.lee@x.com'] },
    {
      name: 'new email already exists: delete old + adopt new',
      onEmailChange: 'delete-old' as const,
      targets: [tu('ann'), tu('ann.lee', { givenName: 'Ann' })],
      want: ['user:adopt:ann.lee@x.com', 'user:delete:ann@x.com'],
    },
  ])('$name', ({ onEmailChange, targets, want }) => {
    const p = plan(desired([moved]), actual(targets), state(managed(ann)), policy({ onEmailChange }));
    expect(keys(p)).toEqual(want);
  });

  it('reasons name both addresses', () => {
    const p = plan(desired([moved]), actual([tu('ann')]), state(managed(ann)));
    expect(op(p.operations, 'deleteUser').reason).toBe('email changed to ann.lee@x.com');
    expect(op(p.operations, 'createUser').reason).toBe('email changed from ann@x.com');
  });
});
