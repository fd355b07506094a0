import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateBudget } from '../../../src/scim/budget.js';

// The budget reads performance.now() and waits with setTimeout: both are faked, so windows are exact and no
// test waits for real time (setImmediate stays real, for `tick`).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Resolves after the current macrotask queue, so already-settled promises have run their callbacks. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RateBudget', () => {
  it('lets the first N through at once and holds the next until the oldest is older than the window', async () => {
    const budget = new RateBudget(3, 200);
    let done = 0;
    const all = Array.from({ length: 4 }, () => budget.acquire().then(() => done++));
    await tick();
    expect(done).toBe(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(done).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(4);
    await Promise.all(all);
  });

  it('never allows more than N sends in any window (sliding, not fixed)', async () => {
    const windowMs = 200;
    const budget = new RateBudget(4, windowMs);
    const sentAt: number[] = [];
    const all = Promise.all(Array.from({ length: 10 }, () => budget.acquire().then(() => sentAt.push(performance.now()))));
    await vi.runAllTimersAsync();
    await all;
    expect(sentAt).toHaveLength(10);
    // The property a server's rolling window checks: send i and send i+N are more than a window apart.
    for (let i = 0; i + 4 < sentAt.length; i++) {
      expect((sentAt[i + 4] as number) - (sentAt[i] as number)).toBeGreaterThan(windowMs);
    }
    // And no later than needed: each batch goes as soon as the one before has left the window.
    const start = sentAt[0] as number;
    expect(sentAt.map((t) => t - start)).toEqual([0, 0, 0, 0, 201, 201, 201, 201, 402, 402]);
  });

  it('serves waiters first come, first served', async () => {
    const budget = new RateBudget(1, 50);
    const order: number[] = [];
    const all = Promise.all([1, 2, 3].map((n) => budget.acquire().then(() => order.push(n))));
    await vi.runAllTimersAsync();
    await all;
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects an aborted waiter without spending its slot', async () => {
    const budget = new RateBudget(2, 150);
    await budget.acquire();
    await budget.acquire();
    const controller = new AbortController();
    const aborted = budget.acquire(controller.signal);
    const next = budget.acquire();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'SCIMSYNC_ABORTED' });
    await vi.advanceTimersByTimeAsync(151);
    await next;
    // Both early slots expired together; had the aborted waiter stayed queued it would hold the second one.
    expect(budget.inWindow()).toBe(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const budget = new RateBudget(5, 1000);
    await expect(budget.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'SCIMSYNC_ABORTED' });
    expect(budget.inWindow()).toBe(0);
  });

  it('perMinute 0 turns the budget off', async () => {
    const budget = new RateBudget(0, 60_000);
    let done = 0;
    const all = Array.from({ length: 500 }, () => budget.acquire().then(() => done++));
    await tick();
    expect(done).toBe(500);
    await Promise.all(all);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses perMinute %s', (n) => {
    expect(() => new RateBudget(n)).toThrow(/perMinute/);
  });
});
