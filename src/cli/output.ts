import type { ApplyReport } from '../apply/index.js';
import { ConfigError } from '../errors.js';
import { planToJson, renderPlanMarkdown, renderPlanText } from '../plan/index.js';
import type { Plan } from '../plan/types.js';
import { parseChoice } from './args.js';

export type PlanFormat = 'text' | 'markdown' | 'json';
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'markdown', 'json'];

/** `--format` (default text), with `--json` as its older spelling; both at once must agree. */
export function planFormat(format: string | undefined, json = false): PlanFormat {
  const chosen = parseChoice('--format', format, PLAN_FORMATS);
  if (json && chosen !== undefined && chosen !== 'json') {
    throw new ConfigError(`--json and --format ${chosen} ask for different outputs`, [], 'pass one of them');
  }
  return json ? 'json' : (chosen ?? 'text');
}

/** A plan as a person or a program reads it; `extra` keys are added to the JSON document. */
export function renderPlanAs(plan: Plan, format: PlanFormat, opts: { color?: boolean; extra?: Record<string, unknown> } = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ ...planToJson(plan), ...opts.extra }, null, 2) + '\n';
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan, { color: opts.color === true });
  }
}

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

/** One closing line for a person after an apply; `interrupted`: stopped by Ctrl-C or SIGTERM. */
export function describeApply(outcome: string, report: ApplyReport | undefined, requests: Record<string, number>, interrupted = false): string {
  if (!report) return `Nothing applied. ${formatRequests(requests)}.`;
  const c = report.counts;
  if (interrupted && outcome !== 'converged') {
    const failed = c.failed > 0 ? `, ${c.failed} failed` : '';
    return `Apply stopped: ${c.applied + c.resumed} of ${c.planned} applied${failed}; run apply again to resume. ${formatRequests(requests)}.`;
  }
  const head =
    outcome === 'converged'
      ? `Apply complete: ${c.applied} of ${c.planned} operations applied`
      : outcome === 'aborted'
        ? `Apply stopped early: ${c.applied} of ${c.planned} operations applied, ${c.skipped} not started`
        : `Apply finished with failures: ${c.applied} of ${c.planned} applied, ${c.failed} failed, ${c.skipped} skipped`;
  const resumed = c.resumed > 0 ? `, ${c.resumed} already done by an earlier run` : '';
  return `${head}${resumed}; ${formatRequests(requests)}.`;
}
