import { afterEach, describe, expect, it, vi } from 'vitest';
import { emulatorCommand, emulatorOptionsFromArgs } from '../../../src/cli/commands/emulator.js';
import { ConfigError } from '../../../src/errors.js';
import { startEmulator, type EmulatorOptions, type EmulatorProfile, type RunningEmulator } from '../../../src/emulator/index.js';
import { QUIRKS } from '../../../src/emulator/quirks.js';
import { call, ERROR, patch } from './helpers.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
let e: RunningEmulator | undefined;
afterEach(async () => {
  await e?.stop();
  e = undefined;
  vi.restoreAllMocks();
});

function emails(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `u${String(i).padStart(3, '0')}@example.com`);
}

/** An emulator holding `n` users (in creation order) and, if asked, groups; no rate limit. */
async function withUsers(profile: EmulatorProfile, n: number, opts: EmulatorOptions = {}, groups: string[] = []): Promise<RunningEmulator> {
  e = await startEmulator({
    profile,
    rateLimit: 0,
    seed: { users: emails(n).map((userName) => ({ userName, givenName: 'G', familyName: 'F' })), groups: groups.map((displayName) => ({ displayName })) },
    ...opts,
  });
  return e;
}

function userNames(body: { Resources: { userName: string }[] }): string[] {
  return body.Resources.map((u) => u.userName);
}

/** The list query of a profile: Amplitude pages by itemsPerPage, RFC servers by count. */
function page(profile: EmulatorProfile, startIndex: number, size: number): string {
  return profile === 'amplitude' ? `startIndex=${startIndex}&itemsPerPage=${size}` : `startIndex=${startIndex}&count=${size}`;
}

describe('quirk names', () => {
  it('refuses an unknown quirk or a bad value with a ConfigError listing the known ones', async () => {
    for (const quirks of [['no-such-quirk'], ['page-size-cap'], ['page-size-cap=0'], ['page-size-cap=ten'], ['patch-204=1'], ['slow-list=-5']]) {
      const err = await startEmulator({ quirks }).catch((x: unknown) => x);
      expect(err, quirks[0]).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(JSON.stringify(quirks[0]));
      for (const q of QUIRKS) expect((err as ConfigError).fix).toContain(q.name);
    }
  });

  it('--quirk is repeatable on the command line; an unknown one is one line naming it and exit 1', async () => {
    expect((await emulatorOptionsFromArgs(['--quirk', 'patch-204', '--quirk', 'page-size-cap=5']))?.quirks).toEqual(['patch-204', 'page-size-cap=5']);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await emulatorCommand(['--port', '0', '--quirk', 'bogus'])).toBe(1);
    expect(err).toHaveBeenCalledTimes(1);
    const line = String(err.mock.calls[0]?.[0]);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('"bogus"');
    expect(line).toContain('fix: use one of: total-results-per-page, ignores-start-index, page-size-cap=N');
  });

  it('the running emulator takes new quirks in-process and over /_admin/quirks', async () => {
    await withUsers('amplitude', 3);
    const em = e as RunningEmulator;
    expect((await call(em, 'GET', 'Users?itemsPerPage=1')).body.totalResults).toBe(3);
    em.setQuirks(['total-results-per-page']);
    expect((await call(em, 'GET', 'Users?itemsPerPage=1')).body.totalResults).toBe(1);
    expect((await call(em, 'POST', 'quirks', { quirks: [] }, { base: em.adminUrl })).status).toBe(204);
    expect((await call(em, 'GET', 'Users?itemsPerPage=1')).body.totalResults).toBe(3);
    const bad = await call(em, 'POST', 'quirks', { quirks: ['nope'] }, { base: em.adminUrl });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('unknown quirk');
  });
});

describe.each<EmulatorProfile>(['amplitude', 'rfc'])('paging quirks (%s)', (profile) => {
  it('total-results-per-page: totalResults is the length of each page', async () => {
    await withUsers(profile, 5, { quirks: ['total-results-per-page'] }, ['A', 'B', 'C']);
    const first = await call(e!, 'GET', `Users?${page(profile, 1, 2)}`);
    expect(first.body).toMatchObject({ startIndex: 1, totalResults: 2 });
    expect(userNames(first.body)).toEqual(emails(2));
    const last = await call(e!, 'GET', `Users?${page(profile, 5, 2)}`);
    expect(last.body).toMatchObject({ startIndex: 5, totalResults: 1 });
    expect((await call(e!, 'GET', `Groups?${page(profile, 1, 2)}`)).body.totalResults).toBe(2);
  });

  it('ignores-start-index: every request gets the first 100 (or the cap), says startIndex 1 and totalResults = that count', async () => {
    await withUsers(profile, 150, { quirks: ['ignores-start-index'] });
    for (const q of [page(profile, 1, 10), page(profile, 101, 100), 'startIndex=51']) {
      const r = await call(e!, 'GET', `Users?${q}`);
      expect(r.body, q).toMatchObject({ startIndex: 1, totalResults: 100 });
      expect(userNames(r.body), q).toEqual(emails(100));
    }
    e!.setQuirks(['ignores-start-index', 'page-size-cap=30']);
    const capped = await call(e!, 'GET', `Users?${page(profile, 31, 100)}`);
    expect(capped.body).toMatchObject({ startIndex: 1, totalResults: 30 });
    expect(userNames(capped.body)).toEqual(emails(30));
  });

  it('page-size-cap=N: at most N per page, totalResults true; itemsPerPage echoes the request on amplitude, the count on rfc', async () => {
    await withUsers(profile, 5, { quirks: ['page-size-cap=2'] });
    const r = await call(e!, 'GET', `Users?${page(profile, 1, 100)}`);
    expect(userNames(r.body)).toEqual(emails(2));
    expect(r.body).toMatchObject({ startIndex: 1, totalResults: 5, itemsPerPage: profile === 'amplitude' ? 100 : 2 });
    const next = await call(e!, 'GET', `Users?${page(profile, 3, 100)}`);
    expect(userNames(next.body)).toEqual(emails(5).slice(2, 4));
  });

  it('empty-page-at=N: the page starting at N is empty though totalResults says more remain; its neighbours are not', async () => {
    await withUsers(profile, 5, { quirks: ['empty-page-at=3'] });
    const glitch = await call(e!, 'GET', `Users?${page(profile, 3, 2)}`);
    expect(glitch.status).toBe(200);
    expect(glitch.body).toMatchObject({ startIndex: 3, totalResults: 5, Resources: [] });
    expect(userNames((await call(e!, 'GET', `Users?${page(profile, 1, 2)}`)).body)).toEqual(emails(2));
    expect(userNames((await call(e!, 'GET', `Users?${page(profile, 5, 2)}`)).body)).toEqual(emails(5).slice(4));
  });

  it('endless-pages: every page is full of resources never seen before, and totalResults always promises another page', async () => {
    await withUsers(profile, 3, { quirks: ['endless-pages'] }, ['Real']);
    const seen = new Set<string>();
    let start = 1;
    for (let i = 0; i < 30; i++) {
      const r = await call(e!, 'GET', `Users?${page(profile, start, 10)}`);
      expect(r.body.Resources).toHaveLength(10);
      expect(r.body.totalResults).toBeGreaterThanOrEqual(start + 19);
      for (const u of r.body.Resources as { id: string; userName: string }[]) {
        expect(seen.has(u.id)).toBe(false);
        seen.add(u.id);
      }
      start += 10;
    }
    // The real users come first, then the ones that do not exist.
    expect(userNames((await call(e!, 'GET', `Users?${page(profile, 1, 4)}`)).body)).toEqual([...emails(3), 'endless-000004@endless.invalid']);
    const groups = await call(e!, 'GET', `Groups?${page(profile, 1, 5)}`);
    expect(groups.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Real', 'Endless 2', 'Endless 3', 'Endless 4', 'Endless 5']);
    expect(groups.body.totalResults).toBe(10);
  });
});

describe.each<EmulatorProfile>(['amplitude', 'rfc'])('write quirks (%s)', (profile) => {
  async function ids(): Promise<{ a: string; b: string; group: string }> {
    const users = (await call(e!, 'GET', 'Users')).body.Resources as { id: string; userName: string }[];
    const byName = Object.fromEntries(users.map((u) => [u.userName, u.id]));
    const g = await call(e!, 'POST', 'Groups', { displayName: 'G', members: [{ value: byName[emails(2)[0]!] }, { value: byName[emails(2)[1]!] }] });
    return { a: byName[emails(2)[0]!]!, b: byName[emails(2)[1]!]!, group: String(g.body.id) };
  }

  it('keeps-deleted-members: a deleted user stays a member of its groups; without it the member goes', async () => {
    await withUsers(profile, 2, { quirks: ['keeps-deleted-members'] });
    const { a, b, group } = await ids();
    expect((await call(e!, 'DELETE', `Users/${a}`)).status).toBe(204);
    expect((await call(e!, 'GET', `Users/${a}`)).status).toBe(404);
    const g = await call(e!, 'GET', `Groups/${group}`);
    expect(g.body.members.map((m: { value: string }) => m.value)).toEqual([a, b]);
    const listed = await call(e!, 'GET', 'Groups');
    expect(listed.body.Resources[0].members.map((m: { value: string }) => m.value)).toEqual([a, b]);
    // The dangling member can still be removed by its id.
    const rm =
      profile === 'amplitude' ? patch({ op: 'remove', path: 'members', value: [{ value: a }] }) : patch({ op: 'remove', path: `members[value eq "${a}"]` });
    expect((await call(e!, 'PATCH', `Groups/${group}`, rm)).body.members.map((m: { value: string }) => m.value)).toEqual([b]);

    e!.setQuirks([]);
    expect((await call(e!, 'DELETE', `Users/${b}`)).status).toBe(204);
    expect((await call(e!, 'GET', `Groups/${group}`)).body.members).toEqual([]);
  });

  it('patch-204: PATCH of a user and of a group answers 204 without a body, and the change is made', async () => {
    await withUsers(profile, 2, { quirks: ['patch-204'] });
    const { a, b, group } = await ids();
    const u = await call(e!, 'PATCH', `Users/${a}`, patch({ op: 'replace', path: 'name.givenName', value: 'Changed' }));
    expect(u.status).toBe(204);
    expect(u.text).toBe('');
    const g = await call(e!, 'PATCH', `Groups/${group}`, patch({ op: 'remove', path: `members[value eq "${b}"]` }));
    expect(g.status).toBe(204);
    expect(g.text).toBe('');
    expect((await call(e!, 'GET', `Groups/${group}`)).body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    expect((await call(e!, 'GET', `Users/${a}`)).body.name.givenName).toBe('Changed');
    // Other writes keep their answers.
    expect((await call(e!, 'PUT', `Users/${a}`, { schemas: [USER], userName: emails(1)[0], id: a, name: { givenName: 'P', familyName: 'Q' } })).status).toBe(
      200,
    );
  });

  it('no-filter: any filter is 400 invalidFilter, on users and groups; lists without one still work', async () => {
    await withUsers(profile, 2, { quirks: ['no-filter'] }, ['G']);
    for (const path of [`Users?filter=${encodeURIComponent(`userName eq "${emails(1)[0]}"`)}`, `Groups?filter=${encodeURIComponent('displayName eq "G"')}`]) {
      const r = await call(e!, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
    expect((await call(e!, 'GET', 'Users')).body.totalResults).toBe(2);
    if (profile === 'rfc') expect((await call(e!, 'GET', 'ServiceProviderConfig')).body.filter.supported).toBe(false);
  });

  it('slow-list=MS: list answers wait MS (through the injected sleep); other requests do not', async () => {
    const waits: number[] = [];
    const gates: (() => void)[] = [];
    const sleep = (ms: number): Promise<void> => {
      waits.push(ms);
      return new Promise((resolve) => gates.push(resolve));
    };
    await withUsers(profile, 1, { quirks: ['slow-list=250'], sleep }, ['G']);
    let answered = 0;
    const lists = [call(e!, 'GET', 'Users'), call(e!, 'GET', 'Groups')].map((p) => p.then((r) => (answered++, r)));
    await vi.waitFor(() => expect(waits).toEqual([250, 250]));
    expect(answered).toBe(0);
    // A request that is not a list is answered at once, while the lists still wait.
    expect((await call(e!, 'GET', `Users/${e!.users()[0]!.id}`)).status).toBe(200);
    expect(answered).toBe(0);
    expect(waits).toHaveLength(2);
    for (const open of gates) open();
    expect((await Promise.all(lists)).map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('ops-in-order', () => {
  const addThenRemove = (v: string) => patch({ op: 'add', path: 'members', value: [{ value: v }] }, { op: 'remove', path: 'members', value: [{ value: v }] });

  it('amplitude: by default removes are applied before adds (the member stays); with the quirk strictly in order (it goes)', async () => {
    await withUsers('amplitude', 1);
    const member = emails(1)[0]!;
    const g = (await call(e!, 'POST', 'Groups', { displayName: 'G' })).body.id as number;
    const unordered = await call(e!, 'PATCH', `Groups/${g}`, addThenRemove(member));
    expect(unordered.body.members.map((m: { value: string }) => m.value)).toEqual([member]);
    e!.setQuirks(['ops-in-order']);
    await call(e!, 'PATCH', `Groups/${g}`, patch({ op: 'remove', path: 'members', value: [{ value: member }] }));
    const ordered = await call(e!, 'PATCH', `Groups/${g}`, addThenRemove(member));
    expect(ordered.body.members).toEqual([]);
  });

  it('rfc: always in order (RFC 7644 §3.5.2), with or without the quirk', async () => {
    for (const quirks of [[], ['ops-in-order']]) {
      await withUsers('rfc', 1, { quirks });
      const id = e!.users()[0]!.id;
      const g = (await call(e!, 'POST', 'Groups', { displayName: 'G' })).body.id as string;
      const r = await call(
        e!,
        'PATCH',
        `Groups/${g}`,
        patch({ op: 'add', path: 'members', value: [{ value: id }] }, { op: 'remove', path: `members[value eq "${id}"]` }),
      );
      expect(r.body.members, quirks.join()).toEqual([]);
      await e!.stop();
      e = undefined;
    }
  });
});
