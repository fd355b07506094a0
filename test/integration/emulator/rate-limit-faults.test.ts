import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import { call, ERROR, userBody } from './helpers.js';

let e: RunningEmulator | undefined;
afterEach(async () => {
  await e?.stop();
  e = undefined;
});

/** An emulator on a hand-driven clock, so the rolling window is tested without waiting a minute. */
async function clocked(options: EmulatorOptions): Promise<{ em: RunningEmulator; clock: { now: number } }> {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const em = await startEmulator({ ...options, clock: () => clock.now });
  e = em;
  return { em, clock };
}

describe('rate limit', () => {
  it('defaults to 100 requests per rolling 60 s on the amplitude profile, then 429 with Retry-After seconds', async () => {
    const { em, clock } = await clocked({});
    const first = await Promise.all(Array.from({ length: 100 }, () => call(em, 'GET', 'Users')));
    expect(first.every((r) => r.status === 200)).toBe(true);
    clock.now += 20_500;
    const refused = await call(em, 'GET', 'Users');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ schemas: [ERROR], status: '429' });
    // The oldest request leaves the window 39.5 s from now: rounded up.
    expect(refused.headers['retry-after']).toBe('40');
    clock.now += 39_500;
    expect((await call(em, 'GET', 'Users')).status).toBe(200);
    expect(em.stats().byStatus).toEqual({ '200': 101, '429': 1 });
    expect(em.stats().total).toBe(102);
  });

  it('rolls: slots free one by one as requests age out of the window', async () => {
    const { em, clock } = await clocked({ rateLimit: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await call(em, 'GET', 'Users')).status).toBe(200);
      clock.now += 10_000;
    }
    // t=30 s: window holds requests at 0, 10, 20 s.
    expect((await call(em, 'GET', 'Users')).headers['retry-after']).toBe('30');
    clock.now = clock.now + 30_000; // t=60 s: the request at 0 s has left.
    expect((await call(em, 'GET', 'Users')).status).toBe(200);
    expect((await call(em, 'GET', 'Users')).status).toBe(429);
  });

  it('carries Retry-After as an HTTP date, or not at all, as configured', async () => {
    const { em, clock } = await clocked({ rateLimit: 1, retryAfter: 'date' });
    await call(em, 'GET', 'Users');
    const r = await call(em, 'GET', 'Users');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe(new Date(clock.now + 60_000).toUTCString());
    await em.stop();
    const absent = await clocked({ rateLimit: 1, retryAfter: 'absent' });
    await call(absent.em, 'GET', 'Users');
    const r2 = await call(absent.em, 'GET', 'Users');
    expect(r2.status).toBe(429);
    expect(r2.headers['retry-after']).toBeUndefined();
  });

  it('counts per token: a rotated key starts a fresh window and the old key gets 401 at once', async () => {
    const { em } = await clocked({ rateLimit: 2 });
    await call(em, 'GET', 'Users');
    await call(em, 'GET', 'Users');
    expect((await call(em, 'GET', 'Users')).status).toBe(429);
    const old = em.token;
    const fresh = em.rotateToken('new-key');
    expect(fresh).toBe('new-key');
    expect(em.token).toBe('new-key');
    expect((await call(em, 'GET', 'Users', undefined, { token: old })).status).toBe(401);
    expect((await call(em, 'GET', 'Users')).status).toBe(200);
    expect(em.rotateToken()).toMatch(/^emulator-[0-9a-f]{24}$/);
  });
});

describe('faults', () => {
  it('scripted 503 on the 3rd POST /Users: only that request fails and nothing is created by it', async () => {
    e = await startEmulator({ rateLimit: 0, faults: { script: [{ method: 'POST', route: '/Users', nth: 3, action: 'status', status: 503 }] } });
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push((await call(e, 'POST', 'Users', userBody(`u${i}@example.com`))).status);
    expect(statuses).toEqual([201, 201, 503, 201]);
    expect(e.users().map((u) => u.id)).toEqual(['u1@example.com', 'u2@example.com', 'u4@example.com']);
    expect(e.stats().byStatus).toEqual({ '201': 3, '503': 1 });
    expect(e.stats().writes).toBe(4);
  });

  it('status-after-commit: the write happens, the client sees 502, and a retry finds a 409', async () => {
    e = await startEmulator({ rateLimit: 0, faults: { script: [{ method: 'POST', route: '/Users', nth: 1, action: 'status-after-commit', status: 502 }] } });
    const r = await call(e, 'POST', 'Users', userBody('amb@example.com'));
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: '502' });
    expect(e.users().map((u) => u.id)).toEqual(['amb@example.com']);
    expect((await call(e, 'POST', 'Users', userBody('amb@example.com'))).status).toBe(409);
  });

  it('reset destroys the socket without an answer, and is counted once', async () => {
    e = await startEmulator({ rateLimit: 0 });
    e.setFaults({ script: [{ method: 'GET', route: '/Users/:id', nth: 1, action: 'reset' }] });
    await call(e, 'POST', 'Users', userBody('r@example.com'));
    await expect(call(e, 'GET', 'Users/r@example.com')).rejects.toThrow();
    expect((await call(e, 'GET', 'Users/r@example.com')).status).toBe(200);
    expect(e.stats()).toMatchObject({ total: 3, byRoute: { 'POST /Users': 1, 'GET /Users/:id': 2 }, byStatus: { '201': 1, reset: 1, '200': 1 } });
  });

  it('latency delays the answer past a client timeout (no duration asserted)', async () => {
    e = await startEmulator({ rateLimit: 0, faults: { script: [{ method: 'GET', route: '/Users', nth: 1, action: 'latency', ms: 1000 }] } });
    await expect(request(`${e.url}Users`, { headers: { authorization: `Bearer ${e.token}` }, signal: AbortSignal.timeout(100) })).rejects.toThrow(
      /abort|timeout/i,
    );
    const ok = await request(`${e.url}Users`, { headers: { authorization: `Bearer ${e.token}` }, signal: AbortSignal.timeout(5000) });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  });

  it('burst429 refuses the last `length` requests of every cycle with Retry-After 1', async () => {
    e = await startEmulator({ rateLimit: 0, faults: { burst429: { every: 4, length: 1 } } });
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 8; i++) {
      const r = await call(e, 'GET', 'Users');
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers['retry-after'];
    }
    expect(statuses).toEqual([200, 200, 200, 429, 200, 200, 200, 429]);
    expect(retryAfter).toBe('1');
  });

  it('random errors and resets are deterministic for a seed', async () => {
    const run = async (seed: number): Promise<(number | string)[]> => {
      const em = await startEmulator({
        rateLimit: 0,
        faults: {
          seed,
          errorRate: [
            { status: 500, rate: 0.2 },
            { status: 503, rate: 0.2 },
          ],
          resetRate: 0.1,
        },
      });
      const out: (number | string)[] = [];
      for (let i = 0; i < 40; i++)
        out.push(
          await call(em, 'GET', 'Users').then(
            (r) => r.status,
            () => 'reset',
          ),
        );
      const stats = em.stats();
      await em.stop();
      expect(stats.total).toBe(40);
      return out;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 500, 503, 'reset']));
    expect(await run(8)).not.toEqual(a);
  });

  it('setFaults restarts the nth counters; bad fault options are refused with a ConfigError', async () => {
    e = await startEmulator({ rateLimit: 0 });
    await call(e, 'GET', 'Users');
    e.setFaults({ script: [{ method: 'GET', route: '/Users', nth: 1, action: 'status', status: 500 }] });
    expect((await call(e, 'GET', 'Users')).status).toBe(500);
    expect((await call(e, 'GET', 'Users')).status).toBe(200);
    expect(() => e?.setFaults({ resetRate: 2 })).toThrow(/faults.resetRate/);
    expect(() => e?.setFaults({ errorRate: [{ status: 404 as 500, rate: 0.1 }] })).toThrow(/status/);
  });
});
