import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { keepParses } from '../kept-parses.js';
import { startHealthServer, type Readiness } from './http-server.js';
import { createDaemonMetrics, type DaemonMetrics } from './metrics.js';
import { RunSlot } from './run-slot.js';
import { createSchedule } from './scheduler.js';

export interface DaemonOptions {
  /** Re-read at every run (config and secret files), so rotations need no restart. */
  readonly configPath: string;
  /** The config as loaded (and validated) at start: schedule, listen address and shutdown bound come from it. */
  readonly loaded: LoadedConfig;
  readonly logger: Logger;
  /** Start with a run instead of waiting for the first tick. @default false */
  readonly runNow?: boolean;
  /** Log apply progress this often during a long run. @default 30000 */
  readonly progressIntervalMs?: number;
}

export interface Daemon {
  /** Base URL of the health and metrics listener. */
  readonly url: string;
  readonly metrics: DaemonMetrics;
  /**
   * Stops ticking, aborts the in-flight run (the executor starts no new operation, the request under way
   * finishes), waits for it up to `daemon.shutdownTimeoutMs`, then closes the listener. `clean` is false when
   * the bound passed and the run was abandoned (its state was flushed as far as it got).
   */
  stop(reason: string): Promise<{ readonly clean: boolean }>;
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = opts.logger.child({ component: 'daemon' });
  const config = opts.loaded.config;
  const metrics = createDaemonMetrics();
  // Every run reads the state, the target snapshot and a CSV source again; unchanged bytes reuse the last parse (kept-parses.ts).
  keepParses();
  const controller = new AbortController();
  const runs = new RunSlot({
    configPath: opts.configPath,
    logger: opts.logger,
    metrics,
    signal: controller.signal,
    progressIntervalMs: opts.progressIntervalMs ?? 30_000,
  });
  let stopping: Promise<{ clean: boolean }> | undefined;
  const trigger = (why: 'schedule' | 'startup'): void => {
    if (!stopping) runs.trigger(why);
  };

  const schedule = createSchedule(config.schedule, () => trigger('schedule'), opts.logger);
  const readiness = (): Readiness => runs.readiness(stopping !== undefined);
  const server = await startHealthServer({ listen: config.daemon.listen, registry: metrics.registry, readiness, logger: log });
  schedule.start();
  log.info({ schedule: config.schedule, nextRun: schedule.nextRun()?.toISOString(), metrics: `${server.url}/metrics` }, 'daemon started');
  if (opts.runNow) trigger('startup');

  const shutdown = async (reason: string): Promise<{ clean: boolean }> => {
    log.info({ reason }, 'shutting down: no new operations will start');
    await schedule.stop();
    controller.abort();
    const clean = await runs.settle(config.daemon.shutdownTimeoutMs);
    await server.close();
    keepParses(false);
    log.info({ clean }, 'daemon stopped');
    return { clean };
  };

  return {
    url: server.url,
    metrics,
    stop(reason) {
      stopping ??= shutdown(reason);
      return stopping;
    },
  };
}
