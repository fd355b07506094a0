import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, ERROR, patch, userBody } from './helpers.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const dir = mkdtempSync(join(tmpdir(), 'scimsync-rfc-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let e: RunningEmulator;
afterEach(async () => e?.stop());

async function rfc(persistPath?: string): Promise<RunningEmulator> {
  e = await startEmulator({ profile: 'rfc', ...(persistPath ? { persistPath } : {}) });
  return e;
}

async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(e, 'POST', 'Users', { schemas: [USER], userName, name: { givenName: 'G', familyName: 'F' }, ...extra });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const values = (members: { value: string }[]): string[] => members.map((m) => m.value);

describe('rfc profile: PUT /Groups/{id} (RFC 7644 §3.5.1)', () => {
  it('replaces displayName, members and externalId; what the body leaves out is cleared', async () => {
    await rfc();
    const a = await createUser('a@example.com');
    const b = await createUser('b@example.com');
    const g = await call(e, 'POST', 'Groups', { schemas: [GROUP], displayName: 'Eng', externalId: 'x-1', members: [{ value: a }] });
    const put = await call(
      e,
      'PUT',
      `Groups/${g.body.id}`,
      { schemas: [GROUP], displayName: 'Engineering', members: [{ value: b }] },
      { headers: { 'if-match': 'W/"1"' } },
    );
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('W/"2"');
    expect(put.body).toMatchObject({ id: g.body.id, displayName: 'Engineering' });
    expect(put.body.externalId).toBeUndefined();
    expect(values(put.body.members)).toEqual([b]);
    expect(e.groups()).toEqual([{ id: g.body.id, displayName: 'Engineering', members: [b] }]);
    expect((await call(e, 'GET', `Users/${a}`)).body.groups).toEqual([]);
    const empty = await call(e, 'PUT', `Groups/${g.body.id}`, { displayName: 'Engineering', externalId: 'x-2' });
    expect(empty.body).toMatchObject({ externalId: 'x-2', members: [] });
  });

  it('refuses a stale If-Match (412), an unknown member (400 invalidValue), an id change (400 mutability), a taken name (409)', async () => {
    await rfc();
    const a = await createUser('a@example.com');
    const g = (await call(e, 'POST', 'Groups', { displayName: 'One', members: [{ value: a }] })).body.id as string;
    await call(e, 'POST', 'Groups', { displayName: 'Two' });
    const cases: [Record<string, unknown>, Record<string, string>, number, string | undefined][] = [
      [{ displayName: 'One' }, { 'if-match': 'W/"7"' }, 412, undefined],
      [{ displayName: 'One', members: [{ value: 'nobody' }] }, {}, 400, 'invalidValue'],
      [{ id: 'other', displayName: 'One' }, {}, 400, 'mutability'],
      [{ displayName: 'two' }, {}, 409, 'uniqueness'],
      [{ members: [] }, {}, 400, 'invalidValue'],
    ];
    for (const [body, headers, status, scimType] of cases) {
      const r = await call(e, 'PUT', `Groups/${g}`, body, { headers });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
    }
    expect(e.groups()[0]).toEqual({ id: g, displayName: 'One', members: [a] });
    expect((await call(e, 'PUT', 'Groups/no-such-group', { displayName: 'X' })).status).toBe(404);
  });

  it('the amplitude profile still answers 405 (Amplitude documents no PUT on groups)', async () => {
    e = await startEmulator({ rateLimit: 0 });
    const g = await call(e, 'POST', 'Groups', { displayName: 'G' });
    const r = await call(e, 'PUT', `Groups/${g.body.id}`, { displayName: 'H' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, PATCH, DELETE');
  });
});

describe('rfc profile: attributes and excludedAttributes (RFC 7644 §3.4.2.5, §3.9)', () => {
  it('leaves out excluded attributes and sub-attributes of users and groups, never id or schemas', async () => {
    await rfc();
    const id = await createUser('a@example.com', { externalId: 'E1' });
    await call(e, 'POST', 'Groups', { displayName: 'G', members: [{ value: id }] });
    const list = await call(e, 'GET', `Users?excludedAttributes=${encodeURIComponent('emails,name.familyName,groups,meta,id,schemas')}`);
    expect(list.body.Resources).toEqual([{ schemas: [USER], id, externalId: 'E1', userName: 'a@example.com', name: { givenName: 'G' }, active: true }]);
    expect(list.body.totalResults).toBe(1);
    const one = await call(e, 'GET', `Users/${id}?excludedAttributes=${encodeURIComponent(`${USER}:userName,emails.primary`)}`);
    expect(one.body.userName).toBeUndefined();
    expect(one.body.emails).toEqual([{ value: 'a@example.com' }]);
    const groups = await call(e, 'GET', 'Groups?excludedAttributes=members,meta');
    expect(groups.body.Resources).toEqual([{ schemas: [GROUP], id: expect.any(String), displayName: 'G' }]);
  });

  it('attributes returns only the named ones (plus id and schemas), also on a write', async () => {
    await rfc();
    const id = await createUser('a@example.com');
    const r = await call(e, 'GET', 'Users?attributes=userName,name.givenName');
    expect(r.body.Resources).toEqual([{ schemas: [USER], id, userName: 'a@example.com', name: { givenName: 'G' } }]);
    const put = await call(e, 'PATCH', `Users/${id}?attributes=active`, patch({ op: 'replace', path: 'active', value: false }));
    expect(put.body).toEqual({ schemas: [USER], id, active: false });
  });

  it('the amplitude profile ignores them on users (undocumented there)', async () => {
    e = await startEmulator({ rateLimit: 0 });
    await call(e, 'POST', 'Users', userBody('a@example.com'));
    const r = await call(e, 'GET', 'Users?excludedAttributes=emails&attributes=userName');
    expect(r.body.Resources[0].emails).toEqual([{ value: 'a@example.com', primary: true }]);
    expect(r.body.Resources[0].name).toBeDefined();
  });
});

describe('rfc profile: group externalId (RFC 7643 §3.1)', () => {
  it('is kept on create, filtered on, replaced and removed by PATCH, and persisted', async () => {
    const file = join(dir, 'externalid.json');
    await rfc(file);
    const g = await call(e, 'POST', 'Groups', { schemas: [GROUP], displayName: 'Eng', externalId: 'ad-guid-1' });
    expect(g.status).toBe(201);
    expect(g.body.externalId).toBe('ad-guid-1');
    const found = await call(e, 'GET', `Groups?filter=${encodeURIComponent('externalId eq "ad-guid-1"')}`);
    expect(found.body.Resources.map((x: { id: string }) => x.id)).toEqual([g.body.id]);
    const replaced = await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'replace', path: 'externalId', value: 'ad-guid-2' }));
    expect(replaced.status).toBe(200);
    expect(replaced.body.externalId).toBe('ad-guid-2');
    const valueForm = await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'replace', value: { externalId: 'ad-guid-3' } }));
    expect(valueForm.body.externalId).toBe('ad-guid-3');
    expect(e.groups()[0]?.externalId).toBe('ad-guid-3');
    await e.stop();
    await rfc(file);
    expect((await call(e, 'GET', `Groups/${g.body.id}`)).body.externalId).toBe('ad-guid-3');
    const removed = await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'remove', path: 'externalId' }));
    expect(removed.body.externalId).toBeUndefined();
    expect((await call(e, 'POST', 'Groups', { displayName: 'Bad', externalId: 7 })).body.scimType).toBe('invalidValue');
  });
});

describe('rfc profile: removing attributes (RFC 7644 §3.5.2.2)', () => {
  it('active and emails are neither required nor readOnly (RFC 7643 §4.1): removing them succeeds and leaves them unassigned', async () => {
    const file = join(dir, 'unassigned.json');
    await rfc(file);
    const id = await createUser('a@example.com');
    const noActive = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'remove', path: 'active' }));
    expect(noActive.status).toBe(200);
    expect('active' in noActive.body).toBe(false);
    // Unassigned is not "inactive": the user still counts as active, and `active eq true` no longer matches it.
    expect(e.users()[0]?.active).toBe(true);
    expect((await call(e, 'GET', `Users?filter=${encodeURIComponent('active eq true')}`)).body.totalResults).toBe(0);
    const noEmails = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'remove', path: 'emails' }));
    expect(noEmails.status).toBe(200);
    expect('emails' in noEmails.body).toBe(false);
    await e.stop();
    await rfc(file);
    const reloaded = await call(e, 'GET', `Users/${id}`);
    expect('active' in reloaded.body || 'emails' in reloaded.body).toBe(false);
    // Required ones still refuse (RFC 7644 §3.5.2.2: "mutability").
    expect((await call(e, 'PATCH', `Users/${id}`, patch({ op: 'remove', path: 'userName' }))).body).toMatchObject({ status: '400', scimType: 'mutability' });
  });

  it('removing name leaves no name at all (not "name": {})', async () => {
    await rfc();
    const id = await createUser('a@example.com');
    const r = await call(e, 'PATCH', `Users/${id}`, patch({ op: 'remove', path: 'name' }));
    expect(r.status).toBe(200);
    expect('name' in r.body).toBe(false);
    expect('name' in (await call(e, 'GET', `Users/${id}`)).body).toBe(false);
    expect(e.users()[0]).toMatchObject({ givenName: null, familyName: null });
  });

  it('the amplitude profile still refuses to remove active or emails (400 mutability)', async () => {
    e = await startEmulator({ rateLimit: 0 });
    await call(e, 'POST', 'Users', userBody('a@example.com'));
    for (const path of ['active', 'emails']) {
      expect((await call(e, 'PATCH', 'Users/a@example.com', patch({ op: 'remove', path }))).body, path).toMatchObject({
        status: '400',
        scimType: 'mutability',
      });
    }
  });
});

describe('rfc profile: emails as sent (RFC 7643 §4.1.2)', () => {
  it('keeps primary:false and type; at most one primary; an added primary makes the others non-primary', async () => {
    await rfc();
    const id = await createUser('a@example.com', { emails: [{ value: 'A@Example.com', type: 'work', primary: false }] });
    expect((await call(e, 'GET', `Users/${id}`)).body.emails).toEqual([{ value: 'A@Example.com', type: 'work', primary: false }]);
    const two = await call(e, 'POST', 'Users', {
      userName: 'b@example.com',
      emails: [
        { value: 'b@example.com', primary: true },
        { value: 'b2@example.com', primary: true },
      ],
    });
    expect(two.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    await call(e, 'PATCH', `Users/${id}`, patch({ op: 'replace', path: 'emails', value: [{ value: 'a@example.com', primary: true }] }));
    const added = await call(
      e,
      'PATCH',
      `Users/${id}`,
      patch({ op: 'add', path: 'emails', value: [{ value: 'home@example.org', type: 'home', primary: true }] }),
    );
    expect(added.body.emails).toEqual([
      { value: 'a@example.com', primary: false },
      { value: 'home@example.org', type: 'home', primary: true },
    ]);
    const byType = await call(e, 'GET', `Users?filter=${encodeURIComponent('emails[type eq "home" and primary eq true]')}`);
    expect(byType.body.totalResults).toBe(1);
  });
});
