/**
 * scimsync as a library: the same plan and apply the CLI runs, the config loader, and the SCIM emulator (for
 * a caller's own tests). Everything here is what `import … from 'scimsync'` gives; the CLI is `scimsync`.
 */
import { buildContext } from './cli/index.js';
import { silentLogger, type Logger } from './log.js';
import type { Plan } from './plan/index.js';
import { runOnce, type RunResult } from './run/index.js';

export {
  loadConfig,
  parseConfig,
  configJsonSchema,
  type Config,
  type LoadedConfig,
  type CsvSourceConfig,
  type LdapSourceConfig,
  type TargetConfig,
} from './config/index.js';
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator/index.js';
export { ScimsyncError, ConfigError, SourceError, TargetError, StateError, PlanError, isScimsyncError, type ErrorCode } from './errors.js';
export {
  hasPendingChanges,
  planToJson,
  renderPlanText,
  type Plan,
  type PlanJson,
  type PlanSummary,
  type PlannedOperation,
  type OperationKind,
} from './plan/index.js';
export type { ApplyReport, OpResult } from './apply/index.js';
export type { RunResult } from './run/index.js';
export type { DesiredSnapshot, TargetSnapshot, SourceUser, SourceGroup, TargetUser, TargetGroup } from './model/index.js';
export type { Logger } from './log.js';
export { packageVersion } from './version.js';

export interface RunApiOptions {
  /** A pino logger; by default nothing is logged. */
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Lifts the deletion guard for up to N deletions, as `--allow-deletes N`. */
  readonly allowDeletes?: number;
}

/**
 * `scimsync plan -c configPath`: reads the source and the target and returns the plan; writes nothing to the
 * target or the state file (the state is read without its lock, so it works beside a running daemon).
 */
export async function plan(configPath: string, opts: RunApiOptions = {}): Promise<Plan> {
  const ctx = await buildContext({ configPath, readOnlyState: true, logger: opts.logger ?? silentLogger() });
  try {
    const result = await runOnce(ctx, runOptions('plan', opts));
    return result.plan;
  } finally {
    await ctx.close();
  }
}

/**
 * `scimsync apply -c configPath [--plan]`: plans and applies (or applies `savedPlan`, if its basis still
 * holds). The outcome says how it ended: `converged`, `partial`, `aborted`, or `refused` by the deletion guard.
 */
export async function apply(configPath: string, opts: RunApiOptions & { readonly savedPlan?: Plan } = {}): Promise<RunResult> {
  const ctx = await buildContext({ configPath, logger: opts.logger ?? silentLogger() });
  try {
    return await runOnce(ctx, { ...runOptions('apply', opts), ...(opts.savedPlan ? { savedPlan: opts.savedPlan } : {}) });
  } finally {
    await ctx.close();
  }
}

function runOptions(mode: 'plan' | 'apply', opts: RunApiOptions) {
  return { mode, allowDeletes: opts.allowDeletes ?? 0, ...(opts.signal ? { signal: opts.signal } : {}) } as const;
}
