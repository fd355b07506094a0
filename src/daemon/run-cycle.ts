import { createProgressReporter, type ProgressReporter } from '../cli/progress.js';
import { scrub } from '../cli/errors.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { isScimsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { createSource, createTarget } from '../run/compose.js';
import { runOnce, type RunResult } from '../run/run-once.js';
import type { ScimTarget } from '../scim/port.js';
import type { Source } from '../sources/port.js';
import { openStateStore, type StateStore } from '../state/index.js';
import type { DaemonMetrics, OperationOutcome, RequestStatusCounts, RunResultLabel } from './metrics.js';

/** How a daemon run ended. `aborted` (stopped by shutdown) is not counted as a success or a failure. */
export type CycleResult = RunResultLabel | 'aborted';

export interface CycleError {
  readonly code: string;
  readonly message: string;
  readonly fix: string | undefined;
}

export interface CycleReport {
  readonly result: CycleResult;
  /** runOnce's outcome when it returned; undefined when it threw. */
  readonly outcome: RunResult['outcome'] | undefined;
  /** The config could not be loaded (readiness says so apart from other failures). */
  readonly configInvalid: boolean;
  readonly error: CycleError | undefined;
  readonly durationSeconds: number;
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
  readonly results: readonly { readonly key: string; readonly status: string }[];
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
    const error = describe(err, []);
    logFailure(log, error);
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
    const label: CycleResult =
      result.outcome === 'converged' ? 'success' : result.outcome === 'refused' ? 'refused' : result.outcome === 'aborted' ? 'aborted' : 'failure';
    const error =
      result.outcome === 'refused'
        ? { code: 'SCIMSYNC_SAFETY_BLOCKED', message: result.plan.blocked.map((b) => b.message).join('; '), fix: 'review the plan (`scimsync plan`), then run `scimsync apply --allow-deletes N` once' }
        : result.outcome === 'partial'
          ? { code: 'SCIMSYNC_SCIM_HTTP', message: 'some operations failed', fix: 'see the failed operations in the log; the next run retries them' }
          : undefined;
    report = { result: label, outcome: result.outcome, configInvalid: false, error, durationSeconds: 0 };
    const summary = result.plan.summary;
    if (label === 'refused') log.warn({ blocked: result.plan.blocked, summary }, 'run refused by the deletion guard: nothing was deleted');
    else log.info({ outcome: result.outcome, summary, failed: 'report' in result ? result.report.counts.failed : 0 }, 'run finished');
  } catch (err) {
    const error = describe(err, loaded.secrets);
    if (opts.signal.aborted) {
      log.info({ code: error.code }, 'run stopped by shutdown before it wrote anything');
      report = { result: 'aborted', outcome: undefined, configInvalid: false, error, durationSeconds: 0 };
    } else {
      logFailure(log, error);
      report = { result: 'failure', outcome: undefined, configInvalid: false, error, durationSeconds: 0 };
    }
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

/** Operation results joined with their kind from the plan (the report names operations by key). */
export function operationOutcomes(ops: readonly { readonly key: string; readonly kind: string }[], report: ReportResults): OperationOutcome[] {
  const kindByKey = new Map(ops.map((op) => [op.key, op.kind]));
  return report.results.map((r) => ({ kind: kindByKey.get(r.key) ?? 'unknown', result: r.status }));
}

/** By method and status when the client counts them, else by method with status "unknown". */
export function requestStatusCounts(target: ScimTarget): RequestStatusCounts {
  const detailed = target.requestStatusCounts?.();
  if (detailed) return detailed;
  const out: Record<string, Record<string, number>> = {};
  for (const [method, n] of Object.entries(target.requestCounts())) out[method] = { unknown: n };
  return out;
}

function describe(err: unknown, secrets: readonly string[]): CycleError {
  if (isScimsyncError(err)) return { code: err.code, message: scrub(err.message, secrets), fix: err.fix === undefined ? undefined : scrub(err.fix, secrets) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'UNEXPECTED', message: scrub(message, secrets), fix: 'this is unexpected; re-run with SCIMSYNC_DEBUG=1 and report the stack trace' };
}

/** One line with what went wrong and the fix; the daemon carries on with the next tick. */
function logFailure(log: Logger, error: CycleError): void {
  log.error({ code: error.code, fix: error.fix }, `run failed: ${error.message}`);
}
