import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { emulatorCommand } from '../../../src/cli/commands/emulator.js';
import { ConfigError } from '../../../src/errors.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, patch, userBody } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'scimsync-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let e: RunningEmulator | undefined;
afterEach(async () => {
  await e?.stop();
  e = undefined;
  vi.restoreAllMocks();
});

function admin(em: RunningEmulator, method: string, path: string, body?: unknown, token?: string | null) {
  return call(em, method, path, body, { base: em.adminUrl, token });
}

describe('/_admin/', () => {
  it('offers stats, state, events, accept-invite, rotate-key, faults and reset; admin calls are not counted', async () => {
    e = await startEmulator({ rateLimit: 0 });
    await call(e, 'POST', 'Users', userBody('a@example.com', 'Ann', 'Lee'));
    await call(e, 'POST', 'Groups', { displayName: 'G', members: [{ value: 'a@example.com' }] });
    const stats = await admin(e, 'GET', 'stats');
    expect(stats.body).toEqual({
      total: 2,
      byMethod: { POST: 2 },
      byRoute: { 'POST /Users': 1, 'POST /Groups': 1 },
      byStatus: { '201': 1, '200': 1 },
      writes: 2,
      maxListsInFlight: 0,
    });
    const state = await admin(e, 'GET', 'state');
    expect(state.body).toEqual({
      users: [{ id: 'a@example.com', userName: 'a@example.com', givenName: 'Ann', familyName: 'Lee', active: true, pending: true }],
      groups: [{ id: expect.any(String), displayName: 'G', members: ['a@example.com'] }],
    });
    expect((await admin(e, 'GET', 'events')).body).toEqual([{ type: 'invite', userName: 'a@example.com', at: expect.any(String) }]);

    expect((await admin(e, 'POST', 'accept-invite', { userName: 'A@example.com' })).status).toBe(204);
    expect((await call(e, 'GET', 'Users/a@example.com')).body.name).toEqual({ givenName: 'Ann', familyName: 'Lee' });
    expect((await admin(e, 'POST', 'accept-invite', { userName: 'nobody@example.com' })).status).toBe(404);

    expect((await admin(e, 'POST', 'faults', { script: [{ method: 'GET', route: '/Users', nth: 1, action: 'status', status: 503 }] })).status).toBe(204);
    expect((await call(e, 'GET', 'Users')).status).toBe(503);
    expect((await admin(e, 'POST', 'faults', { resetRate: 5 })).status).toBe(400);

    expect((await admin(e, 'POST', 'reset-stats')).status).toBe(204);
    expect(e.stats()).toEqual({ total: 0, byMethod: {}, byRoute: {}, byStatus: {}, writes: 0, maxListsInFlight: 0 });

    const old = e.token;
    const rotated = await admin(e, 'POST', 'rotate-key', { token: 'second-key' });
    expect(rotated.body).toEqual({ token: 'second-key' });
    expect((await call(e, 'GET', 'Users', undefined, { token: old })).status).toBe(401);
    expect((await admin(e, 'GET', 'stats', undefined, old)).status).toBe(401);
    expect((await admin(e, 'GET', 'nope')).status).toBe(404);

    expect((await admin(e, 'POST', 'reset')).status).toBe(204);
    expect(e.users()).toEqual([]);
    expect(e.groups()).toEqual([]);
    expect(e.stats().total).toBe(0);
  });
});

describe('seed and options', () => {
  it('seeds joined and pending users and groups; amplitude invites unknown group members', async () => {
    e = await startEmulator({
      rateLimit: 0,
      seed: {
        users: [
          { userName: 'j@example.com', givenName: 'J', familyName: 'Oined' },
          { userName: 'p@example.com', givenName: 'P', familyName: 'Ending', pending: true },
        ],
        groups: [{ displayName: 'Team', members: ['j@example.com', 'x@example.com'] }],
      },
    });
    const list = await call(e, 'GET', 'Users');
    expect(list.body.Resources.map((u: { name: unknown }) => u.name)).toEqual([
      { givenName: 'J', familyName: 'Oined' },
      { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' },
      { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' },
    ]);
    expect(e.groups()[0]?.members).toEqual(['j@example.com', 'x@example.com']);
  });

  it('refuses bad options and seeds with a ConfigError naming them', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/emulator option port/);
    await expect(startEmulator({ profile: 'scim1' as 'rfc' })).rejects.toBeInstanceOf(ConfigError);
    await expect(startEmulator({ seed: { users: [{ userName: '' }] } })).rejects.toThrow(/users\[0\]/);
    await expect(startEmulator({ profile: 'rfc', seed: { groups: [{ displayName: 'G', members: ['ghost@example.com'] }] } })).rejects.toThrow(/ghost/);
  });
});

describe('persistence', () => {
  it('saves users and groups and loads them back with the same ids', async () => {
    const file = join(dir, 'store.json');
    e = await startEmulator({ rateLimit: 0, persistPath: file });
    await call(e, 'POST', 'Users', userBody('keep@example.com', 'Kee', 'P'));
    const g = await call(e, 'POST', 'Groups', { displayName: 'G', members: [{ value: 'keep@example.com' }] });
    await e.stop();
    e = undefined;
    expect(JSON.parse(readFileSync(file, 'utf8')).users).toHaveLength(1);
    e = await startEmulator({ rateLimit: 0, persistPath: file, seed: { users: [{ userName: 'ignored@example.com' }] } });
    expect(e.users()).toEqual([{ id: 'keep@example.com', userName: 'keep@example.com', givenName: 'Kee', familyName: 'P', active: true, pending: true }]);
    expect(e.groups()).toEqual([{ id: String(g.body.id), displayName: 'G', members: ['keep@example.com'] }]);
    const next = await call(e, 'POST', 'Groups', { displayName: 'H' });
    expect(next.body.id).toBeGreaterThan(g.body.id);
    await call(e, 'PATCH', `Groups/${g.body.id}`, patch({ op: 'remove', path: 'members', value: [{ value: 'keep@example.com' }] }));
    await e.stop();
    e = undefined;
    expect(JSON.parse(readFileSync(file, 'utf8')).groups[0].members).toEqual([]);
  });

  it('refuses a corrupt file or one from the other profile', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    await expect(startEmulator({ persistPath: bad })).rejects.toThrow(/bad\.json is unusable/);
    const amp = join(dir, 'amp.json');
    const first = await startEmulator({ persistPath: amp });
    await first.stop();
    await expect(startEmulator({ profile: 'rfc', persistPath: amp })).rejects.toThrow(/amplitude profile/);
  });
});

describe('scimsync emulator (CLI command)', () => {
  it('prints one line naming a bad flag and returns 1', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const argv of [['--port', 'abc'], ['--profile', 'scim1'], ['--bogus'], ['--seed', join(dir, 'missing.json')], ['--retry-after', 'never']]) {
      err.mockClear();
      expect(await emulatorCommand(argv)).toBe(1);
      expect(err).toHaveBeenCalledTimes(1);
      const line = String(err.mock.calls[0]?.[0]);
      expect(line.split('\n')).toHaveLength(1);
      expect(line).toMatch(/fix:/);
      expect(line).toContain(argv[0]?.replace(/^--/, ''));
    }
  });

  it('prints "listening on URL", serves the seed with the given token and rate limit, stops on SIGTERM with 0', async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ users: [{ userName: 'cli@example.com', givenName: 'C', familyName: 'Li' }], groups: [] }));
    const lines: string[] = [];
    const listening = new Promise<string>((resolve) => {
      vi.spyOn(console, 'log').mockImplementation((msg: string) => {
        lines.push(msg);
        resolve(msg);
      });
    });
    const done = emulatorCommand(['--port', '0', '--token', 'cli-secret', '--rate-limit', '1', '--seed', seed, '--retry-after', 'absent']);
    const line = await listening;
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+\/scim\/1\/)$/.exec(line)?.[1];
    expect(url).toBeDefined();
    const fake = { url: url as string, token: 'cli-secret' } as RunningEmulator;
    const r = await call(fake, 'GET', 'Users/cli@example.com');
    expect(r.body.name).toEqual({ givenName: 'C', familyName: 'Li' });
    const limited = await call(fake, 'GET', 'Users');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeUndefined();
    process.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(lines.join('\n')).not.toContain('cli-secret');
  });
});
