import { type ApplyReport, execute, planIdOf } from '../apply/index.js';
import { type LoadedConfig, parseDuration } from '../config/index.js';
import { PlanError } from '../errors.js';
import type { Logger } from '../log.js';
import { stableHash, UnorderedHasher, unorderedHash, type TargetSnapshot } from '../model/index.js';
import { computePlan, hasPendingChanges, liftGuard, type HeldUser, type Plan } from '../plan/index.js';
import type { ScimTarget } from '../scim/index.js';
import type { Source } from '../sources/index.js';
import type { StateStore, RunRecord, SyncState } from '../state/index.js';
import { policyFromConfig } from './policy.js';
import { decideBasis } from './target-basis.js';

export interface RunDeps {
  readonly loaded: LoadedConfig;
  readonly source: Source;
  readonly target: ScimTarget;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface RunOptions {
  /** plan: read and decide, write nothing anywhere. apply: also execute and record. */
  readonly mode: 'plan' | 'apply';
  /** `--allow-deletes N`: lifts the deletion guard for up to N deletions. */
  readonly allowDeletes?: number;
  /** `apply --plan FILE`: apply exactly this plan, if its basis still holds. */
  readonly savedPlan?: Plan;
  /** `--refresh`: read the whole target now, whatever the snapshot kept since the last full read says. */
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { done: number; failed: number; total: number }) => void;
  /**
   * Apply mode: called with the plan once the deletion guard has allowed it, before anything is written;
   * false leaves everything as it is (outcome `planned`). The CLI shows the plan and asks a person here.
   */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
}

export type RunResult =
  | { readonly outcome: 'planned'; readonly plan: Plan; readonly requests: Record<string, number> }
  | { readonly outcome: 'refused'; readonly plan: Plan; readonly requests: Record<string, number> }
  | {
      readonly outcome: 'converged' | 'partial' | 'aborted';
      readonly plan: Plan;
      readonly report: ApplyReport;
      readonly requests: Record<string, number>;
    };

/**
 * One level-triggered reconcile: read the whole desired state and the actual one (a full read of the target, or
 * the snapshot kept since the last one: target-basis.ts), plan, and (in apply mode) execute.
 * Throws for whole-run failures (source unreadable, key rejected, corrupt state, stale saved plan): in
 * every such case nothing has been written to the target.
 */
export async function runOnce(deps: RunDeps, opts: RunOptions): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  // Valid settings that will hurt (a rate above the target's limit): said on every run, not only by check.
  for (const warning of deps.loaded.warnings) log.warn(warning);
  const startedAt = now();
  const state = await deps.store.load();

  const config = deps.loaded.config;
  // The basis is decided first: it reads at most the snapshot file, no request.
  const pending = await decideBasis(
    { statePath: deps.store.path, target: deps.target, profile: config.target.profile, logger: log, now },
    { state, everyMs: parseDuration(config.sync.fullReadEvery) ?? 0, refresh: opts.refresh === true, savedPlan: opts.savedPlan },
  );
  // Then the source, before any request: a source failure stops the run having cost the target nothing. On
  // the snapshot it is read last, so the plan is made on the source as it is now (a leaver who left while the
  // snapshot loaded goes in this run, not the next).
  const desired = await deps.source.read(opts.signal);
  log.info({ users: desired.users.length, groups: desired.groups.length, skipped: desired.skipped.length }, 'source read');
  const basis = await pending.obtain(opts.signal);
  const actual = basis.actual;

  const ctx = {
    target: deps.target.baseUrl,
    configHash: deps.loaded.hash,
    actualHash: basis.actualHash ?? snapshotHash(actual),
    createdAt: startedAt.toISOString(),
    targetRead: basis.read,
  };
  const computed = opts.savedPlan ?? computePlan(desired, actual, state, policyFromConfig(config, opts.allowDeletes ?? 0), ctx);
  if (opts.savedPlan) checkSavedPlan(opts.savedPlan, state, ctx);
  // A saved plan carries the guard's verdict from plan time; `apply --allow-deletes N` may lift it here, and
  // the plan executed must be the one with the verdict lifted (the executor refuses a blocked plan).
  const plan = opts.savedPlan ? { ...computed, blocked: liftGuard(computed.blocked, opts.allowDeletes ?? 0) } : computed;
  warnHeld(log, plan.held ?? []);

  if (opts.mode === 'plan') return { outcome: 'planned', plan, requests: deps.target.requestCounts() };

  if (plan.blocked.length > 0) {
    // Recording the refusal would move the state serial and make the reviewed plan stale, when the refusal
    // itself says to apply that same plan again with --allow-deletes.
    if (!opts.savedPlan) {
      await recordRun(deps, state, startedAt, now(), 'refused', plan, undefined);
      await basis.save(await deps.store.load(), 'refused');
    }
    return { outcome: 'refused', plan, requests: deps.target.requestCounts() };
  }

  if (opts.confirm && !(await opts.confirm(plan))) return { outcome: 'planned', plan, requests: deps.target.requestCounts() };

  // Ownership records are kept even for users missing from the target read: a record goes only when its
  // delete is confirmed (the executor records it), so a read that was short for any reason cannot turn a
  // managed user into an unmanaged one that is never deprovisioned.
  if (hasPendingChanges(plan)) await basis.discard();
  const report = await execute(plan, basis.recording(deps.target), deps.store, state, {
    concurrency: config.target.rateLimit.concurrency,
    maxMembersPerPatch: config.target.maxMembersPerPatch,
    signal: opts.signal,
    logger: log.child({ component: 'apply' }),
    onProgress: opts.onProgress,
    now,
  });
  // 'aborted' is a shutdown (the signal); a run the target stopped (key rejected, throttled too long) is partial.
  const outcome = report.aborted && opts.signal?.aborted === true ? 'aborted' : report.aborted || report.counts.failed > 0 ? 'partial' : 'converged';
  await recordRun(deps, await deps.store.load(), startedAt, now(), outcome === 'converged' ? 'converged' : 'partial', plan, report);
  await basis.save(await deps.store.load(), outcome === 'converged' ? 'converged' : 'partial');
  return { outcome, plan, report, requests: deps.target.requestCounts() };
}

/** Held users are named at WARN on every run (CLI and daemon alike) until their source entry is fixed. */
function warnHeld(log: Logger, held: readonly HeldUser[]): void {
  if (held.length === 0) return;
  const shown = held.slice(0, 20).map((h) => `${h.userName} (${h.entries.map((e) => `${e.entry}: ${e.reason}`).join('; ')})`);
  const more = held.length > shown.length ? ` and ${held.length - shown.length} more` : '';
  log.warn(
    { held: held.map((h) => ({ userName: h.userName, entries: h.entries, fix: h.fix })) },
    `${held.length} managed user${held.length === 1 ? ' is' : 's are'} held, neither changed nor deleted, because the source entry cannot be read: ${shown.join(', ')}${more}; fix: ${[...new Set(held.map((h) => h.fix))].join('; ')}`,
  );
}

/** Records the run in state (the executor has already committed per-operation changes). */
async function recordRun(
  deps: RunDeps,
  state: SyncState,
  startedAt: Date,
  finishedAt: Date,
  outcome: RunRecord['outcome'],
  plan: Plan,
  report: ApplyReport | undefined,
): Promise<void> {
  const lastRun: RunRecord = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    outcome,
    summary: { ...plan.summary },
    failed: report?.counts.failed ?? 0,
    requests: deps.target.requestCounts(),
  };
  deps.store.update({ ...state, lastRun });
  await deps.store.flush();
}

/** A saved plan is applied only as reviewed: same config, same target, same state, same target contents. */
function checkSavedPlan(saved: Plan, state: SyncState, ctx: { target: string; configHash: string; actualHash: string }): void {
  const fix = 'run `scimsync plan` again, review it, and apply the new plan';
  if (saved.formatVersion !== 1)
    throw new PlanError('SCIMSYNC_PLAN_MISMATCH', `saved plan has format version ${String(saved.formatVersion)}; this scimsync reads version 1`, fix);
  if (saved.basis.target !== ctx.target)
    throw new PlanError('SCIMSYNC_PLAN_MISMATCH', `saved plan was made for target ${saved.basis.target}, not ${ctx.target}`, fix);
  if (saved.basis.configHash !== ctx.configHash) throw new PlanError('SCIMSYNC_PLAN_MISMATCH', 'saved plan was made with a different configuration', fix);
  // A plan made before any state file existed (read-only plan: lineage 'none') fits a state that has
  // been created since but never committed to (serial 0).
  const neverCommitted = saved.basis.stateLineage === 'none' && saved.basis.stateSerial === 0 && state.serial === 0;
  if (saved.basis.stateLineage !== state.lineage && !neverCommitted)
    throw new PlanError('SCIMSYNC_PLAN_MISMATCH', 'saved plan was made for a different state file', fix);
  // An apply of this very plan that was interrupted has moved the serial on: let it resume.
  const resuming = state.progress !== undefined && state.progress.planId === planIdOf(saved);
  if (saved.basis.stateSerial !== state.serial && !resuming)
    throw new PlanError(
      'SCIMSYNC_PLAN_STALE',
      `saved plan is stale: the state has changed since it was made (serial ${saved.basis.stateSerial} → ${state.serial})`,
      fix,
    );
  if (saved.basis.actualHash !== ctx.actualHash && !resuming)
    throw new PlanError('SCIMSYNC_PLAN_STALE', 'saved plan is stale: the target has changed since the plan was made', fix);
}

/** Hash of the target snapshot, independent of the order of users, groups and members (one pass, no sort). */
export function snapshotHash(actual: TargetSnapshot): string {
  // Fed field by field: the same hash as the multiset of "id\u0000userName\u0000…" strings, none of them built.
  const users = new UnorderedHasher();
  for (const u of actual.users) {
    users
      .field(u.id)
      .field(u.userName)
      .field(u.givenName ?? '')
      .field(u.familyName ?? '')
      .field(u.active ? '1' : '0')
      .end();
  }
  const groups = new UnorderedHasher();
  for (const g of actual.groups) groups.field(g.id).field(g.displayName).field(unorderedHash(g.members)).end();
  return stableHash({ users: users.digest(), groups: groups.digest() });
}
