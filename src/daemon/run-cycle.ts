import { createProgressReporter, type ProgressReporter } from '../progress/index.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { describeError, type ErrorText } from '../error-text.js';
import type { Logger } from '../log.js';
import type { PlanSummary } from '../plan/types.js';
import { createSource, createTarget } from '../run/compose.js';
import { runOnce, type RunResult } from '../run/run-once.js';
import type { ScimTarget } from '../scim/port.js';
import type { Source } from '../sources/port.js';
import { openStateStore, type StateStore } from '../state/index.js';
import type { DaemonMetrics, OperationOutcome, RequestStatusCounts, RunResultLabel } from './metrics.js';

/** How a daemon run ended. `aborted` (stopped by shutdown) is not counted as a success or a failure. */
export type CycleResult = RunResultLabel | 'aborted';

/** How a failed run is shown in the log and on /readyz (code, one line, the fix; secrets scrubbed). */
export type CycleError = ErrorText;

export interface CycleReport {
  readonly result: CycleResult;
  /** runOnce's outcome when it returned; undefined when it threw. */
  readonly outcome: RunResult['outcome'] | undefined;
  /** The config could not be loaded (readiness says so apart from other failures). */
  readonly configInvalid: boolean;
  readonly error: CycleError | undefined;
  readonly durationSeconds: number;
  /** The plan's summary, when a plan was made. */
  readonly summary?: PlanSummary | undefined;
  /** Operations that failed (partial runs). */
  readonly failed?: number | undefined;
  /** Deletion-guard violations (refused runs). */
  readonly blocked?: readonly unknown[] | undefined;
}

export interface CycleOptions {
  readonly configPath: string;
  /** Already carries the run's id. */
  readonly logger: Logger;
  readonly metrics: DaemonMetrics;
  readonly signal: AbortSignal;
  /** How often progress is logged during a long apply. */
  readonly progressIntervalMs: number;
  /** Lets the daemon flush the store if shutdown times out while this run still holds it. */
  readonly onStore?: (store: StateStore | undefined) => void;
  readonly now?: () => Date;
}

/** What the executor's report must offer for the operation metrics (checked structurally against ApplyReport). */
interface ReportResults {
  readonly results: readonly { readonly key: string; readonly kind?: string; readonly status: string; readonly resumed?: boolean }[];
}

/**
 * One daemon run, built from scratch: the config (and its secret files) is re-read, and source, target and
 * state store are opened for this run only and closed after it. Nothing survives between runs but metrics,
 * so a rotated key or an edited ConfigMap is picked up by the next tick, the state lock is held only while
 * a run is going (`scimsync state show` or a manual `apply` can run between ticks), and a corrupt state file
 * fails one run, not the daemon.
 */
export async function runCycle(opts: CycleOptions): Promise<CycleReport> {
  const now = opts.now ?? (() => new Date());
  const log = opts.logger;
  const started = now();
  const elapsed = (): number => (now().getTime() - started.getTime()) / 1000;

  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(opts.configPath);
  } catch (err) {
    const error = describeError(err);
    opts.metrics.recordRun({ result: 'failure', durationSeconds: elapsed(), finishedAt: now(), operations: [], requests: {} });
    return { result: 'failure', outcome: undefined, configInvalid: true, error, durationSeconds: elapsed() };
  }

  let source: Source | undefined;
  let target: ScimTarget | undefined;
  let store: StateStore | undefined;
  let reporter: ProgressReporter | undefined;
  let report: CycleReport;
  let operations: OperationOutcome[] = [];
  try {
    source = createSource(loaded, log);
    target = createTarget(loaded, log);
    store = await openStateStore(loaded.config.state.path, { target: target.baseUrl, logger: log.child({ component: 'state' }) });
    opts.onStore?.(store);
    const perMinute = loaded.config.target.rateLimit.perMinute;
    const result = await runOnce(
      { loaded, source, target, store, logger: log, now },
      {
        mode: 'apply',
        signal: opts.signal,
        onProgress: (p) => {
          opts.metrics.setProgress(p);
          reporter ??= createProgressReporter({ total: p.total, perMinute, isTTY: false, logger: log, intervalMs: opts.progressIntervalMs });
          reporter.update(p);
        },
      },
    );
    operations = 'report' in result ? operationOutcomes(result.plan.operations, result.report) : [];
    opts.metrics.setHeld(result.plan.held.length);
    opts.metrics.setSkippedEntries(result.plan.skipped.length);
    const label: CycleResult =
      result.outcome === 'converged' ? 'success' : result.outcome === 'refused' ? 'refused' : result.outcome === 'aborted' ? 'aborted' : 'failure';
    const error =
      result.outcome === 'refused'
        ? {
            code: 'SCIMSYNC_SAFETY_BLOCKED',
            message: result.plan.blocked.map((b) => b.message).join('; '),
            fix: 'review the plan (`scimsync plan`), then run `scimsync apply --allow-deletes N` once',
          }
        : result.outcome === 'partial'
          ? { code: 'SCIMSYNC_SCIM_HTTP', message: 'some operations failed', fix: 'see the failed operations in the log; the next run retries them' }
          : undefined;
    report = {
      result: label,
      outcome: result.outcome,
      configInvalid: false,
      error,
      durationSeconds: 0,
      summary: result.plan.summary,
      failed: 'report' in result ? result.report.counts.failed : 0,
      blocked: result.plan.blocked,
    };
  } catch (err) {
    const error = describeError(err, loaded.secrets);
    report = { result: opts.signal.aborted ? 'aborted' : 'failure', outcome: undefined, configInvalid: false, error, durationSeconds: 0 };
  } finally {
    reporter?.stop();
  }

  const requests = target ? requestStatusCounts(target) : {};
  if (store) {
    // After the first load this is the store's in-memory state, as the executor left it.
    const state = await store.load().catch(() => undefined);
    if (state) opts.metrics.setManaged(Object.keys(state.users).length, Object.keys(state.groups).length);
  }
  await Promise.allSettled([source?.close(), target?.close(), store?.close()]);
  opts.onStore?.(undefined);

  const durationSeconds = elapsed();
  if (report.result !== 'aborted') {
    opts.metrics.recordRun({ result: report.result, durationSeconds, finishedAt: now(), operations, requests });
  } else {
    // An aborted run still made requests and applied operations: count them, not the run.
    opts.metrics.recordWork({ operations, requests });
  }
  return { ...report, durationSeconds };
}

/** Operation results with their kind (from the result, else joined from the plan by key). */
export function operationOutcomes(ops: readonly { readonly key: string; readonly kind: string }[], report: ReportResults): OperationOutcome[] {
  const kindByKey = new Map(ops.map((op) => [op.key, op.kind]));
  // Resumed ops were applied (and counted) by the interrupted run before: label them apart, not twice `applied`.
  return report.results.map((r) => ({ kind: r.kind ?? kindByKey.get(r.key) ?? 'unknown', result: r.resumed ? 'resumed' : r.status }));
}

/** By method and status when the client counts them, else by method with status "unknown". */
export function requestStatusCounts(target: ScimTarget): RequestStatusCounts {
  const detailed = target.requestStatusCounts?.();
  if (detailed) return detailed;
  const out: Record<string, Record<string, number>> = {};
  for (const [method, n] of Object.entries(target.requestCounts())) out[method] = { unknown: n };
  return out;
}

/**
 * The run's closing log line, written by the daemon once metrics and readiness reflect the run (so whoever
 * reads the line and then scrapes sees the same thing). A failure is one line with the fix.
 */
export function logRunEnd(log: Logger, r: CycleReport): void {
  const durationSeconds = Math.round(r.durationSeconds * 1000) / 1000;
  switch (r.result) {
    case 'success':
      log.info({ outcome: r.outcome, summary: r.summary, failed: 0, durationSeconds }, 'run finished');
      return;
    case 'refused':
      log.warn(
        { outcome: r.outcome, summary: r.summary, blocked: r.blocked, fix: r.error?.fix, durationSeconds },
        'run refused by the deletion guard: nothing was deleted',
      );
      return;
    case 'aborted':
      log.info({ outcome: r.outcome ?? 'aborted', summary: r.summary, durationSeconds }, 'run stopped by shutdown');
      return;
    case 'failure':
      if (r.outcome === 'partial')
        log.error(
          { outcome: r.outcome, summary: r.summary, failed: r.failed, code: r.error?.code, fix: r.error?.fix, durationSeconds },
          'run finished with failed operations',
        );
      else log.error({ code: r.error?.code, fix: r.error?.fix, durationSeconds }, `run failed: ${r.error?.message ?? 'unknown error'}`);
  }
}
