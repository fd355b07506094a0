import { describe, expect, it } from 'vitest';
import { rig, seedUsers, thrown } from './harness.js';

/**
 * Reading a list ahead (client.ts #list): the next page is requested while the current one is on its way, so
 * two list GETs are at the server at once, and the requests are those of a sequential read.
 */

/**
 * The emulator's slow-list wait, held until a second list request waits too (then both go on), or until a
 * fallback timer: a client that reads one page at a time is never seen with two, but is not stuck either.
 */
function pairingSleep(): (ms: number) => Promise<void> {
  const waiting: (() => void)[] = [];
  return () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(release, 300);
      function release(): void {
        clearTimeout(timer);
        for (const open of waiting.splice(0)) open();
      }
      waiting.push(resolve);
      if (waiting.length >= 2) release();
    });
}

describe.each(['amplitude', 'rfc'] as const)('reading a %s list ahead', (profile) => {
  it('350 users: page k+1 is at the server while page k is answered, and still 4 GETs /Users + 1 GET /Groups', async () => {
    const seed = seedUsers(350);
    const { emulator, client } = await rig({ profile, quirks: ['slow-list=1'], sleep: pairingSleep(), seed: { users: seed } });
    const snap = await client.snapshot();
    expect(snap.users.map((u) => u.userName).sort()).toEqual(seed.map((u) => u.userName));
    const stats = emulator.stats();
    expect(stats.maxListsInFlight).toBe(2);
    expect(stats.byRoute).toEqual({ 'GET /Users': 4, 'GET /Groups': 1 });
    expect(stats.total).toBe(5);
  });

  it('a list that fits a page is read alone: nothing to read ahead (1 GET each)', async () => {
    const { emulator, client } = await rig({ profile, quirks: ['slow-list=1'], sleep: pairingSleep(), seed: { users: seedUsers(99) } });
    await client.snapshot();
    expect(emulator.stats()).toMatchObject({ maxListsInFlight: 1, total: 2, byRoute: { 'GET /Users': 1, 'GET /Groups': 1 } });
  });

  it('stopping the run while page 2 and page 3 (asked ahead) wait: the read ends aborted, after those 3 GETs', async () => {
    const stop = new AbortController();
    const { emulator, client } = await rig({
      profile,
      quirks: ['slow-list=1'],
      // The third list request (page 3, asked ahead with page 2) stops the run while both wait.
      sleep: (() => {
        let lists = 0;
        const pair = pairingSleep();
        return (ms: number) => {
          if (++lists === 3) stop.abort();
          return pair(ms);
        };
      })(),
      seed: { users: seedUsers(350) },
    });
    const err = await thrown(() => client.snapshot(stop.signal));
    expect(err.code).toBe('SCIMSYNC_ABORTED');
    expect(emulator.stats().byRoute).toEqual({ 'GET /Users': 3 });
  });
});
