import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import { runCycle } from '../../../src/daemon/run-cycle.js';
import { silentLogger } from '../../../src/log.js';
import { createDaemonFixture, people, type DaemonFixture } from './fixture.js';

let fx: DaemonFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('the daemon signal across runs', () => {
  it('keeps no listener of a finished run on the daemon-wide stop signal (a run would otherwise stay in memory)', async () => {
    fx = await createDaemonFixture();
    const controller = new AbortController();
    const metrics = createDaemonMetrics();
    const cycle = () => runCycle({ configPath: fx!.configPath, logger: silentLogger(), metrics, signal: controller.signal, progressIntervalMs: 30_000 });

    const everyone = people(4);
    await fx.setPeople(everyone);
    // Creates (writes), a no-op, a leaver: every kind of run an apply makes.
    for (const list of [everyone, everyone, everyone.slice(1)]) {
      await fx.setPeople(list);
      const report = await cycle();
      expect(report.result).toBe('success');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }
    expect(
      fx.emulator
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(everyone.slice(1).map((p) => p.email));
  });
});
