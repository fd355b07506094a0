import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { StateStore } from '../state/index.js';
import { startHealthServer, type Readiness } from './http-server.js';
import { createDaemonMetrics, type DaemonMetrics } from './metrics.js';
import { logRunEnd, runCycle, type CycleReport } from './run-cycle.js';
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

interface LastRun {
  readonly report: CycleReport;
  readonly finishedAt: string;
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = opts.logger.child({ component: 'daemon' });
  const config = opts.loaded.config;
  const metrics = createDaemonMetrics();
  const controller = new AbortController();
  let inflight: Promise<void> | undefined;
  let inflightSince: Date | undefined;
  let currentStore: StateStore | undefined;
  let last: LastRun | undefined;
  let configValid = true;
  let stopping: Promise<{ clean: boolean }> | undefined;

  const readiness = (): Readiness => {
    const lastRun = last ? { result: last.report.result, finishedAt: last.finishedAt, ...(last.report.error ? { error: last.report.error } : {}) } : undefined;
    if (stopping) return { ready: false, reason: 'shutting-down' };
    if (!configValid) return { ready: false, reason: 'config-invalid', detail: { lastRun } };
    if (!last) return { ready: true, reason: 'no-run-yet' };
    if (last.report.result === 'failure') return { ready: false, reason: 'last-run-failed', detail: { lastRun } };
    return { ready: true, reason: last.report.result === 'refused' ? 'last-run-refused' : 'last-run-succeeded', detail: { lastRun } };
  };

  const trigger = (why: 'schedule' | 'startup'): void => {
    if (stopping) return;
    if (inflight) {
      // Never overlap: a run still going owns the state lock and the rate budget. The next tick after it
      // ends plans from scratch, so nothing is lost by skipping.
      metrics.recordSkippedTick();
      log.warn({ runningSince: inflightSince?.toISOString() }, 'skipping scheduled run: the previous run is still in progress');
      return;
    }
    const runId = randomUUID();
    const runLog = opts.logger.child({ runId });
    inflightSince = new Date();
    runLog.info({ trigger: why }, 'run started');
    inflight = runCycle({
      configPath: opts.configPath,
      logger: runLog,
      metrics,
      signal: controller.signal,
      progressIntervalMs: opts.progressIntervalMs ?? 30_000,
      onStore: (s) => {
        currentStore = s;
      },
    })
      .then((report) => {
        configValid = !report.configInvalid;
        if (report.result !== 'aborted') last = { report, finishedAt: new Date().toISOString() };
        logRunEnd(runLog, report);
      })
      .catch((err: unknown) => {
        // runCycle reports every failure itself; reaching here is a bug, and the daemon must keep ticking.
        runLog.error({ err: err instanceof Error ? err.message : String(err) }, 'run crashed unexpectedly');
      })
      .finally(() => {
        inflight = undefined;
        inflightSince = undefined;
      });
  };

  const schedule = createSchedule(config.schedule, () => trigger('schedule'), opts.logger);
  const server = await startHealthServer({ listen: config.daemon.listen, registry: metrics.registry, readiness, logger: log });
  schedule.start();
  log.info({ schedule: config.schedule, nextRun: schedule.nextRun()?.toISOString(), metrics: `${server.url}/metrics` }, 'daemon started');
  if (opts.runNow) trigger('startup');

  const shutdown = async (reason: string): Promise<{ clean: boolean }> => {
    log.info({ reason }, 'shutting down: no new operations will start');
    await schedule.stop();
    controller.abort();
    let clean = true;
    const running = inflight;
    if (running) {
      const bound = config.daemon.shutdownTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        running.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), bound);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        clean = false;
        log.error({ timeoutMs: bound }, 'the in-flight run did not stop within daemon.shutdownTimeoutMs; flushing state as far as it got');
        await currentStore?.flush().catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'state flush failed'));
      }
    }
    await server.close();
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
