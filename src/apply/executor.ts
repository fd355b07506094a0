import PQueue from 'p-queue';
import type { Logger } from '../log.js';
import { PlanError } from '../errors.js';
import { recordAppliedBatch, requireId } from './apply-state.js';
import type { OperationKind, Plan, PlannedOperation } from '../plan/index.js';
import type { ScimTarget } from '../scim/index.js';
import type { StateStore, ApplyProgress, SyncState } from '../state/index.js';
import { resolveExecutorOptions, type ExecutorOptions, type ResolvedExecutorOptions } from './options.js';
import { clearProgress, planIdOf, startProgress, withDone } from './progress.js';
import { countResults, describeError, diffRequests, type ApplyReport, type OpResult } from './report.js';
import { RefResolver } from './resolve.js';
import { removeKeptMembers } from './kept-members.js';
import { runOperation } from './run-op.js';
import { bindStopSignal, isStopError } from './stop-signal.js';

/**
 * Errors after which no further operation is started: the key is rejected, or the target throttles longer
 * than the run may wait (the next run, or the daemon's next tick, tries again).
 */
const STOP_REASONS: Readonly<Record<string, string>> = {
  SCIMSYNC_SCIM_AUTH: 'the target rejected the API key',
  SCIMSYNC_TARGET_THROTTLED: 'the target throttles longer than this run may wait',
};

/** Phases run one after another; leavers lose access before anything else spends the budget. */
export const PHASES: readonly (readonly OperationKind[])[] = [
  ['adoptUser', 'adoptGroup'],
  ['deleteUser'],
  ['createUser'],
  ['updateUser'],
  ['createGroup'],
  ['updateMembers'],
  ['deleteGroup'],
];

/**
 * Applied ops are folded into state in batches (one copy of the record maps per batch), at most this long
 * after the first unfolded one, or after this many ops — or 1/FOLDS_PER_PLAN of the plan if that is more: a
 * plan of 100,000 adoptions (no request, so no time passes) must not copy 100,000 records every 50 ops.
 * Each fold also copies `progress.done` (progress.ts withDone), a smaller array than the record maps.
 * The store then batches writes.
 */
const FOLD_EVERY_OPS = 50;
const FOLDS_PER_PLAN = 16;
const FOLD_EVERY_MS = 1000;

/**
 * Applies a plan. Throws only for whole-run failures (a blocked plan, a state write); each operation's
 * failure is recorded in the report and never stops the others. State is updated after every applied
 * operation (batched writes by the store) and flushed at the end, partial runs included.
 */
export async function execute(plan: Plan, target: ScimTarget, store: StateStore, state: SyncState, options?: ExecutorOptions): Promise<ApplyReport> {
  const opts = resolveExecutorOptions(options);
  if (plan.blocked.length > 0) {
    throw new PlanError(
      'SCIMSYNC_SAFETY_BLOCKED',
      `plan is blocked by the deletion guard: ${plan.blocked.map((b) => b.message).join('; ')}`,
      'review the deletions, then re-plan with `--allow-deletes N`',
    );
  }
  const run = new Run(plan, target, store, state, opts);
  try {
    return await run.execute();
  } finally {
    run.release();
  }
}

class Run {
  readonly #plan: Plan;
  readonly #target: ScimTarget;
  readonly #store: StateStore;
  readonly #opts: ResolvedExecutorOptions;
  readonly #log: Logger;
  readonly #refs: RefResolver;
  readonly #results = new Map<string, OpResult>();
  /** Replaced, never changed, at each fold: the store keeps the states it is given (StateStore.update). */
  #progress: ApplyProgress;
  readonly #resumable: ReadonlySet<string>;
  #state: SyncState;
  #stopReason: string | undefined;
  #failed = 0;
  #unfolded: { op: PlannedOperation; result: { targetId: string | undefined } }[] = [];
  #firstUnfoldedAt = 0;
  readonly #foldEvery: number;
  /** createUser ops waiting for a group write to invite them (Amplitude), by key. */
  readonly #invites = new Map<string, Extract<PlannedOperation, { kind: 'createUser' }>>();

  constructor(plan: Plan, target: ScimTarget, store: StateStore, state: SyncState, opts: ResolvedExecutorOptions) {
    this.#plan = plan;
    this.#target = bindStopSignal(target, opts.signal);
    this.#store = store;
    this.#opts = opts;
    this.#log = opts.logger;
    const progress = startProgress(state, planIdOf(plan), plan.operations.length, opts.now());
    this.#progress = progress;
    this.#resumable = new Set(progress.done);
    this.#state = { ...state, progress };
    this.#refs = new RefResolver(plan.operations, () => this.#state);
    this.#foldEvery = Math.max(FOLD_EVERY_OPS, Math.ceil(plan.operations.length / FOLDS_PER_PLAN));
    // On a stop, what is applied reaches the store at once (and every op finishing after it, see #finish):
    // a second Ctrl-C that flushes and quits then loses nothing the target did.
    opts.signal?.addEventListener('abort', this.#onStop, { once: true });
  }

  readonly #onStop = (): void => this.#fold();

  /**
   * The signal outlives the run (the daemon's lives as long as the process): a listener left on it would
   * keep this run, its plan and its copy of the state in memory after every run.
   */
  release(): void {
    this.#opts.signal?.removeEventListener('abort', this.#onStop);
  }

  async execute(): Promise<ApplyReport> {
    const before = this.#target.requestCounts();
    const total = this.#plan.operations.length;
    if (this.#resumable.size > 0) this.#log.info({ resumed: this.#resumable.size, total }, 'resuming an interrupted apply of this plan');
    if (total > 0) this.#store.update(this.#state);

    for (const kinds of PHASES) {
      const ops = this.#plan.operations.filter((op) => kinds.includes(op.kind));
      if (ops.length === 0) continue;
      const queue = new PQueue({ concurrency: this.#opts.concurrency });
      // A phase starts only when the previous one has finished: creates must exist before memberships.
      await Promise.all(
        lanes(ops).map((lane) =>
          queue.add(async () => {
            for (const op of lane) await this.#runOne(op);
          }),
        ),
      );
      this.#fold();
      if (kinds.includes('deleteUser')) await this.#removeKeptMembers(ops);
    }
    await this.#inviteByPost();

    const results = this.#plan.operations.map((op) => this.#results.get(op.key) ?? skippedResult(op, 'not run'));
    const counts = countResults(results);
    const aborted = this.#stopReason !== undefined;
    if (total > 0 && counts.failed === 0 && counts.skipped === 0 && !aborted) {
      this.#state = clearProgress(this.#state);
      this.#store.update(this.#state);
    }
    await this.#store.flush();
    const requests = diffRequests(before, this.#target.requestCounts());
    this.#log.info({ ...counts, aborted, requests }, 'apply finished');
    return { results, counts, requests, aborted };
  }

  async #runOne(op: PlannedOperation): Promise<void> {
    if (this.#resumable.has(op.key)) {
      this.#refs.notApplied(op.key, 'resumed');
      this.#finish({ key: op.key, kind: op.kind, status: 'skipped', resumed: true, reason: 'applied by an earlier, interrupted run' });
      return;
    }
    if (this.#opts.signal?.aborted && this.#stopReason === undefined) this.#stopReason = 'aborted';
    if (this.#stopReason !== undefined) {
      this.#refs.notApplied(op.key, 'skipped');
      this.#finish(skippedResult(op, `not started: ${this.#stopReason}`));
      return;
    }
    if (op.kind === 'createUser' && op.invitedThrough !== undefined && op.invitedThrough.length > 0) {
      // No request: the first group write that carries this member invites it (Amplitude id = email).
      this.#refs.invite(op.key, op.attributes.userName);
      this.#invites.set(op.key, op);
      return;
    }
    let outcome;
    try {
      outcome = await runOperation(op, this.#target, this.#refs);
      // Checked here, before the fold, so a create without an id fails this operation instead of the batch.
      if (outcome.status === 'applied' && (op.kind === 'createUser' || op.kind === 'createGroup')) requireId(op, outcome);
    } catch (err) {
      if (isStopError(err, this.#opts.signal)) {
        this.#stopReason ??= 'aborted';
        this.#refs.notApplied(op.key, 'skipped');
        this.#finish(skippedResult(op, 'stopped while waiting for the rate budget or a retry'));
        return;
      }
      const error = describeError(err);
      this.#refs.notApplied(op.key, 'failed');
      this.#failed++;
      const stop = STOP_REASONS[error.code];
      if (stop !== undefined && this.#stopReason === undefined) {
        this.#stopReason = stop;
        this.#log.error({ key: op.key, code: error.code, httpStatus: error.httpStatus, error: error.message }, `${stop}: stopping`);
      } else {
        this.#log.warn({ key: op.key, kind: op.kind, code: error.code, httpStatus: error.httpStatus }, 'operation failed');
      }
      this.#finish({ key: op.key, kind: op.kind, status: 'failed', error });
      return;
    }
    if (outcome.status === 'skipped') {
      this.#refs.notApplied(op.key, 'skipped');
      this.#log.info({ key: op.key, reason: outcome.reason }, 'operation skipped');
      this.#finish(skippedResult(op, outcome.reason));
      return;
    }
    this.#refs.applied(op.key, outcome.targetId);
    // The invited users first, in the same fold as the group write: state never holds the write without them.
    const delivered = this.#delivered(op, outcome.invited ?? []);
    this.#record([...delivered, { op, result: { targetId: outcome.targetId } }]);
    this.#log.debug({ key: op.key, kind: op.kind, targetId: outcome.targetId, adopted: outcome.adopted, invited: delivered.length }, 'operation applied');
    const result: OpResult = { key: op.key, kind: op.kind, status: 'applied' };
    this.#finish({
      ...result,
      ...(outcome.targetId === undefined ? {} : { targetId: outcome.targetId }),
      ...(outcome.adopted ? { adopted: true } : {}),
      ...(outcome.recreated ? { recreated: true } : {}),
      ...(outcome.skippedMembers ? { skippedMembers: outcome.skippedMembers } : {}),
    });
  }

  /** The createUser ops a successful group write invited: applied now, with the email as their id. */
  #delivered(groupOp: PlannedOperation, keys: readonly string[]): { op: PlannedOperation; result: { targetId: string } }[] {
    const out: { op: PlannedOperation; result: { targetId: string } }[] = [];
    for (const key of keys) {
      const userOp = this.#invites.get(key);
      if (userOp === undefined) continue; // already delivered by another of its groups
      this.#invites.delete(key);
      const targetId = userOp.attributes.userName;
      this.#refs.applied(key, targetId);
      out.push({ op: userOp, result: { targetId } });
      this.#finish({ key, kind: userOp.kind, status: 'applied', targetId, invitedBy: groupOp.key });
    }
    return out;
  }

  /**
   * Invites no group write delivered (each write carrying them failed or was skipped): a POST /Users each
   * after all, so that a group write the target keeps refusing cannot keep its new members out for ever.
   * The memberships follow at the next run, once the users exist. Nothing is sent after an abort.
   */
  async #inviteByPost(): Promise<void> {
    const pending = [...this.#invites.values()];
    this.#invites.clear();
    if (pending.length === 0) return;
    this.#log.warn({ users: pending.length }, 'the group writes that were to invite these users did not succeed: creating them with POST /Users');
    const queue = new PQueue({ concurrency: this.#opts.concurrency });
    await Promise.all(pending.map((op) => queue.add(() => this.#runOne({ ...op, invitedThrough: undefined }))));
    this.#fold();
  }

  /** Deleted users the target kept in their groups leave them now (kept-members.ts); a failure fails the delete's result. */
  async #removeKeptMembers(ops: readonly PlannedOperation[]): Promise<void> {
    if (this.#stopReason !== undefined) return;
    const deleted = ops.filter(
      (op): op is Extract<PlannedOperation, { kind: 'deleteUser' }> => op.kind === 'deleteUser' && this.#results.get(op.key)?.status === 'applied',
    );
    const failures = await removeKeptMembers(deleted, this.#target, { ...this.#opts, logger: this.#log });
    for (const [key, err] of failures) {
      const error = describeError(err);
      this.#failed++;
      this.#log.warn({ key, code: error.code, httpStatus: error.httpStatus }, 'deleted, but the target kept the user in a group and removing it failed');
      const prior = this.#results.get(key);
      this.#results.set(key, {
        ...prior,
        key,
        kind: 'deleteUser',
        status: 'failed',
        error: { ...error, message: `deleted, but still a member of a group: ${error.message}` },
      });
    }
  }

  /** Queues applied ops for the state; folds the queue when it is big or old enough. */
  #record(applied: readonly { op: PlannedOperation; result: { targetId: string | undefined } }[]): void {
    if (this.#unfolded.length === 0) this.#firstUnfoldedAt = this.#opts.now().getTime();
    this.#unfolded.push(...applied);
    if (this.#unfolded.length >= this.#foldEvery || this.#opts.now().getTime() - this.#firstUnfoldedAt >= FOLD_EVERY_MS) this.#fold();
  }

  /** Records and their keys in `progress.done` enter state in one synchronous step: a flush sees both or neither. */
  #fold(): void {
    if (this.#unfolded.length === 0) return;
    const batch = this.#unfolded;
    this.#unfolded = [];
    const next = recordAppliedBatch(this.#state, batch);
    this.#progress = withDone(
      this.#progress,
      batch.map(({ op }) => op.key),
    );
    this.#state = { ...next, progress: this.#progress };
    this.#store.update(this.#state);
  }

  #finish(result: OpResult): void {
    if (this.#opts.signal?.aborted) this.#fold();
    this.#results.set(result.key, result);
    this.#opts.onProgress?.({ done: this.#results.size, failed: this.#failed, total: this.#plan.operations.length });
  }
}

/**
 * Operations that may run in parallel, as lanes run one op after another: the membership chunks of one group
 * share a lane (in plan order), so a server never sees two PATCHes of the same group at once; every other
 * operation has a lane of its own.
 */
export function lanes(ops: readonly PlannedOperation[]): PlannedOperation[][] {
  const out: PlannedOperation[][] = [];
  const byGroup = new Map<string, PlannedOperation[]>();
  for (const op of ops) {
    if (op.kind !== 'updateMembers') {
      out.push([op]);
      continue;
    }
    const group = 'id' in op.group ? `id:${op.group.id}` : `createdBy:${op.group.createdBy}`;
    const lane = byGroup.get(group);
    if (lane) lane.push(op);
    else {
      const fresh = [op];
      byGroup.set(group, fresh);
      out.push(fresh);
    }
  }
  return out;
}

function skippedResult(op: PlannedOperation, reason: string): OpResult {
  return { key: op.key, kind: op.kind, status: 'skipped', reason };
}
