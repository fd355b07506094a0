import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, ERROR, patch } from './helpers.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let e: RunningEmulator;

beforeEach(async () => {
  e = await startEmulator({ profile: 'rfc' });
});
afterEach(async () => e.stop());

async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(e, 'POST', 'Users', { schemas: [USER], userName, name: { givenName: 'G', familyName: 'F' }, ...extra });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

describe('rfc profile: resources', () => {
  it('serves /scim/v2/ with application/scim+json and no rate limit by default', async () => {
    expect(e.url).toMatch(/\/scim\/v2\/$/);
    const burst = await Promise.all(Array.from({ length: 105 }, () => call(e, 'GET', 'Users?count=1')));
    expect(burst.map((r) => r.status)).toEqual(Array(105).fill(200));
    const r = await call(e, 'GET', 'Users');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/scim+json');
  });

  it('POST /Users: 201, Location, ETag, server uuid, externalId, full meta', async () => {
    const r = await call(e, 'POST', 'Users', {
      schemas: [USER],
      userName: 'Ann@Example.com',
      externalId: 'ext-1',
      name: { givenName: 'Ann', familyName: 'Lee' },
    });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(UUID);
    expect(r.headers.location).toBe(`${e.url}Users/${r.body.id}`);
    expect(r.headers.etag).toBe('W/"1"');
    expect(r.body).toMatchObject({
      externalId: 'ext-1',
      userName: 'Ann@Example.com',
      name: { givenName: 'Ann', familyName: 'Lee' },
      active: true,
      groups: [],
      meta: { resourceType: 'User', location: r.headers.location, version: 'W/"1"', created: expect.any(String), lastModified: expect.any(String) },
    });
    expect(e.events().map((ev) => ev.type)).toEqual(['create']);
    expect(e.users()[0]).toMatchObject({ pending: false, externalId: 'ext-1' });
  });

  it('409 uniqueness on userName (case-insensitive) and on group displayName', async () => {
    await createUser('a@example.com');
    expect((await call(e, 'POST', 'Users', { userName: 'A@EXAMPLE.com' })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await call(e, 'POST', 'Groups', { displayName: 'Eng' })).status).toBe(201);
    expect((await call(e, 'POST', 'Groups', { displayName: 'eng' })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('pages by count/startIndex; itemsPerPage is the number returned', async () => {
    for (let i = 0; i < 5; i++) await createUser(`u${i}@example.com`);
    const r = await call(e, 'GET', 'Users?startIndex=4&count=3');
    expect(r.body).toMatchObject({ startIndex: 4, itemsPerPage: 2, totalResults: 5 });
    expect(r.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['u3@example.com', 'u4@example.com']);
    const none = await call(e, 'GET', 'Users?count=0');
    expect(none.body).toMatchObject({ itemsPerPage: 0, totalResults: 5, Resources: [] });
  });

  it('filters with eq ne co sw ew pr gt ge lt le, and/or/not, parentheses, on core attributes', async () => {
    const a = await createUser('alice@example.com', { externalId: 'E1', name: { givenName: 'Alice', familyName: 'Smith' } });
    await createUser('bob@corp.org', { name: { givenName: 'Bob', familyName: 'Jones' } });
    await createUser('carol@example.com', { active: false, name: { givenName: 'Carol', familyName: 'Smith' } });
    const q = async (f: string): Promise<string[]> => {
      const r = await call(e, 'GET', `Users?filter=${encodeURIComponent(f)}`);
      expect(r.status, f).toBe(200);
      return r.body.Resources.map((u: { userName: string }) => u.userName).sort();
    };
    expect(await q('userName eq "ALICE@example.com"')).toEqual(['alice@example.com']);
    expect(await q('userName ne "alice@example.com"')).toEqual(['bob@corp.org', 'carol@example.com']);
    expect(await q('userName co "corp"')).toEqual(['bob@corp.org']);
    expect(await q('userName sw "car"')).toEqual(['carol@example.com']);
    expect(await q('emails.value ew "example.com"')).toEqual(['alice@example.com', 'carol@example.com']);
    expect(await q('externalId pr')).toEqual(['alice@example.com']);
    expect(await q('externalId eq "e1"')).toEqual([]); // externalId is caseExact
    expect(await q('name.givenName gt "Alice"')).toEqual(['bob@corp.org', 'carol@example.com']);
    expect(await q('name.givenName ge "Bob" and name.givenName le "Bob"')).toEqual(['bob@corp.org']);
    expect(await q('name.givenName lt "Bob"')).toEqual(['alice@example.com']);
    expect(await q('active eq false')).toEqual(['carol@example.com']);
    expect(await q('name.familyName eq "smith" and not (active eq false)')).toEqual(['alice@example.com']);
    expect(await q('(userName sw "bob" or userName sw "carol") and active eq true')).toEqual(['bob@corp.org']);
    expect(await q(`id eq "${a}"`)).toEqual(['alice@example.com']);
    expect(await q('emails[value eq "bob@corp.org"]')).toEqual(['bob@corp.org']);
    expect(await q('meta.created pr')).toHaveLength(3);
    for (const junk of ['userName eq', 'title eq "x"', 'userName eq "a" and', 'not userName eq "a"']) {
      const r = await call(e, 'GET', `Users?filter=${encodeURIComponent(junk)}`);
      expect(r.body, junk).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
  });

  it('PUT replaces (userName may change), refuses an id change (400 mutability)', async () => {
    const id = await createUser('old@example.com', { externalId: 'x' });
    const r = await call(e, 'PUT', `Users/${id}`, { schemas: [USER], userName: 'new@example.com', name: { givenName: 'N' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, userName: 'new@example.com', name: { givenName: 'N' }, active: true });
    expect(r.body.externalId).toBeUndefined();
    expect((await call(e, 'PUT', `Users/${id}`, { id: 'other', userName: 'new@example.com' })).body.scimType).toBe('mutability');
  });

  it('deactivation keeps the user with active:false; DELETE removes it (404 after)', async () => {
    const id = await createUser('d@example.com');
    const p = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'replace', path: 'active', value: false }));
    expect(p.status).toBe(200);
    expect(p.body.active).toBe(false);
    const got = await call(e, 'GET', `Users/${id}`);
    expect(got.body.active).toBe(false);
    expect(e.events().map((ev) => ev.type)).toEqual(['create', 'deactivate']);
    expect((await call(e, 'DELETE', `Users/${id}`)).status).toBe(204);
    expect((await call(e, 'GET', `Users/${id}`)).status).toBe(404);
  });

  it('refuses a non-PatchOp body and unknown paths on users', async () => {
    const id = await createUser('p@example.com');
    expect((await call(e, 'PATCH', `Users/${id}`, { userName: 'p@example.com' })).body.scimType).toBe('invalidSyntax');
    expect((await call(e, 'PATCH', `Users/${id}`, patch({ op: 'replace', path: 'nickName2', value: 'x' }))).body.scimType).toBe('invalidPath');
  });

  it('ETag/If-Match: a stale version gets 412 and changes nothing; the current one succeeds', async () => {
    const id = await createUser('e@example.com');
    const p = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'replace', path: 'name.givenName', value: 'Two' }), { headers: { 'if-match': 'W/"1"' } });
    expect(p.status).toBe(200);
    expect(p.headers.etag).toBe('W/"2"');
    const stale = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'replace', path: 'name.givenName', value: 'Three' }), { headers: { 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ schemas: [ERROR], status: '412' });
    expect((await call(e, 'GET', `Users/${id}`)).body.name.givenName).toBe('Two');
    expect((await call(e, 'DELETE', `Users/${id}`, undefined, { headers: { 'if-match': 'W/"9"' } })).status).toBe(412);
  });
});

describe('rfc profile: groups', () => {
  it('members are user ids; 201 + Location; members[value eq] removal; remove without value clears all', async () => {
    const a = await createUser('a@example.com');
    const b = await createUser('b@example.com');
    const g = await call(e, 'POST', 'Groups', { displayName: 'Eng', members: [{ value: a }, { value: b }] });
    expect(g.status).toBe(201);
    expect(g.headers.location).toBe(`${e.url}Groups/${g.body.id}`);
    expect(g.body.id).toMatch(UUID);
    expect(g.body.members).toEqual([
      { value: a, display: 'a@example.com', $ref: `${e.url}Users/${a}` },
      { value: b, display: 'b@example.com', $ref: `${e.url}Users/${b}` },
    ]);
    const user = await call(e, 'GET', `Users/${a}`);
    expect(user.body.groups).toEqual([{ value: g.body.id, display: 'Eng', $ref: `${e.url}Groups/${g.body.id}` }]);
    const rm = await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'remove', path: `members[value eq "${a}"]` }));
    expect(rm.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    const clear = await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'remove', path: 'members' }));
    expect(clear.status).toBe(200);
    expect(clear.body.members).toEqual([]);
    expect(e.users()).toHaveLength(2);
  });

  it('refuses an unknown member id with 400 invalidValue, and more than maxMembersPerPatch with 413', async () => {
    const g = await call(e, 'POST', 'Groups', { displayName: 'G' });
    expect((await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'add', path: 'members', value: [{ value: 'nope' }] }))).body.scimType).toBe(
      'invalidValue',
    );
    const limited = await startEmulator({ profile: 'rfc', maxMembersPerPatch: 1 });
    try {
      const lg = await call(limited, 'POST', 'Groups', { displayName: 'G' });
      const u1 = await call(limited, 'POST', 'Users', { userName: 'x@example.com' });
      const u2 = await call(limited, 'POST', 'Users', { userName: 'y@example.com' });
      const r = await call(
        limited,
        'PATCH',
        `Groups/${lg.body.id}`,
        patch({ op: 'add', path: 'members', value: [{ value: u1.body.id }, { value: u2.body.id }] }),
      );
      expect(r.status).toBe(413);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '413' });
    } finally {
      await limited.stop();
    }
  });

  it('filters groups by displayName and excludes members when asked', async () => {
    await call(e, 'POST', 'Groups', { displayName: 'Alpha' });
    await call(e, 'POST', 'Groups', { displayName: 'Beta' });
    const r = await call(e, 'GET', `Groups?filter=${encodeURIComponent('displayName eq "beta"')}&excludedAttributes=members`);
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].displayName).toBe('Beta');
    expect(r.body.Resources[0].members).toBeUndefined();
  });

  it('serves ServiceProviderConfig, Schemas and ResourceTypes', async () => {
    const spc = await call(e, 'GET', 'ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
      etag: { supported: true },
    });
    const schemas = await call(e, 'GET', 'Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
    const one = await call(e, 'GET', `Schemas/${encodeURIComponent(USER)}`);
    expect(one.body.name).toBe('User');
    const rt = await call(e, 'GET', 'ResourceTypes');
    expect(rt.body.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups']);
  });
});
