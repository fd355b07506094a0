/**
 * The state file's shape (lowdb JSON). It is an optimisation and an ownership record, never the source of
 * truth: every run re-reads source and target. Losing it never causes a deletion (unmanaged = untouched).
 */
export const STATE_FORMAT_VERSION = 1 as const;

/** How scimsync came to manage an object. Objects with no record are not managed and never deleted. */
export type Ownership = 'created' | 'adopted';

export interface UserRecord {
  /** The target's id for this user. */
  readonly targetId: string;
  /** Lower-cased userName (email) last pushed or adopted. */
  readonly userName: string;
  /**
   * Hash of the attributes scimsync last pushed (or found on adoption). A change in the source is
   * compared with this, not with what the target reads back (Amplitude shows placeholders for pending users).
   */
  readonly pushedHash: string;
  readonly ownership: Ownership;
}

export interface GroupRecord {
  readonly targetId: string;
  readonly displayName: string;
  readonly ownership: Ownership;
}

export interface RunRecord {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: 'converged' | 'partial' | 'refused' | 'failed';
  readonly summary: Record<string, number>;
  readonly failed: number;
  readonly requests: Record<string, number>;
}

/** Progress of an unfinished apply, so a long first load resumes where it stopped. */
export interface ApplyProgress {
  /** Hash of the plan's operations; a different plan discards this record. */
  readonly planId: string;
  readonly startedAt: string;
  readonly total: number;
  /** Keys of operations already applied. */
  readonly done: readonly string[];
}

export interface SyncState {
  readonly version: typeof STATE_FORMAT_VERSION;
  /** Random id fixed at creation: a saved plan for another state file is refused. */
  readonly lineage: string;
  /** Bumped at every commit: a saved plan made before the last commit is stale. */
  readonly serial: number;
  /** Identifies the target (its base URL) this state belongs to. */
  readonly target: string;
  /** Keyed by source id. */
  readonly users: Readonly<Record<string, UserRecord>>;
  /** Keyed by lower-cased group name. */
  readonly groups: Readonly<Record<string, GroupRecord>>;
  readonly lastRun?: RunRecord | undefined;
  readonly progress?: ApplyProgress | undefined;
}
