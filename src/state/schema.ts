import * as z from 'zod';
import type { SyncState } from './types.js';

const userRecord = z.object({
  targetId: z.string().min(1),
  userName: z.string(),
  pushedHash: z.string(),
  ownership: z.enum(['created', 'adopted']),
});

const groupRecord = z.object({
  targetId: z.string().min(1),
  displayName: z.string(),
  ownership: z.enum(['created', 'adopted']),
});

const runRecord = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  outcome: z.enum(['converged', 'partial', 'refused', 'failed']),
  summary: z.record(z.string(), z.number()),
  failed: z.number(),
  requests: z.record(z.string(), z.number()),
});

const progress = z.object({
  planId: z.string(),
  startedAt: z.string(),
  total: z.number().int().nonnegative(),
  done: z.array(z.string()),
});

/** Format version 1. Unknown extra keys are kept (a newer minor writer may add optional fields). */
const stateV1 = z.looseObject({
  version: z.literal(1),
  lineage: z.string().min(1),
  serial: z.number().int().nonnegative(),
  target: z.string(),
  users: z.record(z.string(), userRecord),
  groups: z.record(z.string(), groupRecord),
  lastRun: runRecord.optional(),
  progress: progress.optional(),
});

export type ParseResult = { ok: true; state: SyncState } | { ok: false; problem: string };

/** Validates a version-1 document; the problem names the first bad field by its path. */
export function parseStateV1(doc: unknown): ParseResult {
  const result = stateV1.safeParse(doc);
  if (result.success) return { ok: true, state: result.data as SyncState };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'document';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}
