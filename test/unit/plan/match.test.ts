import { describe, expect, it } from 'vitest';
import { indexTargetUsers, matchUsers, resolveTargetUser } from '../../../src/plan/match.js';
import { rec, state, su, tu } from './fixtures.js';

const ann = su('ann');
const bob = su('bob');

describe('matchUsers', () => {
  it.each([
    {
      name: 'state record wins: matched by recorded target id',
      users: [ann],
      targets: [tu('ann', { id: 'T-ann' })],
      records: { [ann.sourceId]: rec(ann, { targetId: 'T-ann' }) },
      want: [['matched', 'ann@x.com', 'T-ann']],
    },
    {
      name: 'no record: same userName (case-folded) is adopted',
      users: [ann],
      targets: [tu('ann', { id: 'T1', userName: 'ANN@X.com' })],
      records: {},
      want: [['adopt', 'ann@x.com', 'T1']],
    },
    {
      name: 'record whose target is gone, but a user with the userName exists: adopted',
      users: [ann],
      targets: [tu('ann', { id: 'T-new' })],
      records: { [ann.sourceId]: rec(ann, { targetId: 'T-old' }) },
      want: [['adopt', 'ann@x.com', 'T-new']],
    },
    {
      name: 'nothing in target: create',
      users: [ann],
      targets: [],
      records: {},
      want: [['create', 'ann@x.com', null]],
    },
    {
      name: 'email change: the old record does not match, the new email is created',
      users: [su('ann', { email: 'ann.lee@x.com' })],
      targets: [tu('ann')],
      records: { [ann.sourceId]: rec(ann) },
      want: [['create', 'ann.lee@x.com', null]],
    },
    {
      name: 'a recycled email: a new source id takes over the target of a departed one',
      users: [su('ann', { sourceId: 'id-new' })],
      targets: [tu('ann')],
      records: { [ann.sourceId]: rec(ann) },
      want: [['adopt', 'ann@x.com', 'ann@x.com']],
    },
    {
      name: 'disabled users are never matched (so never created)',
      users: [su('ann', { active: false }), bob],
      targets: [tu('ann')],
      records: {},
      want: [['create', 'bob@x.com', null]],
    },
  ])('$name', ({ users, targets, records, want }) => {
    const m = matchUsers(users, indexTargetUsers(targets), state(records), new Set());
    expect(m.matches.map((x) => [x.kind, x.user.email, x.kind === 'create' ? null : x.target.id])).toEqual(want);
  });

  it('leaves quarantined users out entirely, and remembers them by source id', () => {
    const m = matchUsers([ann, bob], indexTargetUsers([tu('ann')]), state(), new Set(['ann@x.com']));
    expect(m.matches.map((x) => x.user.email)).toEqual(['bob@x.com']);
    expect(m.claimed.has('ann@x.com')).toBe(false);
    expect(m.bySourceId.get('id-ann')).toBe(ann);
  });

  it('skips a duplicate email and a duplicate source id with the other origin, and holds them', () => {
    const dupEmail = su('ann2', { email: 'ann@x.com', origin: 'users.csv:9' });
    const dupId = su('carl', { sourceId: 'id-bob', origin: 'users.csv:10' });
    const m = matchUsers([ann, bob, dupEmail, dupId], indexTargetUsers([]), state(), new Set());
    expect(m.matches.map((x) => x.user.email)).toEqual(['ann@x.com', 'bob@x.com']);
    expect(m.skipped).toEqual([
      { entry: 'users.csv:9', reason: 'duplicate email ann@x.com (also users.csv:ann)', email: 'ann@x.com', sourceId: 'id-ann2' },
      { entry: 'users.csv:10', reason: 'duplicate source id id-bob (also users.csv:bob)', email: 'carl@x.com', sourceId: 'id-bob' },
    ]);
    expect([...m.held].sort()).toEqual(['id-ann2', 'id-bob']);
    expect(m.heldEmails.has('carl@x.com')).toBe(true);
    // The first entry wins in every index, whichever duplicate comes first (the first pass gives up at one).
    expect(m.bySourceId.get('id-bob')).toBe(bob);
    expect([m.activeByEmail.get('ann@x.com'), m.active]).toEqual([0, [ann, bob]]);
    const late = matchUsers([ann, bob, dupId], indexTargetUsers([]), state(), new Set());
    expect([late.bySourceId.get('id-bob'), late.skipped.length, late.matches.length]).toEqual([bob, 1, 2]);
  });

  it('a state match beats another user claiming the same target by userName', () => {
    // State says bob's target is T1 even though T1's userName is ann's email (a renamed rfc user).
    const targets = [tu('ann', { id: 'T1' })];
    const records = { [bob.sourceId]: rec(bob, { targetId: 'T1' }) };
    const m = matchUsers([ann, bob], indexTargetUsers(targets), state(records), new Set());
    expect(m.matches.map((x) => [x.kind, x.user.email])).toEqual([['matched', 'bob@x.com']]);
    expect(m.skipped[0]?.reason).toBe('target user ann@x.com is already matched to another source id');
  });

  it('looks records up as own properties only (a source id may be "constructor")', () => {
    const odd = su('ann', { sourceId: 'constructor' });
    const m = matchUsers([odd], indexTargetUsers([]), state(), new Set());
    expect(m.matches[0]?.kind).toBe('create');
  });
});

describe('resolveTargetUser', () => {
  it('finds members by id, else by userName case-insensitively', () => {
    const idx = indexTargetUsers([tu('ann', { id: 'u-1' })]);
    expect(resolveTargetUser(idx, 'u-1')?.userName).toBe('ann@x.com');
    expect(resolveTargetUser(idx, 'ANN@x.com')?.id).toBe('u-1');
    expect(resolveTargetUser(idx, 'nobody@x.com')).toBeUndefined();
  });
});

describe('indexTargetUsers', () => {
  it('shares one Map when every id is the userName, and keeps the first user of a name either way', () => {
    const amp = indexTargetUsers([tu('ann'), tu('bob'), tu('ann', { givenName: 'Second' })]);
    expect(amp.byId).toBe(amp.byUserName);
    expect(resolveTargetUser(amp, 'ann@x.com')?.givenName).toBe('Ann');
    const rfc = indexTargetUsers([tu('ann', { id: 'u-1' }), tu('bob'), tu('cat', { id: 'u-1' })]);
    expect(rfc.byId).not.toBe(rfc.byUserName);
    expect([rfc.byId.get('u-1')?.userName, rfc.byId.get('bob@x.com')?.userName, rfc.byUserName.get('cat@x.com')?.id]).toEqual([
      'ann@x.com',
      'bob@x.com',
      'u-1',
    ]);
  });

  it('keeps the first user of a repeated name or id where it was first seen (Map order)', () => {
    const amp = indexTargetUsers([tu('ann'), tu('bob'), tu('ann', { userName: 'ANN@x.com', givenName: 'Second' }), tu('cat')]);
    expect([...amp.byUserName].map(([k, u]) => `${k}=${u.givenName}`)).toEqual(['ann@x.com=Ann', 'bob@x.com=Bob', 'cat@x.com=Cat']);
    const rfc = indexTargetUsers([tu('ann', { id: 'u-1' }), tu('bob', { id: 'u-2' }), tu('cat', { id: 'u-1' }), tu('bob', { id: 'u-3' })]);
    expect([...rfc.byId].map(([k, u]) => `${k}=${u.userName}`)).toEqual(['u-1=ann@x.com', 'u-2=bob@x.com', 'u-3=bob@x.com']);
    expect([...rfc.byUserName].map(([k, u]) => `${k}=${u.id}`)).toEqual(['ann@x.com=u-1', 'bob@x.com=u-2', 'cat@x.com=u-1']);
  });
});
