import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { StateStore } from '../state/index.js';
import type { Readiness } from './http-server.js';
import type { DaemonMetrics } from './metrics.js';
import { logRunEnd, runCycle, type CycleReport } from './run-cycle.js';

export interface RunSlotOptions {
  readonly configPath: string;
  readonly logger: Logger;
  readonly metrics: DaemonMetrics;
  /** Aborted at shutdown: the executor starts no new operation. */
  readonly signal: AbortSignal;
  readonly progressIntervalMs: number;
}

interface LastRun {
  readonly report: CycleReport;
  readonly finishedAt: string;
}

/**
 * The daemon's one run at a time: the run in flight, the last finished run, and what /readyz says about them.
 * Runs never overlap: a run still going owns the state lock and the rate budget.
 */
export class RunSlot {
  readonly #opts: RunSlotOptions;
  readonly #log: Logger;
  #inflight: Promise<void> | undefined;
  #inflightSince: Date | undefined;
  #store: StateStore | undefined;
  #last: LastRun | undefined;
  #configValid = true;

  constructor(opts: RunSlotOptions) {
    this.#opts = opts;
    this.#log = opts.logger.child({ component: 'daemon' });
  }

  /** Starts a run unless one is going (then the tick is skipped: the next one plans from scratch, nothing is lost). */
  trigger(why: 'schedule' | 'startup'): void {
    if (this.#inflight) {
      this.#opts.metrics.recordSkippedTick();
      this.#log.warn({ runningSince: this.#inflightSince?.toISOString() }, 'skipping scheduled run: the previous run is still in progress');
      return;
    }
    const runLog = this.#opts.logger.child({ runId: randomUUID() });
    this.#inflightSince = new Date();
    runLog.info({ trigger: why }, 'run started');
    this.#inflight = runCycle({
      configPath: this.#opts.configPath,
      logger: runLog,
      metrics: this.#opts.metrics,
      signal: this.#opts.signal,
      progressIntervalMs: this.#opts.progressIntervalMs,
      onStore: (s) => {
        this.#store = s;
      },
    })
      .then((report) => {
        this.#configValid = !report.configInvalid;
        if (report.result !== 'aborted') this.#last = { report, finishedAt: new Date().toISOString() };
        logRunEnd(runLog, report);
      })
      .catch((err: unknown) => {
        // runCycle reports every failure itself; reaching here is a bug, and the daemon must keep ticking.
        runLog.error({ err: err instanceof Error ? err.message : String(err) }, 'run crashed unexpectedly');
      })
      .finally(() => {
        this.#inflight = undefined;
        this.#inflightSince = undefined;
      });
  }

  readiness(stopping: boolean): Readiness {
    const last = this.#last;
    const lastRun = last ? { result: last.report.result, finishedAt: last.finishedAt, ...(last.report.error ? { error: last.report.error } : {}) } : undefined;
    if (stopping) return { ready: false, reason: 'shutting-down' };
    if (!this.#configValid) return { ready: false, reason: 'config-invalid', detail: { lastRun } };
    if (!last) return { ready: true, reason: 'no-run-yet' };
    if (last.report.result === 'failure') return { ready: false, reason: 'last-run-failed', detail: { lastRun } };
    return { ready: true, reason: last.report.result === 'refused' ? 'last-run-refused' : 'last-run-succeeded', detail: { lastRun } };
  }

  /**
   * Waits for the run in flight (already told to stop) up to `boundMs`. False when the bound passed and the run
   * was abandoned: its state is then flushed as far as it got.
   */
  async settle(boundMs: number): Promise<boolean> {
    const running = this.#inflight;
    if (!running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      running.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), boundMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return true;
    this.#log.error({ timeoutMs: boundMs }, 'the in-flight run did not stop within daemon.shutdownTimeoutMs; flushing state as far as it got');
    await this.#store?.flush().catch((err: unknown) => this.#log.error({ err: err instanceof Error ? err.message : String(err) }, 'state flush failed'));
    return false;
  }
}
