import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, ERROR, patch } from './helpers.js';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;
let e: RunningEmulator;

beforeEach(async () => {
  e = await startEmulator({
    rateLimit: 0,
    seed: {
      users: [
        { userName: 'data@example.com', givenName: 'data', familyName: 'monster' },
        { userName: 'eng@example.com', givenName: 'data', familyName: 'nommer' },
      ],
    },
  });
});
afterEach(async () => e.stop());

async function createGroup(displayName: string, members: string[]): Promise<string> {
  const r = await call(e, 'POST', 'Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
  expect(r.status).toBe(200);
  return String(r.body.id);
}

describe('amplitude profile: POST /Groups', () => {
  it('answers 200 with a numeric id, embedded members and Amplitude timestamps; invites unknown emails', async () => {
    const r = await call(e, 'POST', 'Groups', {
      schemas: [GROUP],
      displayName: 'Datamonster Party',
      members: [{ value: 'DATA@example.com' }, { value: 'new.hire@example.com' }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      schemas: [GROUP],
      id: expect.any(Number),
      displayName: 'Datamonster Party',
      members: [
        { value: 'data@example.com', display: 'data monster' },
        { value: 'new.hire@example.com', display: 'undefined undefined' },
      ],
      meta: { resourceType: 'Group', created: expect.stringMatching(TIME), lastModified: expect.stringMatching(TIME) },
    });
    expect(e.events()).toEqual([{ type: 'invite', userName: 'new.hire@example.com', at: expect.any(String) }]);
    expect(e.users().find((u) => u.id === 'new.hire@example.com')).toMatchObject({ pending: true, givenName: null, familyName: null });
    const invited = await call(e, 'GET', 'Users/new.hire@example.com');
    expect(invited.body.name).toEqual({ givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' });
  });

  it('requires displayName (400) and a valid member email (400, nothing created)', async () => {
    expect((await call(e, 'POST', 'Groups', { members: [] })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const bad = await call(e, 'POST', 'Groups', { displayName: 'X', members: [{ value: 'not-an-email' }] });
    expect(bad.status).toBe(400);
    expect(e.groups()).toEqual([]);
  });
});

describe('amplitude profile: GET /Groups and /Groups/:id', () => {
  it('lists with numeric ids and members, pages like users, and gets by id with a string id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createGroup(`g${i}`, i === 0 ? ['data@example.com'] : []));
    const list = await call(e, 'GET', 'Groups?startIndex=2&itemsPerPage=2');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ startIndex: 2, itemsPerPage: 2, totalResults: 5 });
    expect(list.body.Resources.map((g: { id: number }) => g.id)).toEqual([Number(ids[1]), Number(ids[2])]);
    const all = await call(e, 'GET', 'Groups');
    expect(all.body.Resources[0]).toMatchObject({ id: Number(ids[0]), members: [{ value: 'data@example.com', display: 'data monster' }] });
    const one = await call(e, 'GET', `Groups/${ids[0]}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(ids[0]);
    expect(typeof one.body.id).toBe('string');
  });

  it('answers 404 for a non-numeric or unknown group id', async () => {
    for (const id of ['abc', '999999', 'data@example.com']) {
      const r = await call(e, 'GET', `Groups/${encodeURIComponent(id)}`);
      expect(r.status, id).toBe(404);
      expect(r.body.schemas).toEqual([ERROR]);
    }
  });
});

describe('amplitude profile: PATCH /Groups/:id', () => {
  it('adds and removes with path members + value array (Amplitude form), answers 200 with a string id', async () => {
    const id = await createGroup('G', ['data@example.com']);
    const add = await call(
      e,
      'PATCH',
      `Groups/${id}`,
      patch({ op: 'add', path: 'members', value: [{ value: 'eng@example.com' }, { value: 'fresh@example.com' }] }),
    );
    expect(add.status).toBe(200);
    expect(add.body.id).toBe(id);
    expect(add.body.members.map((m: { value: string }) => m.value)).toEqual(['data@example.com', 'eng@example.com', 'fresh@example.com']);
    expect(e.events().map((ev) => [ev.type, ev.userName])).toEqual([['invite', 'fresh@example.com']]);
    const rm = await call(e, 'PATCH', `Groups/${id}`, patch({ op: 'remove', path: 'members', value: [{ value: 'DATA@example.com' }] }));
    expect(rm.body.members.map((m: { value: string }) => m.value)).toEqual(['eng@example.com', 'fresh@example.com']);
    // Removing a member never removes the user.
    expect(e.users().map((u) => u.id)).toContain('data@example.com');
  });

  it('removes with the Okta form members[value eq "x"], with a case-insensitive op', async () => {
    const id = await createGroup('G', ['data@example.com', 'eng@example.com']);
    const r = await call(e, 'PATCH', `Groups/${id}`, patch({ op: 'Remove', path: 'members[value eq "eng@example.com"]' }));
    expect(r.status).toBe(200);
    expect(e.groups()[0]?.members).toEqual(['data@example.com']);
  });

  it('renames with replace displayName (path or value object)', async () => {
    const id = await createGroup('Old', []);
    expect((await call(e, 'PATCH', `Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: 'New' }))).body.displayName).toBe('New');
    expect((await call(e, 'PATCH', `Groups/${id}`, patch({ op: 'replace', value: { id, displayName: 'Newer' } }))).body.displayName).toBe('Newer');
  });

  it('applies all operations or none: a bad op leaves the group and users unchanged', async () => {
    const id = await createGroup('G', ['data@example.com']);
    const r = await call(
      e,
      'PATCH',
      `Groups/${id}`,
      patch({ op: 'add', path: 'members', value: [{ value: 'later@example.com' }] }, { op: 'add', path: 'owners', value: [] }),
    );
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidPath');
    expect(e.groups()[0]?.members).toEqual(['data@example.com']);
    expect(e.users().map((u) => u.id)).not.toContain('later@example.com');
  });

  it('refuses more members than maxMembersPerPatch with 400 tooMany', async () => {
    const limited = await startEmulator({ rateLimit: 0, maxMembersPerPatch: 2 });
    try {
      const g = await call(limited, 'POST', 'Groups', { displayName: 'G', members: [] });
      const value = ['a@example.com', 'b@example.com', 'c@example.com'].map((v) => ({ value: v }));
      const over = await call(limited, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'add', path: 'members', value }));
      expect(over.status).toBe(400);
      expect(over.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'tooMany' });
      expect(limited.users()).toEqual([]);
      const ok = await call(limited, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'add', path: 'members', value: value.slice(0, 2) }));
      expect(ok.status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('answers 404 for an unknown group and 400 for a body without Operations', async () => {
    expect((await call(e, 'PATCH', 'Groups/424242', patch({ op: 'add', path: 'members', value: [] }))).status).toBe(404);
    const id = await createGroup('G', []);
    expect((await call(e, 'PATCH', `Groups/${id}`, { displayName: 'x' })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });
});

describe('amplitude profile: DELETE /Groups/:id', () => {
  it('answers 204, keeps the member users, then 404', async () => {
    const id = await createGroup('G', ['data@example.com']);
    const r = await call(e, 'DELETE', `Groups/${id}`);
    expect(r.status).toBe(204);
    expect(e.groups()).toEqual([]);
    expect(e.users().map((u) => u.id)).toEqual(['data@example.com', 'eng@example.com']);
    expect((await call(e, 'GET', `Groups/${id}`)).status).toBe(404);
    expect((await call(e, 'DELETE', `Groups/${id}`)).status).toBe(404);
  });

  it('counts each request once by method, route and status', async () => {
    const id = await createGroup('G', []);
    await call(e, 'GET', `Groups/${id}`);
    await call(e, 'PATCH', `Groups/${id}`, patch({ op: 'add', path: 'members', value: [{ value: 'data@example.com' }] }));
    await call(e, 'DELETE', `Groups/${id}`);
    await call(e, 'GET', 'Groups');
    expect(e.stats()).toEqual({
      total: 5,
      byMethod: { POST: 1, GET: 2, PATCH: 1, DELETE: 1 },
      byRoute: { 'POST /Groups': 1, 'GET /Groups/:id': 1, 'PATCH /Groups/:id': 1, 'DELETE /Groups/:id': 1, 'GET /Groups': 1 },
      byStatus: { '200': 4, '204': 1 },
      writes: 3,
      // The one list GET (/Groups), alone; GET /Groups/:id is not a list.
      maxListsInFlight: 1,
    });
  });
});
