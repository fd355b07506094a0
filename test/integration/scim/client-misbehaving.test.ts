import { describe, expect, it } from 'vitest';
import { createScimTarget } from '../../../src/scim/index.js';
import { FAST, captureLogger, rig, seedUsers, thrown } from './harness.js';
import { startLoopback } from './loopback.js';

/**
 * The client against servers that misbehave the way deployed ones do (reference/scim-server-quirks.md): the
 * emulator's quirks, and a loopback server for what the emulator cannot be asked to do.
 */
const INCOMPLETE = 'SCIMSYNC_TARGET_READ_INCOMPLETE';

describe.each(['amplitude', 'rfc'] as const)('reading every page from a %s emulator with a paging quirk', (profile) => {
  it.each([
    { quirk: 'total-results-per-page', users: 250, gets: 3 },
    { quirk: 'page-size-cap=50', users: 120, gets: 3 },
    { quirk: 'page-size-cap=50', users: 100, gets: 2 },
  ])('$quirk, $users users: the whole list, in $gets GETs', async ({ quirk, users, gets }) => {
    const seed = seedUsers(users);
    const { emulator, client } = await rig({ profile, quirks: [quirk], seed: { users: seed } });
    const snap = await client.snapshot();
    expect(snap.users.map((u) => u.userName).sort()).toEqual(seed.map((u) => u.userName));
    expect(emulator.stats().byRoute['GET /Users']).toBe(gets);
  });

  it.each([
    { quirk: 'ignores-start-index', gets: 2, problem: 'the page at startIndex 101 repeats 100 users already read: the target ignores startIndex' },
    // 3, not 2: page 3 was requested ahead while page 2 (the empty one) was on its way. The read-ahead's
    // worst case: one GET more, on a read that stops.
    { quirk: 'empty-page-at=101', gets: 3, problem: 'an empty page at startIndex 101 ended the list after 100 users, but totalResults says 250' },
    {
      quirk: 'endless-pages',
      gets: 4,
      problem: 'the target kept sending full pages of users past its first totalResults (250): 4 pages (400 users) and no end',
    },
  ])('$quirk: the read is incomplete after $gets GETs, and says what the server did', { timeout: 20_000 }, async ({ quirk, gets, problem }) => {
    const { emulator, client } = await rig({ profile, quirks: [quirk], seed: { users: seedUsers(250) } });
    const err = await thrown(() => client.snapshot());
    expect(err).toMatchObject({ code: INCOMPLETE, retryable: false, message: `GET /Users: the read is incomplete: ${problem}` });
    expect(String(err.fix)).toMatch(/nothing was written/);
    expect(emulator.stats().byRoute['GET /Users']).toBe(gets);
    expect(emulator.stats().byRoute['GET /Groups']).toBeUndefined();
  });
});

describe('response bodies are capped', () => {
  it('a list page larger than maxResponseBytes: incomplete, one request', async () => {
    const { emulator, client } = await rig({ seed: { users: seedUsers(50) } }, { maxResponseBytes: 2048 });
    const err = await thrown(() => client.snapshot());
    expect(err).toMatchObject({
      code: INCOMPLETE,
      message: "GET /Users: the read is incomplete: the 200 answer's body is larger than target.maxResponseBytes (2048 bytes)",
    });
    expect(emulator.stats().total).toBe(1);
  });

  it('a body streamed without a length is cut off at the cap, not read to the end', async () => {
    const server = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      const users = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `u${i}`, userName: `u${i}@example.com` }));
      res.write('{"totalResults":2000,"Resources":[');
      for (let i = 0; i < users.length; i += 100) res.write(users.slice(i, i + 100).join(',') + (i + 100 < users.length ? ',' : ''));
      res.end(']}');
    });
    const client = createScimTarget({ url: server.url, token: 'tok-loopback', profile: 'rfc', ...FAST, maxResponseBytes: 16 * 1024 });
    try {
      const err = await thrown(() => client.snapshot());
      expect(err).toMatchObject({ code: INCOMPLETE, message: expect.stringContaining('larger than target.maxResponseBytes (16384 bytes)') });
      expect(server.requests()).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe('group PATCH order', () => {
  it.each([
    { profile: 'amplitude', quirks: ['ops-in-order'] },
    { profile: 'rfc', quirks: [] },
  ] as const)('$profile server applying operations in order: a member both removed and added ends up a member', async ({ profile, quirks }) => {
    const { emulator, client } = await rig({ profile, quirks: [...quirks], seed: { users: seedUsers(2) } });
    const [a, b] = (await client.snapshot()).users;
    const { group } = await client.createGroup('Eng', [a!.id]);
    await client.patchMembers(group.id, [a!.id, b!.id], [a!.id]);
    expect([...((await client.getGroup(group.id))?.members ?? [])].sort()).toEqual([a!.id, b!.id].sort());
    expect(emulator.stats().byRoute['PATCH /Groups/:id']).toBe(1);
  });

  it('getGroup: the group as held now; undefined once it is gone', async () => {
    const { client } = await rig({ profile: 'rfc', seed: { users: seedUsers(1) } });
    const [a] = (await client.snapshot()).users;
    const { group } = await client.createGroup('Eng', [a!.id]);
    expect(await client.getGroup(group.id)).toEqual({ id: group.id, displayName: 'Eng', members: [a!.id] });
    await client.deleteGroup(group.id);
    expect(await client.getGroup(group.id)).toBeUndefined();
  });
});

describe('a server without filters (no-filter)', () => {
  it('rfc: a create that finds the user already there adopts it, looking it up in the list instead', async () => {
    const { emulator, client } = await rig({ profile: 'rfc', quirks: ['no-filter'], seed: { users: seedUsers(3) } });
    const r = await client.createUser({ userName: 'user0001@example.com', givenName: 'Given1', familyName: 'Family1' });
    expect(r).toMatchObject({ adopted: true, user: { userName: 'user0001@example.com' } });
    expect(emulator.stats().byRoute).toEqual({ 'POST /Users': 1, 'GET /Users': 2 });
    expect(emulator.stats().byStatus).toMatchObject({ '409': 1, '400': 1 });
  });
});

describe('throttling is bounded', () => {
  it('a 429 with Retry-After: 100000 stops at once with a message naming the value; nothing is waited for', { timeout: 10_000 }, async () => {
    const server = await startLoopback((_req, res) => {
      res.writeHead(429, { 'retry-after': '100000', 'content-type': 'text/plain' });
      res.end('slow down');
    });
    const client = createScimTarget({ url: server.url, token: 'tok-loopback', profile: 'amplitude', ...FAST });
    try {
      const err = await thrown(() => client.snapshot());
      expect(err).toMatchObject({
        code: 'SCIMSYNC_TARGET_THROTTLED',
        status: 429,
        message: 'GET /Users was refused with 429 and Retry-After: 100000 (100000 s), longer than target.maxRetryAfterSeconds (120 s): stopping the run',
      });
      expect(String(err.fix)).toMatch(/next tick/);
      expect(server.requests()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('retry waits are bounded per run (maxRetryTimeSeconds) and logged once, not once per wait', async () => {
    const log = captureLogger();
    const { emulator, client } = await rig(
      { retryAfter: 'seconds', faults: { burst429: { every: 1, length: 1 } } },
      { logger: log.logger, maxRetries: 10, maxRetryTimeSeconds: 1 },
    );
    const err = await thrown(() => client.snapshot());
    // 1st answer: 429 Retry-After 1 → wait 1 s; 2nd: 429 again, and one more second would pass the bound.
    expect(err).toMatchObject({
      code: 'SCIMSYNC_TARGET_THROTTLED',
      message:
        'GET /Users failed with 429 after this run already waited 1 s in retries; another wait would pass target.maxRetryTimeSeconds (1 s): stopping the run',
    });
    expect(emulator.stats().total).toBe(2);
    await client.close();
    const shown = log.lines().filter((l) => (l['level'] as number) >= 30);
    expect(shown.map((l) => l['msg'])).toEqual([
      'the SCIM target is refusing or failing requests: retrying (the total is logged at the end of the run)',
      'SCIM retries in this run',
    ]);
    expect(shown[1]).toMatchObject({ retries: 1, retryWaitSeconds: 1 });
    expect(log.lines().filter((l) => l['msg'] === 'retrying SCIM request')).toHaveLength(1);
  });
});
