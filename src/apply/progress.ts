import { createHash } from 'node:crypto';
import type { Plan } from '../plan/index.js';
import type { ApplyProgress, SyncState } from '../state/index.js';

/**
 * Identifies a plan for resume: a hash of its operations (keys and content), so a re-computed plan that
 * happens to reuse a key with a different body (another name, another hash) is not mistaken for it.
 */
export function planIdOf(plan: Pick<Plan, 'operations'>): string {
  return createHash('sha256').update(JSON.stringify(plan.operations)).digest('hex');
}

/**
 * Progress to resume from: the recorded one if it belongs to this plan, else a new, empty one. Never mutated
 * afterwards (the store keeps every state it is given): `withDone` makes the next one.
 */
export function startProgress(state: SyncState, planId: string, total: number, now: Date): ApplyProgress {
  const prior = state.progress?.planId === planId ? state.progress : undefined;
  return { planId, startedAt: prior?.startedAt ?? now.toISOString(), total, done: prior?.done ?? [] };
}

/**
 * The progress with `keys` applied too: a new `done` array, since the store may still be writing the old one.
 * Called once per fold (apply/executor.ts): at most FOLDS_PER_PLAN folds by op count, one per phase, and at most
 * one a second by time, each of which already copies the record maps; `done` never holds more than the plan's keys.
 */
export function withDone(progress: ApplyProgress, keys: readonly string[]): ApplyProgress {
  return { ...progress, done: [...progress.done, ...keys] };
}

/** The state without a progress record (the plan completed). */
export function clearProgress(state: SyncState): SyncState {
  const { progress: _done, ...rest } = state;
  return rest;
}
