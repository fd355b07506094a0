import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { packageVersion } from '../version.js';

/** How a daemon run ends, as counted in `scimsync_runs_total{result}`. */
export type RunResultLabel = 'success' | 'failure' | 'refused';

/** One operation's outcome, as the executor reports it (kind joined from the plan by key). */
export interface OperationOutcome {
  readonly kind: string;
  readonly result: string;
}

/** HTTP requests of one run: method → status ("200", "429", "error" …) → count. */
export type RequestStatusCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface DaemonMetrics {
  readonly registry: Registry;
  recordRun(run: {
    readonly result: RunResultLabel;
    readonly durationSeconds: number;
    readonly finishedAt: Date;
    readonly operations: readonly OperationOutcome[];
    readonly requests: RequestStatusCounts;
  }): void;
  /** Operations and requests of a run that is not counted as a run (stopped by shutdown). */
  recordWork(work: { readonly operations: readonly OperationOutcome[]; readonly requests: RequestStatusCounts }): void;
  /** Runs that were due while another was still going. */
  recordSkippedTick(): void;
  setProgress(p: { readonly done: number; readonly failed: number; readonly total: number }): void;
  setManaged(users: number, groups: number): void;
  /** Managed users the last plan held because their source entry cannot be read. */
  setHeld(users: number): void;
  /** Source entries the last plan left out (bad rows, out-of-scope members): a rise means a broken export. */
  setSkippedEntries(n: number): void;
}

/** Run durations range from a no-op run (a few list pages) to a first load of many thousands of users. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400];

/**
 * The daemon's Prometheus metrics, on their own Registry (never the global one: a library user or a test
 * may create several daemons in one process).
 */
export function createDaemonMetrics(): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scimsync_' });

  const runs = new Counter({ name: 'scimsync_runs_total', help: 'Sync runs by result.', labelNames: ['result'], registers: [registry] });
  const skipped = new Counter({
    name: 'scimsync_skipped_runs_total',
    help: 'Scheduled runs skipped because the previous run was still going.',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'scimsync_last_success_timestamp_seconds',
    help: 'Unix time the last successful (converged) run finished.',
    registers: [registry],
  });
  const operations = new Counter({
    name: 'scimsync_operations_total',
    help: 'Planned operations executed, by kind and result.',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'scimsync_requests_total',
    help: 'HTTP requests made to the SCIM target, by method and status.',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'scimsync_run_duration_seconds',
    help: 'Duration of sync runs.',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const managedUsers = new Gauge({ name: 'scimsync_managed_users', help: 'Users recorded in state as managed.', registers: [registry] });
  const managedGroups = new Gauge({ name: 'scimsync_managed_groups', help: 'Groups recorded in state as managed.', registers: [registry] });
  const heldUsers = new Gauge({
    name: 'scimsync_source_held_users',
    help: 'Managed users neither changed nor deleted because their source entry cannot be read (last plan); alert on > 0.',
    registers: [registry],
  });
  const progressRatio = new Gauge({
    name: 'scimsync_apply_progress_ratio',
    help: 'Share of the current plan applied (done + failed) / total; 1 when idle.',
    registers: [registry],
  });
  const progressDone = new Gauge({ name: 'scimsync_apply_operations_done', help: 'Operations of the current plan done.', registers: [registry] });
  const progressTotal = new Gauge({ name: 'scimsync_apply_operations_planned', help: 'Operations in the current plan.', registers: [registry] });

  const buildInfo = new Gauge({
    name: 'scimsync_build_info',
    help: 'Always 1; the labels say which scimsync and which Node.js runs.',
    labelNames: ['version', 'node'],
    registers: [registry],
  });
  buildInfo.labels(packageVersion(), process.versions.node).set(1);
  const skippedEntries = new Gauge({
    name: 'scimsync_source_skipped_entries',
    help: 'Source entries left out of the last plan (bad rows, members out of scope), each listed in the plan.',
    registers: [registry],
  });

  // Pre-create the label sets dashboards alert on, so `rate()` sees a 0 before the first failure.
  for (const r of ['success', 'failure', 'refused'] as const) runs.labels(r).inc(0);
  progressRatio.set(1);
  heldUsers.set(0);

  const recordWork: DaemonMetrics['recordWork'] = (work) => {
    for (const op of work.operations) operations.labels(op.kind, op.result).inc();
    for (const [method, byStatus] of Object.entries(work.requests)) {
      for (const [status, n] of Object.entries(byStatus)) if (n > 0) requests.labels(method, status).inc(n);
    }
  };

  return {
    registry,
    recordRun(run) {
      runs.labels(run.result).inc();
      duration.observe(run.durationSeconds);
      if (run.result === 'success') lastSuccess.set(run.finishedAt.getTime() / 1000);
      recordWork(run);
    },
    recordWork,
    recordSkippedTick() {
      skipped.inc();
    },
    setProgress(p) {
      progressDone.set(p.done);
      progressTotal.set(p.total);
      progressRatio.set(p.total > 0 ? (p.done + p.failed) / p.total : 1);
    },
    setManaged(users, groups) {
      managedUsers.set(users);
      managedGroups.set(groups);
    },
    setHeld(users) {
      heldUsers.set(users);
    },
    setSkippedEntries(n) {
      skippedEntries.set(n);
    },
  };
}
