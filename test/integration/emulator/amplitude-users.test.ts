import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, ERROR, patch, userBody } from './helpers.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
let e: RunningEmulator;

beforeEach(async () => {
  e = await startEmulator({
    rateLimit: 0,
    seed: {
      users: [
        { userName: 'Data.Monster@Example.com', givenName: 'Data', familyName: 'Monster' },
        { userName: 'second@example.com', givenName: 'Sec', familyName: 'Ond' },
      ],
    },
  });
});
afterEach(async () => e.stop());

describe('amplitude profile: base path and auth', () => {
  it('serves /scim/1/ and reports the admin URL', () => {
    expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/1\/$/);
    expect(e.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_admin\/$/);
    expect(e.token).toBe('emulator-token');
  });

  it('rejects a missing, wrong or differently-cased key with a 401 RFC error body', async () => {
    for (const token of [null, 'wrong', 'EMULATOR-TOKEN']) {
      const r = await call(e, 'GET', 'Users', undefined, { token });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '401' });
      expect(r.text).not.toContain('emulator-token');
    }
    expect(e.stats()).toEqual({ total: 3, byMethod: { GET: 3 }, byRoute: { 'GET /Users': 3 }, byStatus: { '401': 3 }, writes: 0, maxListsInFlight: 1 });
  });

  it('serves no discovery endpoints (404), and 404s unknown routes with an error body', async () => {
    for (const p of ['ServiceProviderConfig', 'Schemas', 'ResourceTypes', 'Bulk', 'Nope', 'Users/a/b']) {
      const r = await call(e, 'GET', p);
      expect(r.status, p).toBe(404);
      expect(r.body.schemas).toEqual([ERROR]);
    }
    const outside = await call(e, 'GET', 'Users', undefined, { base: e.url.replace('/scim/1/', '/scim/v2/') });
    expect(outside.status).toBe(404);
    expect(e.stats()).toMatchObject({
      total: 7,
      byRoute: { 'GET (unknown)': 3, 'GET /Bulk': 1, 'GET /ServiceProviderConfig': 1, 'GET /Schemas': 1, 'GET /ResourceTypes': 1 },
      byStatus: { '404': 7 },
    });
  });
});

describe('amplitude profile: GET /Users', () => {
  it('lists users in creation order, lower-cased ids, active, no groups, meta with resourceType only', async () => {
    const r = await call(e, 'GET', 'Users');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      startIndex: 1,
      itemsPerPage: 100,
      totalResults: 2,
      Resources: [
        {
          schemas: [USER],
          id: 'data.monster@example.com',
          userName: 'data.monster@example.com',
          name: { givenName: 'Data', familyName: 'Monster' },
          active: true,
          emails: [{ value: 'data.monster@example.com', primary: true }],
          meta: { resourceType: 'User' },
        },
        expect.objectContaining({ id: 'second@example.com' }),
      ],
    });
  });

  it('pages by itemsPerPage (or count), capped at 100, and echoes the requested size', async () => {
    const users = Array.from({ length: 250 }, (_, i) => ({ userName: `u${String(i).padStart(3, '0')}@example.com` }));
    const big = await startEmulator({ rateLimit: 0, seed: { users } });
    try {
      const p1 = await call(big, 'GET', 'Users?startIndex=1&itemsPerPage=7');
      expect(p1.body.itemsPerPage).toBe(7);
      expect(p1.body.totalResults).toBe(250);
      expect(p1.body.Resources.map((u: { id: string }) => u.id)).toEqual(users.slice(0, 7).map((u) => u.userName));
      const p2 = await call(big, 'GET', 'Users?startIndex=8&count=5');
      expect(p2.body.startIndex).toBe(8);
      expect(p2.body.itemsPerPage).toBe(5);
      expect(p2.body.Resources.map((u: { id: string }) => u.id)).toEqual(users.slice(7, 12).map((u) => u.userName));
      const capped = await call(big, 'GET', 'Users?itemsPerPage=500');
      expect(capped.body.itemsPerPage).toBe(100);
      expect(capped.body.Resources).toHaveLength(100);
      // The last, short page still echoes the requested size (Amplitude's quirk).
      const last = await call(big, 'GET', 'Users?startIndex=201&itemsPerPage=100');
      expect(last.body.itemsPerPage).toBe(100);
      expect(last.body.Resources).toHaveLength(50);
      const past = await call(big, 'GET', 'Users?startIndex=400');
      expect(past.body.Resources).toEqual([]);
      const zero = await call(big, 'GET', 'Users?startIndex=0&itemsPerPage=2');
      expect(zero.body.startIndex).toBe(1);
      // Walking the pages by Resources.length sees every user exactly once.
      const seen: string[] = [];
      for (let start = 1; ;) {
        const page = await call(big, 'GET', `Users?startIndex=${start}&itemsPerPage=100`);
        if (page.body.Resources.length === 0) break;
        seen.push(...page.body.Resources.map((u: { id: string }) => u.id));
        start += page.body.Resources.length;
      }
      expect(seen).toEqual(users.map((u) => u.userName));
    } finally {
      await big.stop();
    }
  });

  it('filters userName eq case-insensitively and refuses junk with 400 invalidFilter', async () => {
    const hit = await call(e, 'GET', `Users?filter=${encodeURIComponent('userName eq "DATA.monster@example.COM"')}`);
    expect(hit.body.totalResults).toBe(1);
    expect(hit.body.Resources[0].id).toBe('data.monster@example.com');
    const miss = await call(e, 'GET', `Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
    expect(miss.status).toBe(200);
    expect(miss.body).toMatchObject({ totalResults: 0, Resources: [] });
    const both = await call(e, 'GET', `Users?filter=${encodeURIComponent('userName eq "second@example.com" or emails[value eq "data.monster@example.com"]')}`);
    expect(both.body.totalResults).toBe(2);
    for (const junk of ['userName', 'userName eq', 'userName zz "x"', 'foo eq "x"', 'userName eq "x', '(userName eq "x"']) {
      const r = await call(e, 'GET', `Users?filter=${encodeURIComponent(junk)}`);
      expect(r.status, junk).toBe(400);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
  });
});

describe('amplitude profile: GET /Users/:id', () => {
  it('finds a user case-insensitively with @ or %40, with groups: []', async () => {
    for (const id of ['data.monster@example.com', 'DATA.MONSTER%40EXAMPLE.COM']) {
      const r = await call(e, 'GET', `Users/${id}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        schemas: [USER],
        id: 'data.monster@example.com',
        userName: 'data.monster@example.com',
        name: { givenName: 'Data', familyName: 'Monster' },
        active: true,
        emails: [{ value: 'data.monster@example.com', primary: true }],
        groups: [],
        meta: { resourceType: 'User' },
      });
    }
  });

  it('answers 404 with an error body for an unknown user', async () => {
    const r = await call(e, 'GET', 'Users/nobody@example.com');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: '404' });
  });
});

describe('amplitude profile: POST /Users', () => {
  it('creates a pending user: 201 with the body plus active and groups, an invite event, placeholder names', async () => {
    const body = userBody('New.Person@Example.com', 'New', 'Person');
    const r = await call(e, 'POST', 'Users/', body);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ ...body, id: 'new.person@example.com', userName: 'new.person@example.com', active: true, groups: [] });
    expect(e.events()).toEqual([{ type: 'invite', userName: 'new.person@example.com', at: expect.any(String) }]);
    const got = await call(e, 'GET', 'Users/new.person@example.com');
    expect(got.body.name).toEqual({ givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' });
    expect(got.body.active).toBe(true);
    expect(e.users().find((u) => u.id === 'new.person@example.com')).toEqual({
      id: 'new.person@example.com',
      userName: 'new.person@example.com',
      givenName: 'New',
      familyName: 'Person',
      active: true,
      pending: true,
    });
    // Signing up reveals the names last sent.
    e.acceptInvite('NEW.person@example.com');
    const after = await call(e, 'GET', 'Users/new.person@example.com');
    expect(after.body.name).toEqual({ givenName: 'New', familyName: 'Person' });
    expect(e.events().map((ev) => ev.type)).toEqual(['invite', 'accept']);
  });

  it('shows the names of a pending user when pendingNames is keep', async () => {
    const keep = await startEmulator({ rateLimit: 0, pendingNames: 'keep' });
    try {
      await call(keep, 'POST', 'Users', userBody('k@example.com', 'Kay', 'Eep'));
      const r = await call(keep, 'GET', 'Users/k@example.com');
      expect(r.body.name).toEqual({ givenName: 'Kay', familyName: 'Eep' });
    } finally {
      await keep.stop();
    }
  });

  it('refuses a duplicate (joined or pending, any case) with 409 uniqueness', async () => {
    const dup = await call(e, 'POST', 'Users', userBody('SECOND@example.com'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    await call(e, 'POST', 'Users', userBody('p@example.com'));
    expect((await call(e, 'POST', 'Users', userBody('p@example.com'))).status).toBe(409);
  });

  it('refuses an invalid email, a missing userName, or an id different from userName with 400', async () => {
    for (const body of [userBody('not-an-email'), { name: { givenName: 'x' } }, { ...userBody('a@example.com'), id: 'b@example.com' }]) {
      const r = await call(e, 'POST', 'Users', body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
    }
    expect(e.users()).toHaveLength(2);
  });
});

describe('amplitude profile: PUT /Users/:id', () => {
  it('replaces the names and answers 200 with the request body', async () => {
    const body = { ...userBody('second@example.com', 'Second', 'Person'), active: true, groups: [] };
    const r = await call(e, 'PUT', 'Users/Second%40example.com', body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(body);
    expect((await call(e, 'GET', 'Users/second@example.com')).body.name).toEqual({ givenName: 'Second', familyName: 'Person' });
  });

  it('refuses an email change with 400 mutability and leaves the user unchanged', async () => {
    const r = await call(e, 'PUT', 'Users/second@example.com', userBody('other@example.com', 'X', 'Y'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ scimType: 'mutability' });
    expect((await call(e, 'GET', 'Users/second@example.com')).body.name).toEqual({ givenName: 'Sec', familyName: 'Ond' });
  });

  it('active:false removes the user, from groups too (remove event); unknown user is 404', async () => {
    await call(e, 'POST', 'Groups', { displayName: 'G', members: [{ value: 'second@example.com' }] });
    const r = await call(e, 'PUT', 'Users/second@example.com', { ...userBody('second@example.com'), active: false });
    expect(r.status).toBe(200);
    expect((await call(e, 'GET', 'Users/second@example.com')).status).toBe(404);
    expect((await call(e, 'GET', 'Users')).body.totalResults).toBe(1);
    expect(e.groups()[0]?.members).toEqual([]);
    expect(e.events().at(-1)).toMatchObject({ type: 'remove', userName: 'second@example.com' });
    expect((await call(e, 'PUT', 'Users/nobody@example.com', userBody('nobody@example.com'))).status).toBe(404);
  });
});

describe('amplitude profile: PATCH /Users/:id', () => {
  it('Okta form: path-less replace {active:false} removes the user', async () => {
    const r = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'replace', value: { active: false } }));
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect((await call(e, 'GET', 'Users/second@example.com')).status).toBe(404);
  });

  it('Entra form: "Replace" with path active and the string "False" removes the user', async () => {
    const r = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(r.status).toBe(200);
    expect(e.users().map((u) => u.id)).toEqual(['data.monster@example.com']);
  });

  it('string "True" keeps the user; name paths update names', async () => {
    const r = await call(
      e,
      'PATCH',
      'Users/second@example.com',
      patch(
        { op: 'Replace', path: 'active', value: 'True' },
        { op: 'replace', path: 'name.givenName', value: 'Given2' },
        { op: 'Replace', path: 'name.familyName', value: 'Family2' },
      ),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ active: true, name: { givenName: 'Given2', familyName: 'Family2' }, groups: [] });
    const n = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'replace', path: 'name', value: { givenName: 'Both', familyName: 'Names' } }));
    expect(n.body.name).toEqual({ givenName: 'Both', familyName: 'Names' });
    const dotted = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'replace', value: { 'name.givenName': 'Dot' } }));
    expect(dotted.body.name).toEqual({ givenName: 'Dot', familyName: 'Names' });
  });

  it('accepts a full User body (Postman quirk)', async () => {
    const r = await call(e, 'PATCH', 'Users/second@example.com', userBody('second@example.com', 'Full', 'Body'));
    expect(r.status).toBe(200);
    expect(r.body.name).toEqual({ givenName: 'Full', familyName: 'Body' });
  });

  it('refuses a userName change (400 mutability), a bad op and a non-boolean active (400)', async () => {
    const m = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'replace', path: 'userName', value: 'x@example.com' }));
    expect(m.status).toBe(400);
    expect(m.body.scimType).toBe('mutability');
    const op = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'move', path: 'active', value: false }));
    expect(op.status).toBe(400);
    expect(op.body.scimType).toBe('invalidSyntax');
    const v = await call(e, 'PATCH', 'Users/second@example.com', patch({ op: 'replace', path: 'active', value: 'nope' }));
    expect(v.status).toBe(400);
    expect(v.body.scimType).toBe('invalidValue');
    expect((await call(e, 'PATCH', 'Users/nobody@example.com', patch({ op: 'replace', value: { active: false } }))).status).toBe(404);
    expect(e.users()).toHaveLength(2);
  });
});

describe('amplitude profile: DELETE /Users/:id', () => {
  it('removes a joined user (remove) or revokes a pending invite (revoke) with 204; unknown is 404', async () => {
    await call(e, 'POST', 'Users', userBody('pending@example.com'));
    const d1 = await call(e, 'DELETE', 'Users/SECOND%40example.com');
    expect(d1.status).toBe(204);
    expect(d1.text).toBe('');
    expect((await call(e, 'DELETE', 'Users/pending@example.com')).status).toBe(204);
    expect(e.events().map((ev) => [ev.type, ev.userName])).toEqual([
      ['invite', 'pending@example.com'],
      ['remove', 'second@example.com'],
      ['revoke', 'pending@example.com'],
    ]);
    expect((await call(e, 'DELETE', 'Users/second@example.com')).status).toBe(404);
    expect(e.users().map((u) => u.id)).toEqual(['data.monster@example.com']);
  });
});

describe('amplitude profile: bodies and media types', () => {
  it('accepts application/scim+json, refuses malformed JSON (400 invalidSyntax) and oversized bodies (413)', async () => {
    const scim = await call(e, 'POST', 'Users', userBody('s@example.com'), { headers: { 'content-type': 'application/scim+json' } });
    expect(scim.status).toBe(201);
    const bad = await call(e, 'POST', 'Users', undefined, { raw: '{"userName": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });
    const small = await startEmulator({ rateLimit: 0, maxBodyBytes: 64 });
    try {
      const big = await call(small, 'POST', 'Users', userBody(`${'x'.repeat(100)}@example.com`));
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ schemas: [ERROR], status: '413' });
      expect(small.users()).toEqual([]);
      // A body well past the default 1 MiB still gets its 413 answer (not a broken pipe).
      const huge = await call(e, 'POST', 'Users', { ...userBody('h@example.com'), padding: 'x'.repeat(2 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      expect((await call(e, 'GET', 'Users/h@example.com')).status).toBe(404);
    } finally {
      await small.stop();
    }
  });
});
