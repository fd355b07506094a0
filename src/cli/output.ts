import type { ApplyReport } from '../apply/index.js';
import { planToJson } from '../plan/index.js';
import type { Plan } from '../plan/types.js';

/** The `apply --json` document: the plan's contract fields plus what happened. */
export function applyJson(plan: Plan, outcome: string, report: ApplyReport | undefined, requests: Record<string, number>) {
  return {
    ...planToJson(plan),
    outcome,
    failed: report?.counts.failed ?? 0,
    applied: report?.counts.applied ?? 0,
    skippedOperations: report?.counts.skipped ?? 0,
    requests,
    results: report?.results ?? [],
  };
}

export function formatRequests(requests: Record<string, number>): string {
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  const parts = Object.entries(requests)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, n]) => `${m} ${n}`);
  return `${total} request${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** One closing line for a person after an apply. */
export function describeApply(outcome: string, report: ApplyReport | undefined, requests: Record<string, number>): string {
  if (!report) return `Nothing applied. ${formatRequests(requests)}.`;
  const c = report.counts;
  const head =
    outcome === 'converged'
      ? `Apply complete: ${c.applied} of ${c.planned} operations applied`
      : outcome === 'aborted'
        ? `Apply stopped early: ${c.applied} of ${c.planned} operations applied, ${c.skipped} not started`
        : `Apply finished with failures: ${c.applied} of ${c.planned} applied, ${c.failed} failed, ${c.skipped} skipped`;
  const resumed = c.resumed > 0 ? `, ${c.resumed} already done by an earlier run` : '';
  return `${head}${resumed}; ${formatRequests(requests)}.`;
}
