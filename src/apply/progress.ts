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

/** Progress to resume from: the recorded one if it belongs to this plan, else a new, empty one. */
export function startProgress(state: SyncState, planId: string, total: number, now: Date): { progress: ApplyProgress; done: string[] } {
  const prior = state.progress?.planId === planId ? state.progress : undefined;
  // `done` is appended in place by the executor; the store copies the state when a write is asked for
  // (store.ts #enqueueWrite), so each write is a consistent snapshot (copying the array per op would make a run O(n²)).
  const done = prior ? [...prior.done] : [];
  return { progress: { planId, startedAt: prior?.startedAt ?? now.toISOString(), total, done }, done };
}

/** The state without a progress record (the plan completed). */
export function clearProgress(state: SyncState): SyncState {
  const { progress: _done, ...rest } = state;
  return rest;
}
