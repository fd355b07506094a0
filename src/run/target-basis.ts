/**
 * Where a run's "actual" comes from (design.md, "Level-triggered with a resync period"): a full read of the
 * target, or the snapshot kept beside the state since the last full read plus the writes applied since. The
 * plan core does not know the difference; the plan names its basis.
 *
 * A full read happens on the first run, every `sync.fullReadEvery`, on `--refresh`, after a run that did not
 * converge (or was interrupted), when the target contradicted the snapshot (404 on a write, 409 on a create),
 * and whenever the snapshot does not belong to the state as it is now (another lineage or serial).
 */
import { diffRequests } from '../apply/index.js';
import { PlanError, StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { stableHash, type TargetSnapshot } from '../model/index.js';
import type { Plan, TargetReadBasis } from '../plan/index.js';
import type { ScimTarget } from '../scim/index.js';
import {
  sameTarget,
  discardTargetSnapshot,
  readTargetSnapshot,
  targetSnapshotPath,
  writeTargetSnapshot,
  type SnapshotRead,
  type TargetSnapshotMeta,
  type RunRecord,
  type SyncState,
} from '../state/index.js';
import { contradictingStatuses, LiveTarget, RecordingTarget } from './live-target.js';

/**
 * The last snapshot body hashed, and its hash. A daemon run that wrote nothing writes the snapshot again with
 * a new serial but the same users-and-groups text, so the next run's body equals this one: compared (under
 * 1 ms for the 11 MB body at 100,000 users) instead of hashed again (90–200 ms). Equal text, equal hash: never
 * stale. Holds one body (the daemon keeps that snapshot's parse anyway) until another is hashed.
 */
let lastBodyHash: { readonly body: string; readonly hash: string } | undefined;

function bodyHash(body: string): string {
  if (lastBodyHash?.body === body) return lastBodyHash.hash;
  const hash = stableHash(body);
  lastBodyHash = { body, hash };
  return hash;
}

/** A snapshot read more than this far in the future means the clock moved back: read in full. */
const CLOCK_SLACK_MS = 5 * 60_000;

export interface BasisInputs {
  readonly stored: SnapshotRead | undefined;
  readonly state: SyncState;
  readonly target: string;
  readonly profile: string;
  readonly now: Date;
  /** `sync.fullReadEvery` in ms (0 = every run). */
  readonly everyMs: number;
  readonly refresh: boolean;
}

function hours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}

/** Why this run must read the target in full, or undefined when the snapshot may stand in for it. Pure. */
export function fullReadReason(i: BasisInputs): string | undefined {
  if (i.refresh) return '--refresh';
  if (i.everyMs === 0) return 'sync.fullReadEvery is 0';
  if (i.stored === undefined) return 'no target snapshot yet';
  if (!i.stored.ok) return `the target snapshot is unusable: ${i.stored.problem}`;
  const m = i.stored.snapshot.meta;
  if (!sameTarget(m.target, i.target) || m.profile !== i.profile) return 'the target snapshot is for another target or profile';
  if (m.lineage !== i.state.lineage) return 'the target snapshot belongs to another state file';
  if (m.stateSerial !== i.state.serial) return `the state changed since the target snapshot was kept (serial ${m.stateSerial} → ${i.state.serial})`;
  if (i.state.progress !== undefined) return 'an earlier apply was interrupted';
  if (m.fullReadDue !== undefined) return m.fullReadDue;
  const last = i.state.lastRun;
  if (last !== undefined && last.outcome !== 'converged') return `the last run did not converge (${last.outcome})`;
  const age = i.now.getTime() - Date.parse(m.readAt);
  if (age < -CLOCK_SLACK_MS) return 'the target snapshot was read in the future: the clock moved back';
  if (age >= i.everyMs) return `last full read ${hours(age)} ago (sync.fullReadEvery ${hours(i.everyMs)})`;
  return undefined;
}

/** The target side of one run: what to plan against, and how to keep the snapshot after an apply. */
export interface RunBasis {
  readonly actual: TargetSnapshot;
  readonly read: TargetReadBasis;
  /**
   * The plan's actualHash when planning against the snapshot: the hash of its file's users-and-groups text
   * (cheap at 100,000 users; `apply --plan` of such a plan reads the same file). Undefined after a full read.
   */
  readonly actualHash: string | undefined;
  /** Wraps the target so that every accepted write updates the snapshot (apply mode). */
  recording(target: ScimTarget): ScimTarget;
  /** Before the first write: the old snapshot goes, so a crash mid-run leads to a full read. */
  discard(): Promise<void>;
  /** After the run is recorded in state: the snapshot as the target now is, tied to that state. */
  save(state: SyncState, outcome: RunRecord['outcome']): Promise<void>;
}

export interface BasisDeps {
  readonly statePath: string;
  readonly target: ScimTarget;
  readonly profile: 'amplitude' | 'rfc';
  readonly logger: Logger;
  readonly now: () => Date;
}

export interface BasisOptions {
  readonly state: SyncState;
  readonly everyMs: number;
  readonly refresh: boolean;
  /** `apply --plan`: the basis must be of the same kind as the saved plan's. */
  readonly savedPlan?: Plan | undefined;
}

function writesIn(requests: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const [method, count] of Object.entries(requests)) if (method !== 'GET') n += count;
  return n;
}

function counts(t: ScimTarget): Record<string, number> {
  return { ...t.requestCounts() };
}

/**
 * The basis decided, before the source is read: the snapshot loaded if it may stand in for a full read (no
 * request either way). `obtain` then makes the full read if one is due. The run reads its source between
 * the two, so a source failure costs no request, and a run on the snapshot reads the source last, just
 * before it plans: a change made in the source meanwhile is in this run, not the next.
 */
export interface PendingBasis {
  obtain(signal?: AbortSignal): Promise<RunBasis>;
}

export async function decideBasis(deps: BasisDeps, opts: BasisOptions): Promise<PendingBasis> {
  const path = targetSnapshotPath(deps.statePath);
  const started = deps.now();
  const savedKind = opts.savedPlan?.basis.targetRead?.source;
  // A saved plan made from a full read is checked against a full read: no need to parse the snapshot then.
  const fromRead = opts.savedPlan !== undefined && savedKind !== 'snapshot' ? 'the saved plan was made from a full read' : undefined;
  const stored = opts.refresh || fromRead !== undefined || opts.everyMs === 0 ? undefined : await readTargetSnapshot(path);
  const reason =
    fromRead ??
    fullReadReason({
      stored,
      state: opts.state,
      target: deps.target.baseUrl,
      profile: deps.profile,
      now: started,
      // A saved plan made against the snapshot is applied against that same snapshot, however old it is now.
      everyMs: savedKind === 'snapshot' ? Number.POSITIVE_INFINITY : opts.everyMs,
      refresh: opts.refresh,
    });
  if (savedKind === 'snapshot' && reason !== undefined && !opts.refresh) {
    throw new PlanError(
      'SCIMSYNC_PLAN_STALE',
      `saved plan is stale: it was made against the target snapshot, which no longer holds (${reason})`,
      'run `scimsync plan` again, review it, and apply the new plan',
    );
  }
  if (reason === undefined && stored?.ok === true) {
    const kept = stored.snapshot.meta;
    const actual = stored.snapshot.actual;
    const nextFullReadAt = new Date(Date.parse(kept.readAt) + opts.everyMs).toISOString();
    const read: TargetReadBasis = { source: 'snapshot', readAt: kept.readAt, writesSince: kept.writesSince, nextFullReadAt };
    deps.logger.info(
      { basis: 'snapshot', readAt: kept.readAt, writesSince: kept.writesSince, users: actual.users.length, groups: actual.groups.length },
      'target read',
    );
    const basis = runBasis(deps, path, stored, actual, read, `snapshot:${bodyHash(stored.body)}`, kept);
    return { obtain: () => Promise.resolve(basis) };
  }
  return {
    async obtain(signal) {
      const readStarted = deps.now();
      const before = deps.target.requestCounts().GET ?? 0;
      const actual = await deps.target.snapshot(signal);
      const requests = (deps.target.requestCounts().GET ?? 0) - before;
      const why = reason ?? 'full read';
      const kept = { readAt: readStarted.toISOString(), readRequests: requests, writesSince: 0 };
      const read: TargetReadBasis = { source: 'read', readAt: kept.readAt, requests, reason: why };
      deps.logger.info({ basis: 'full read', users: actual.users.length, groups: actual.groups.length, requests, reason: why }, 'target read');
      return runBasis(deps, path, stored, actual, read, undefined, kept);
    },
  };
}

/** What the next snapshot carries over: when the target was last read in full, at what cost, writes since. */
interface KeptMeta {
  readonly readAt: string;
  readonly readRequests: number;
  readonly writesSince: number;
}

function runBasis(
  deps: BasisDeps,
  path: string,
  stored: SnapshotRead | undefined,
  actual: TargetSnapshot,
  read: TargetReadBasis,
  actualHash: string | undefined,
  kept: KeptMeta,
): RunBasis {
  const live = new LiveTarget(actual, deps.profile);
  let countsBefore: Record<string, number> = {};
  let statusBefore: Readonly<Record<string, Readonly<Record<string, number>>>> = {};
  return {
    actual,
    read,
    actualHash,
    recording(target) {
      countsBefore = counts(target);
      statusBefore = target.requestStatusCounts?.() ?? {};
      return new RecordingTarget(target, live);
    },
    async discard() {
      try {
        await discardTargetSnapshot(path);
      } catch (err) {
        throw new StateError(
          'SCIMSYNC_STATE_CORRUPT',
          `cannot remove the target snapshot ${path} before writing (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
          `check the permissions of ${path}'s directory`,
          err,
        );
      }
    },
    async save(state, outcome) {
      const target = deps.target;
      const writes = writesIn(diffRequests(countsBefore, counts(target)));
      for (const why of contradictingStatuses(statusBefore, target.requestStatusCounts?.() ?? {})) live.contradicted(why);
      const contradictions = live.contradictions();
      const due =
        contradictions.length > 0
          ? `the target contradicted the snapshot: ${contradictions.slice(0, 3).join('; ')}`
          : outcome !== 'converged'
            ? `the last run did not converge (${outcome})`
            : undefined;
      if (contradictions.length > 0) deps.logger.warn({ contradictions }, 'the target disagreed with the snapshot: the next run reads it in full');
      const next: TargetSnapshotMeta = {
        lineage: state.lineage,
        stateSerial: state.serial,
        target: target.baseUrl,
        profile: deps.profile,
        readAt: kept.readAt,
        readRequests: kept.readRequests,
        writesSince: kept.writesSince + writes,
        ...(due === undefined ? {} : { fullReadDue: due }),
      };
      const now = live.snapshot();
      // Nothing written and the snapshot was the basis: its users and groups go back to disk as they were read.
      const body = stored?.ok === true && now === stored.snapshot.actual ? stored.body : undefined;
      await writeTargetSnapshot(path, { meta: next, actual: now }, body);
    },
  };
}
