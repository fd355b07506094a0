import { describe, expect, it } from 'vitest';
import { FAST, attrs, captureLogger, rig, seedUsers, thrown } from './harness.js';

const TOKEN = 'tok-Zq9-very-secret-4711';

describe('SCIM client under faults (emulator, amplitude profile unless named)', () => {
  it('401: one request, then fails fast without sending, and never shows the token', async () => {
    const { emulator, client } = await rig({ token: TOKEN });
    emulator.rotateToken('a-new-key');
    const err = await thrown(() => client.snapshot());
    expect(err).toMatchObject({ code: 'SCIMSYNC_SCIM_AUTH', status: 401, retryable: false });
    expect(err.message).toBe('the SCIM target rejected the key (401) for GET /Users');
    expect(String(err.fix)).toMatch(/regenerate the SCIM key/);
    expect(emulator.stats().total).toBe(1);

    const later = await thrown(() => client.createUser(attrs('x@example.com')));
    expect(later).toMatchObject({ code: 'SCIMSYNC_SCIM_AUTH' });
    expect(emulator.stats().total).toBe(1);
    expect(client.requestCounts()).toEqual({ GET: 1 });
    for (const e of [err, later]) {
      for (const text of [String(e), e.stack ?? '', JSON.stringify(e), String(e.fix)]) expect(text).not.toContain(TOKEN);
    }
  });

  it.each(['seconds', 'absent', 'date'] as const)('429 (Retry-After %s): a POST is simply retried, with the delay the server asked for', async (retryAfter) => {
    // The 3rd request of the run (the POST) is refused once. A 429 was not processed: no lookup is needed.
    const log = captureLogger();
    const { emulator, client } = await rig(
      { token: TOKEN, retryAfter, seed: { users: seedUsers(3) }, faults: { burst429: { every: 3, length: 1 } } },
      { logger: log.logger },
    );
    expect((await client.snapshot()).users).toHaveLength(3);
    const created = await client.createUser(attrs('after429@example.com'));
    expect(created.adopted).toBe(false);
    expect(emulator.users().filter((u) => u.userName === 'after429@example.com')).toHaveLength(1);
    expect(emulator.stats().byStatus['429']).toBe(1);
    expect(emulator.stats().byRoute).toEqual({ 'GET /Users': 1, 'GET /Groups': 1, 'POST /Users': 2 });
    expect(client.requestCounts()).toEqual({ GET: 2, POST: 2 });
    expect(client.requestStatusCounts?.()).toEqual({ GET: { '200': 2 }, POST: { '429': 1, '201': 1 } });

    const retries = log.lines().filter((l) => l['msg'] === 'retrying SCIM request');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: 'POST', path: '/Users', status: 429, attempt: 1, component: 'scim' });
    const delayMs = retries[0]?.['delayMs'] as number;
    if (retryAfter === 'seconds') expect(delayMs).toBe(1000);
    if (retryAfter === 'date') expect(delayMs).toBeGreaterThan(0);
    if (retryAfter === 'date') expect(delayMs).toBeLessThanOrEqual(2000);
    if (retryAfter === 'absent') expect(delayMs).toBeLessThanOrEqual(FAST.backoff.baseMs);
    // Logs carry ids and statuses, never the key or a request body.
    expect(log.raw()).not.toContain(TOKEN);
    expect(log.raw()).not.toContain('givenName');
  });

  it('429 that never ends: gives up after maxRetries with a TargetError naming the status', async () => {
    const { emulator, client } = await rig({ retryAfter: 'absent', faults: { burst429: { every: 1, length: 1 } } }, { maxRetries: 2 });
    const err = await thrown(() => client.deleteUser('gone@example.com'));
    expect(err).toMatchObject({ code: 'SCIMSYNC_SCIM_HTTP', status: 429, retryable: true });
    expect(err.message).toMatch(/^DELETE \/Users\/gone@example.com failed with 429 after 3 attempts/);
    expect(emulator.stats().total).toBe(3);
  });

  it('503 on a POST before anything was written: looks up, finds nothing, retries, creates once', async () => {
    const { emulator, client } = await rig({ faults: { script: [{ method: 'POST', route: '/Users', nth: 1, action: 'status', status: 503 }] } });
    const r = await client.createUser(attrs('retry503@example.com'));
    expect(r.adopted).toBe(false);
    expect(emulator.users().filter((u) => u.userName === 'retry503@example.com')).toHaveLength(1);
    expect(emulator.stats().byRoute).toMatchObject({ 'POST /Users': 2, 'GET /Users/:id': 1 });
  });

  it.each(['amplitude', 'rfc'] as const)('%s: 502 after the POST /Users was committed: adopts, no duplicate, no second POST', async (profile) => {
    const script = [{ method: 'POST', route: '/Users', nth: 1, action: 'status-after-commit', status: 502 }] as const;
    const { emulator, client } = await rig({ profile, faults: { script } });
    const r = await client.createUser(attrs('ambiguous@example.com', 'Am', 'Biguous', 'ext-9'));
    expect(r.adopted).toBe(true);
    expect(r.user.userName).toBe('ambiguous@example.com');
    const held = emulator.users().filter((u) => u.userName.toLowerCase() === 'ambiguous@example.com');
    expect(held).toHaveLength(1);
    expect(r.user.id).toBe(held[0]?.id);
    expect(emulator.stats().byRoute['POST /Users']).toBe(1);
  });

  it('502 after a committed POST /Groups: adopts the group found by name', async () => {
    const script = [{ method: 'POST', route: '/Groups', nth: 1, action: 'status-after-commit', status: 502 }] as const;
    const { emulator, client } = await rig({ seed: { users: seedUsers(1) }, faults: { script } });
    const r = await client.createGroup('Ops', ['user0000@example.com']);
    expect(r.adopted).toBe(true);
    expect(emulator.groups()).toHaveLength(1);
    expect(r.group).toMatchObject({ id: emulator.groups()[0]?.id, members: ['user0000@example.com'] });
    expect(emulator.stats().byRoute['POST /Groups']).toBe(1);
  });

  it('connection reset: an idempotent request is repeated, a POST is looked up first', async () => {
    const script = [
      { method: 'GET', route: '/Users', nth: 1, action: 'reset' },
      { method: 'POST', route: '/Users', nth: 1, action: 'reset' },
      { method: 'PUT', route: '/Users/:id', nth: 1, action: 'reset' },
    ] as const;
    const { emulator, client } = await rig({ seed: { users: seedUsers(2) }, faults: { script } });
    expect((await client.snapshot()).users).toHaveLength(2);
    const r = await client.createUser(attrs('reset@example.com'));
    expect(r.adopted).toBe(false);
    await client.updateUser('reset@example.com', attrs('reset@example.com', 'Re', 'Set'));
    expect(emulator.users().find((u) => u.userName === 'reset@example.com')).toMatchObject({ givenName: 'Re' });
    expect(emulator.stats().byStatus['reset']).toBe(3);
    expect(emulator.stats().byRoute).toMatchObject({ 'GET /Users': 2, 'POST /Users': 2, 'GET /Users/:id': 1, 'PUT /Users/:id': 2 });
  });

  it('a slow answer past timeoutMs is a network failure and is retried', async () => {
    const script = [{ method: 'GET', route: '/Groups', nth: 1, action: 'latency', ms: 600 }] as const;
    const { emulator, client } = await rig({ faults: { script } }, { timeoutMs: 150 });
    const snap = await client.snapshot();
    expect(snap.groups).toEqual([]);
    expect(emulator.stats().byRoute['GET /Groups']).toBe(2);
  });

  it('a POST that outruns timeoutMs: looked up, then retried, and the target ends with one user', async () => {
    const script = [{ method: 'POST', route: '/Users', nth: 1, action: 'latency', ms: 500 }] as const;
    const { emulator, client } = await rig({ faults: { script } }, { timeoutMs: 150 });
    const r = await client.createUser(attrs('slow@example.com'));
    expect(r.user.userName).toBe('slow@example.com');
    // Let the slow first POST reach the store too: it must find the user there and refuse (409), not duplicate.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.users().filter((u) => u.userName === 'slow@example.com')).toHaveLength(1);
    expect(emulator.stats().byRoute['GET /Users/:id']).toBeGreaterThanOrEqual(1);
  });

  it('latency alone changes nothing: all operations succeed', async () => {
    const { emulator, client } = await rig({ seed: { users: seedUsers(120) }, faults: { latencyMs: 20, latencyJitterMs: 20 } }, { concurrency: 2 });
    const snap = await client.snapshot();
    expect(snap.users).toHaveLength(120);
    await Promise.all([client.createUser(attrs('l1@example.com')), client.createUser(attrs('l2@example.com'))]);
    expect(emulator.users()).toHaveLength(122);
  });

  it('a page that keeps failing makes snapshot throw: never a partial list', async () => {
    const script = [
      { method: 'GET', route: '/Users', nth: 2, action: 'status', status: 500 },
      { method: 'GET', route: '/Users', nth: 3, action: 'status', status: 500 },
    ] as const;
    const { client } = await rig({ seed: { users: seedUsers(150) }, faults: { script } }, { maxRetries: 1 });
    const err = await thrown(() => client.snapshot());
    expect(err).toMatchObject({ code: 'SCIMSYNC_SCIM_HTTP', status: 500 });
    expect(err.message).toMatch(/^GET \/Users failed with 500 after 2 attempts: injected fault/);
    expect(err.message).not.toContain('startIndex');
  });

  it('random 5xx and resets: a full snapshot and writes still converge with no duplicates', async () => {
    const faults = { seed: 7, errorRate: [{ status: 503 as const, rate: 0.15 }], resetRate: 0.1 };
    const { emulator, client } = await rig({ profile: 'rfc', seed: { users: seedUsers(230) }, faults }, { maxRetries: 8 });
    const snap = await client.snapshot();
    expect(snap.users).toHaveLength(230);
    for (let i = 0; i < 10; i++) await client.createUser(attrs(`new${i}@example.com`));
    const held = emulator.users().filter((u) => u.userName.startsWith('new'));
    expect(held).toHaveLength(10);
  });

  it('the client budget spaces requests: perMinute is never exceeded against a limiting server', async () => {
    // The emulator refuses past 5/min; the client keeps to 5 itself, so no request is ever refused.
    const { emulator, client } = await rig({ rateLimit: 5, seed: { users: seedUsers(1) } }, { perMinute: 5 });
    await client.snapshot();
    await client.createUser(attrs('b1@example.com'));
    await client.createUser(attrs('b2@example.com'));
    await client.deleteUser('b1@example.com');
    expect(emulator.stats().total).toBe(5);
    expect(emulator.stats().byStatus['429']).toBeUndefined();
    // The sixth would have to wait a minute: abort it, nothing is sent.
    const err = await thrown(() => client.deleteUser('b2@example.com', AbortSignal.timeout(100)));
    expect(err).toMatchObject({ code: 'SCIMSYNC_ABORTED' });
    expect(emulator.stats().total).toBe(5);
  });
});
