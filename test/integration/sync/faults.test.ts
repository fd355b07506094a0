import { afterEach, describe, expect, it } from 'vitest';
import { createSyncHarness, people, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function expectNoDuplicates(harness: SyncHarness, expected: number): void {
  const names = harness.emulator.users().map((u) => u.userName);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toHaveLength(expected);
}

describe('faults from the target', () => {
  it.each(['seconds', 'absent', 'date'] as const)('429 bursts with Retry-After %s: the run converges, no duplicate', async (retryAfter) => {
    // One POST /Users per person (not invites through the group), so that the bursts hit creates.
    h = await createSyncHarness({ target: { inviteThroughGroups: false }, emulator: { retryAfter, faults: { seed: 7, burst429: { every: 5, length: 1 } } } });
    const ps = people(8, ['Engineering']);
    await h.setPeople(ps);
    const r = await h.apply();
    expect(r.outcome).toBe('converged');
    expect(h.emulator.stats().byStatus['429']).toBeGreaterThan(0);
    expectNoDuplicates(h, 8);
  });

  it('5xx, connection resets and slow responses: converges within a few runs, no duplicate', async () => {
    h = await createSyncHarness({
      target: { inviteThroughGroups: false },
      emulator: {
        faults: {
          seed: 42,
          errorRate: [
            { status: 500, rate: 0.05 },
            { status: 502, rate: 0.05 },
            { status: 503, rate: 0.05 },
          ],
          resetRate: 0.05,
          latencyMs: 5,
        },
      },
    });
    const ps = people(30, ['Engineering', 'Sales']);
    await h.setPeople(ps);
    let outcome = '';
    for (let run = 0; run < 3 && outcome !== 'converged'; run++) outcome = (await h.apply()).outcome;
    expect(outcome).toBe('converged');
    expectNoDuplicates(h, 30);
    const faulted = Object.entries(h.emulator.stats().byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((a, [, n]) => a + n, 0);
    expect(faulted).toBeGreaterThan(0);
  });

  it('a POST that succeeded but answered 502 is adopted, not duplicated', async () => {
    h = await createSyncHarness({
      emulator: { faults: { script: [{ method: 'POST', route: '/Users', nth: 2, action: 'status-after-commit', status: 502 }] } },
    });
    await h.setPeople(people(4, []));
    const r = await h.apply();
    expect(r.outcome).toBe('converged');
    expectNoDuplicates(h, 4);
    const again = await h.plan();
    expect(again.plan.summary.createUsers).toBe(0);
  });

  it('a scripted 503 on the 3rd POST /Users is retried', async () => {
    h = await createSyncHarness({ emulator: { faults: { script: [{ method: 'POST', route: '/Users', nth: 3, action: 'status', status: 503 }] } } });
    await h.setPeople(people(5, []));
    const r = await h.apply();
    expect(r.outcome).toBe('converged');
    expectNoDuplicates(h, 5);
    expect(h.emulator.stats().byStatus['503']).toBe(1);
  });
});
