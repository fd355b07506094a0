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

/** Every series the daemon exports, registered on `registry` in this order. */
function instruments(registry: Registry) {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []): Counter => new Counter({ name, help, labelNames, registers });
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge => new Gauge({ name, help, labelNames, registers });
  return {
    runs: counter('scimsync_runs_total', 'Sync runs by result.', ['result']),
    skipped: counter('scimsync_skipped_runs_total', 'Scheduled runs skipped because the previous run was still going.'),
    lastSuccess: gauge('scimsync_last_success_timestamp_seconds', 'Unix time the last successful (converged) run finished.'),
    operations: counter('scimsync_operations_total', 'Planned operations executed, by kind and result.', ['kind', 'result']),
    requests: counter('scimsync_requests_total', 'HTTP requests made to the SCIM target, by method and status.', ['method', 'status']),
    duration: new Histogram({ name: 'scimsync_run_duration_seconds', help: 'Duration of sync runs.', buckets: DURATION_BUCKETS, registers }),
    managedUsers: gauge('scimsync_managed_users', 'Users recorded in state as managed.'),
    managedGroups: gauge('scimsync_managed_groups', 'Groups recorded in state as managed.'),
    heldUsers: gauge(
      'scimsync_source_held_users',
      'Managed users neither changed nor deleted because their source entry cannot be read (last plan); alert on > 0.',
    ),
    progressRatio: gauge('scimsync_apply_progress_ratio', 'Share of the current plan applied (done + failed) / total; 1 when idle.'),
    progressDone: gauge('scimsync_apply_operations_done', 'Operations of the current plan done.'),
    progressTotal: gauge('scimsync_apply_operations_planned', 'Operations in the current plan.'),
    buildInfo: gauge('scimsync_build_info', 'Always 1; the labels say which scimsync and which Node.js runs.', ['version', 'node']),
    skippedEntries: gauge(
      'scimsync_source_skipped_entries',
      'Source entries left out of the last plan (bad rows, members out of scope), each listed in the plan.',
    ),
  };
}

/**
 * The daemon's Prometheus metrics, on their own Registry (never the global one: a library user or a test
 * may create several daemons in one process).
 */
export function createDaemonMetrics(): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scimsync_' });
  const m = instruments(registry);
  m.buildInfo.labels(packageVersion(), process.versions.node).set(1);
  // Pre-create the label sets dashboards alert on, so `rate()` sees a 0 before the first failure.
  for (const r of ['success', 'failure', 'refused'] as const) m.runs.labels(r).inc(0);
  m.progressRatio.set(1);
  m.heldUsers.set(0);

  const recordWork: DaemonMetrics['recordWork'] = (work) => {
    for (const op of work.operations) m.operations.labels(op.kind, op.result).inc();
    for (const [method, byStatus] of Object.entries(work.requests)) {
      for (const [status, n] of Object.entries(byStatus)) if (n > 0) m.requests.labels(method, status).inc(n);
    }
  };

  return {
    registry,
    recordRun(run) {
      m.runs.labels(run.result).inc();
      m.duration.observe(run.durationSeconds);
      if (run.result === 'success') m.lastSuccess.set(run.finishedAt.getTime() / 1000);
      recordWork(run);
    },
    recordWork,
    recordSkippedTick: () => m.skipped.inc(),
    setProgress(p) {
      m.progressDone.set(p.done);
      m.progressTotal.set(p.total);
      m.progressRatio.set(p.total > 0 ? (p.done + p.failed) / p.total : 1);
    },
    setManaged(users, groups) {
      m.managedUsers.set(users);
      m.managedGroups.set(groups);
    },
    setHeld: (users) => m.heldUsers.set(users),
    setSkippedEntries: (n) => m.skippedEntries.set(n),
  };
}
