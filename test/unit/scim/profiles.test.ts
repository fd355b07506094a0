import { describe, expect, it } from 'vitest';
import { amplitudeProfile, rfcProfile } from '../../../src/scim/profiles/index.js';
import { parseGroup, parseUser } from '../../../src/scim/profiles/parse.js';

const attrs = { userName: 'Jane.Doe@Example.com', givenName: 'Jane', familyName: 'Doe', externalId: 'guid-1' };
const lower = (s: string): string => s.toLowerCase();
const same = (s: string): string => s;

describe('amplitude profile', () => {
  it('pages with itemsPerPage and count, 100 at a time', () => {
    expect(amplitudeProfile.listQuery(101)).toBe('startIndex=101&itemsPerPage=100&count=100');
    expect(amplitudeProfile.contentType).toBe('application/json');
  });

  it('creates a user with id = userName = the lower-cased email and no externalId', () => {
    expect(amplitudeProfile.createUserBody(attrs)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'jane.doe@example.com',
      userName: 'jane.doe@example.com',
      name: { givenName: 'Jane', familyName: 'Doe' },
      emails: [{ value: 'jane.doe@example.com', primary: true }],
      meta: { resourceType: 'User' },
    });
    expect(amplitudeProfile.createdUserId({}, undefined, attrs)).toBe('jane.doe@example.com');
  });

  it('updates and deactivates with a full PUT', () => {
    const update = amplitudeProfile.updateUserRequest('jane.doe@example.com', attrs);
    expect(update.method).toBe('PUT');
    expect(update.body).toMatchObject({ id: 'jane.doe@example.com', active: true, name: { givenName: 'Jane' } });
    const off = amplitudeProfile.deactivateUserRequest('jane.doe@example.com', attrs);
    expect(off).toMatchObject({ method: 'PUT', body: { active: false, userName: 'jane.doe@example.com' } });
  });

  it('looks a user up by path, keeping @ literal', () => {
    expect(amplitudeProfile.userLookup('A+b@X.com')).toEqual({ path: '/Users/a%2Bb@x.com', shape: 'resource' });
  });

  it('removes, then adds members in one PatchOp (in-order servers must not drop an addition), removal as a value array', () => {
    expect(amplitudeProfile.patchMembersBody(['a@x.com'], ['b@x.com', 'c@x.com'])).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'remove', path: 'members', value: [{ value: 'b@x.com' }, { value: 'c@x.com' }] },
        { op: 'add', path: 'members', value: [{ value: 'a@x.com' }] },
      ],
    });
    expect(amplitudeProfile.patchMembersBody([], ['b@x.com'])).toMatchObject({ Operations: [{ op: 'remove' }] });
    expect(amplitudeProfile.patchMembersBody([], [])).toBeUndefined();
  });
});

describe('rfc profile', () => {
  it('pages with count only and sends application/scim+json', () => {
    expect(rfcProfile.listQuery(1)).toBe('startIndex=1&count=100');
    expect(rfcProfile.contentType).toBe('application/scim+json');
  });

  it('creates a user with externalId and no client-chosen id', () => {
    const body = rfcProfile.createUserBody(attrs);
    expect(body).toMatchObject({ userName: attrs.userName, externalId: 'guid-1', active: true });
    expect(body).not.toHaveProperty('id');
    const { externalId: _e, ...noExternal } = attrs;
    expect(rfcProfile.createUserBody(noExternal)).not.toHaveProperty('externalId');
  });

  it('reads the new id from the body, else from Location', () => {
    expect(rfcProfile.createdUserId({ id: 'abc' }, undefined, attrs)).toBe('abc');
    expect(rfcProfile.createdUserId({ id: 42 }, undefined, attrs)).toBe('42');
    expect(rfcProfile.createdUserId(undefined, 'https://h/scim/v2/Users/9f%2F1/', attrs)).toBe('9f/1');
    expect(rfcProfile.createdUserId(undefined, undefined, attrs)).toBeUndefined();
  });

  it('deactivates with a PatchOp replace of active', () => {
    expect(rfcProfile.deactivateUserRequest('abc', attrs)).toEqual({
      method: 'PATCH',
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
  });

  it('looks a user up by an escaped userName filter', () => {
    const lookup = rfcProfile.userLookup('we"ird\\@x.com');
    expect(lookup.shape).toBe('list');
    expect(decodeURIComponent((lookup.query ?? '').replace(/^filter=/, ''))).toBe('userName eq "we\\"ird\\\\@x.com"');
  });

  it('removes each member by a value filter, all in the same PATCH', () => {
    expect(rfcProfile.patchMembersBody(['u1'], ['u2', 'u"3'])).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'remove', path: 'members[value eq "u2"]' },
        { op: 'remove', path: 'members[value eq "u\\"3"]' },
        { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      ],
    });
  });
});

describe('parseUser', () => {
  it('reads an Amplitude list item', () => {
    const raw = {
      id: 'DataMonster@amplitude.com',
      userName: 'DataMonster@amplitude.com',
      name: { givenName: 'data', familyName: 'monster' },
      active: true,
      emails: [{ value: 'datamonster@amplitude.com', primary: true }],
    };
    expect(parseUser(raw, lower)).toEqual({
      id: 'datamonster@amplitude.com',
      userName: 'datamonster@amplitude.com',
      givenName: 'data',
      familyName: 'monster',
      active: true,
    });
  });

  it('turns pending-user placeholders into unknown (null) names', () => {
    const raw = { id: 'p@x.com', userName: 'p@x.com', name: { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' }, active: true };
    expect(parseUser(raw, lower)).toMatchObject({ givenName: null, familyName: null });
    expect(parseUser({ id: 'q@x.com', userName: 'q@x.com' }, lower)).toMatchObject({ givenName: null, familyName: null, active: true });
  });

  it('reads active as a string, externalId, and an id-less user by its email', () => {
    expect(parseUser({ id: 'u1', userName: 'A@x.com', active: 'False', externalId: 'g1' }, same)).toEqual({
      id: 'u1',
      userName: 'a@x.com',
      givenName: null,
      familyName: null,
      active: false,
      externalId: 'g1',
    });
    expect(parseUser({ emails: [{ value: 'b@x.com' }] }, lower)).toMatchObject({ id: 'b@x.com', userName: 'b@x.com' });
  });

  it('refuses what is not a user', () => {
    expect(parseUser(null, lower)).toMatch(/not a JSON object/);
    expect(parseUser({ name: {} }, lower)).toMatch(/neither id nor userName/);
  });
});

describe('parseGroup', () => {
  it('turns a numeric id into a string and keeps member values', () => {
    const raw = {
      id: 632,
      displayName: 'Datamonster Party',
      members: [
        { value: 'Data.Engineer@amplitude.com', display: 'data nommer' },
        { value: 'datamonster@amplitude.com', display: 'undefined undefined' },
      ],
    };
    expect(parseGroup(raw, lower)).toEqual({
      id: '632',
      displayName: 'Datamonster Party',
      members: ['data.engineer@amplitude.com', 'datamonster@amplitude.com'],
    });
  });

  it('accepts a group without members and refuses a broken one', () => {
    expect(parseGroup({ id: '7', displayName: 'Empty' }, same)).toEqual({ id: '7', displayName: 'Empty', members: [] });
    expect(parseGroup({ id: '7' }, same)).toMatch(/no id or displayName/);
    expect(parseGroup({ id: '7', displayName: 'X', members: [{ display: 'n' }] }, same)).toMatch(/without a value/);
  });
});
