import * as z from 'zod';
import type { GroupRecord, SyncState, UserRecord } from './types.js';

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

/** Format version 1. Unknown extra keys are kept (a newer minor writer may add optional fields). Exported for tests. */
export const stateV1 = z.looseObject({
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

/**
 * Validates a version-1 document; the problem names the first bad field by its path.
 *
 * The user and group records (100,000 in a large state) are checked by checkedRecords, by hand and in place:
 * zod copies each one and spends longer on them than JSON.parse takes (bench/state-read.ts: about 10 times
 * longer than this check). It accepts nothing zod would refuse and gives what zod would (the same records,
 * test/unit/state/schema.test.ts); anything else goes through zod in full, so a bad state gets the same
 * first problem as before.
 */
export function parseStateV1(doc: unknown): ParseResult {
  const records = isObject(doc) ? checkedRecords(doc) : undefined;
  if (isObject(doc) && records) {
    const rest = stateV1.safeParse({ ...doc, users: {}, groups: {} });
    if (rest.success) return { ok: true, state: { ...rest.data, ...records } as SyncState };
  }
  const result = stateV1.safeParse(doc);
  if (result.success) return { ok: true, state: result.data as SyncState };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'document';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}

/**
 * The records as userRecord and groupRecord would give them, checked in place: undefined when any would be
 * refused, or carries a key they would strip (then zod copies them, as it always did).
 */
function checkedRecords(doc: Record<string, unknown>): { users: Record<string, UserRecord>; groups: Record<string, GroupRecord> } | undefined {
  const users = checkEach<UserRecord>(doc['users'], 4, (r) => isTargetId(r['targetId']) && typeof r['userName'] === 'string' && typeof r['pushedHash'] === 'string' && isOwnership(r['ownership']));
  const groups = checkEach<GroupRecord>(doc['groups'], 3, (r) => isTargetId(r['targetId']) && typeof r['displayName'] === 'string' && isOwnership(r['ownership']));
  return users && groups ? { users, groups } : undefined;
}

/** `map` itself when each of its values is a plain object of exactly `keys` keys that passes `valid`. */
function checkEach<T>(map: unknown, keys: number, valid: (r: Record<string, unknown>) => boolean): Record<string, T> | undefined {
  if (!isObject(map)) return undefined;
  for (const key in map) {
    const r = map[key];
    // A `__proto__` key is left to zod, as are records with more keys than checked (zod strips them).
    if (key === '__proto__' || !isObject(r) || !valid(r) || countKeys(r) !== keys) return undefined;
  }
  return map as Record<string, T>;
}

function countKeys(r: Record<string, unknown>): number {
  let n = 0;
  // Counting, without allocating Object.keys for each of 100,000 records.
  for (const _ in r) n++;
  return n;
}

/** A plain object, as JSON.parse makes them (what zod's object and record accept). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function isTargetId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function isOwnership(v: unknown): v is 'created' | 'adopted' {
  return v === 'created' || v === 'adopted';
}
