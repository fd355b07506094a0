import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { ConfigError, StateError, isScimsyncError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { removeTempLeftovers } from './atomic-file.js';
import { StateFileAdapter } from './file-adapter.js';
import { freshState } from './fresh.js';
import { assertOrdinaryLocation, ensureDirectory } from './fs-guard.js';
import { acquireLock, type LockOptions, type StateLock } from './lock.js';
import { guardState } from './strict-state.js';
import type { SyncState } from './types.js';

export interface StateStore {
  readonly path: string;
  /**
   * The state: read from the file on the first call (a missing file gives a fresh state, written at once so
   * its lineage is fixed), the in-memory state afterwards (this process holds the lock, nobody else writes).
   * The store's own object: never mutate it (derive a new state and pass it to `update`).
   */
  load(): Promise<SyncState>;
  /**
   * Replace the in-memory state; schedules a batched flush (every `flushEveryOps` calls or `flushIntervalMs`).
   * The store keeps this object, not a copy, and writes it later: never mutate it (or anything it holds)
   * afterwards. Derive the next state with spreads and fresh arrays instead (apply/progress.ts withDone).
   * The test suite freezes every state given here (strict-state.ts), so a mutation throws in the tests.
   */
  update(next: SyncState): void;
  /** Write now if anything changed since the last write (atomic); each write bumps serial. */
  flush(): Promise<void>;
  /** Flush and release the lock. */
  close(): Promise<void>;
}

/** The file-backed store: a StateStore plus two read-only views for callers and tests. */
export interface FileStateStoreHandle extends StateStore {
  /** The latest state, as `update` left it (serial included); undefined before `load`. */
  current(): SyncState | undefined;
  /** Writes made to the file so far (each one bumped serial). */
  writes(): number;
}

export interface StateStoreOptions {
  /** Base URL of the SCIM target; a state made for another target is refused. */
  readonly target: string;
  /** Flush after this many `update` calls. @default 100 */
  readonly flushEveryOps?: number;
  /** Flush this long after the first unflushed `update`. @default 5000 */
  readonly flushIntervalMs?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** Grace, wait and heartbeat periods of the lock (tests shorten them). */
  readonly lock?: LockOptions;
}

// 30 s: under a 100-requests-a-minute budget the timer, not the op count, decides how often the file is
// rewritten; losing up to 30 s of records in a crash costs nothing (the next run adopts by userName).
export const DEFAULT_STATE_STORE = { flushEveryOps: 100, flushIntervalMs: 30_000 } as const;

/** Takes the lock on `path` and returns a store; `load()` reads the file. */
export async function openStateStore(path: string, options: StateStoreOptions): Promise<FileStateStoreHandle> {
  const flushEveryOps = options.flushEveryOps ?? DEFAULT_STATE_STORE.flushEveryOps;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_STATE_STORE.flushIntervalMs;
  if (!Number.isInteger(flushEveryOps) || flushEveryOps < 1) throw invalidOption('flushEveryOps', flushEveryOps, 'an integer >= 1');
  if (!Number.isFinite(flushIntervalMs) || flushIntervalMs < 0) throw invalidOption('flushIntervalMs', flushIntervalMs, 'a finite number >= 0');
  const file = resolve(path);
  const logger = options.logger ?? silentLogger();
  const now = options.now ?? (() => new Date());
  await ensureDirectory(file);
  const lock = await acquireLock(file, logger, now, options.lock);
  try {
    const removed = await removeTempLeftovers(file);
    if (removed > 0) logger.info({ file, removed }, 'removed temp files of state writes that never finished (a crash)');
  } catch (err) {
    await lock.release();
    throw err;
  }
  return new FileStateStore(file, lock, { target: options.target, flushEveryOps, flushIntervalMs, logger });
}

/**
 * Reads and validates a state file without taking the lock (`plan`, `state show`, `check`). Missing file:
 * undefined. With `target`, a state made for another target is refused like in `load`.
 */
export async function readStateFile(path: string, options: { target?: string } = {}): Promise<SyncState | undefined> {
  const file = resolve(path);
  await assertOrdinaryLocation(file);
  return (await new StateFileAdapter(file, options).read()) ?? undefined;
}

function invalidOption(name: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(`state store option \`${name}\` must be ${expected}, got ${String(value)} (${typeof value})`, [
    { path: name, message: `expected ${expected}` },
  ]);
}

interface Settings {
  readonly target: string;
  readonly flushEveryOps: number;
  readonly flushIntervalMs: number;
  readonly logger: Logger;
}

class FileStateStore implements FileStateStoreHandle {
  readonly path: string;
  readonly #lock: StateLock;
  readonly #settings: Settings;
  readonly #adapter: StateFileAdapter;
  /** lowdb over our adapter: `read` validates, migrates and checks the target; `write` is atomic. */
  readonly #db: Low<SyncState>;
  #state: SyncState | undefined;
  #serial = 0;
  #unflushed = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Writes run one after another; each captured its text when `flush` was called. */
  #chain: Promise<void> = Promise.resolve();
  /** A background flush that failed: reported by the next flush/close. */
  #failure: unknown;
  #closed = false;

  constructor(path: string, lock: StateLock, settings: Settings) {
    this.path = path;
    this.#lock = lock;
    this.#settings = settings;
    this.#adapter = new StateFileAdapter(path, { target: settings.target });
    // lowdb keeps its default data when the file is missing: a fresh state, with the lineage it is written with.
    this.#db = new Low<SyncState>(this.#adapter, freshState(settings.target, randomUUID()));
  }

  async load(): Promise<SyncState> {
    this.#assertOpen();
    if (this.#state) return this.#state;
    const fresh = this.#db.data;
    await this.#db.read();
    const state = guardState(this.#db.data);
    this.#state = state;
    this.#serial = state.serial;
    if (state === fresh) {
      // No file: persist the fresh state now, so a plan saved from it finds the same lineage when applied.
      this.#settings.logger.info({ file: this.path, lineage: state.lineage }, 'no state file: starting a fresh state');
      this.#enqueueWrite(state);
      await this.#chain;
      this.#throwFailure();
    }
    return state;
  }

  update(next: SyncState): void {
    this.#assertOpen();
    guardState(next);
    // The store owns the serial: callers pass states derived from older loads.
    this.#state = next.serial === this.#serial ? next : guardState({ ...next, serial: this.#serial });
    this.#unflushed += 1;
    if (this.#unflushed >= this.#settings.flushEveryOps) {
      this.#background(this.flush());
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#background(this.flush());
      }, this.#settings.flushIntervalMs);
      this.#timer.unref();
    }
  }

  async flush(): Promise<void> {
    this.#clearTimer();
    if (this.#unflushed > 0 && this.#state) {
      this.#serial += 1;
      this.#state = guardState({ ...this.#state, serial: this.#serial });
      this.#unflushed = 0;
      this.#enqueueWrite(this.#state);
    }
    await this.#chain;
    this.#throwFailure();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#clearTimer();
      await this.#lock.release();
    }
  }

  current(): SyncState | undefined {
    return this.#state;
  }

  writes(): number {
    return this.#adapter.writes;
  }

  #enqueueWrite(state: SyncState): void {
    // No copy: nobody changes a state after `update` (its contract), so the write that runs later is the
    // state of the moment it was asked for. Copying 100,000 records per flush cost a second copy of the state.
    this.#chain = this.#chain.then(async () => {
      this.#db.data = state;
      try {
        // A process paused past the lock's heartbeat may have lost the lock: never write over the new holder.
        await this.#lock.assertHeld();
        await this.#db.write();
      } catch (err) {
        this.#failure ??= err;
      }
    });
  }

  #background(p: Promise<void>): void {
    p.catch((err: unknown) => {
      this.#failure ??= err;
      this.#settings.logger.error({ file: this.path, code: isScimsyncError(err) ? err.code : undefined }, 'state flush failed');
    });
  }

  #throwFailure(): void {
    const err = this.#failure;
    if (err === undefined) return;
    this.#failure = undefined;
    if (isScimsyncError(err)) throw err;
    const detail = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new StateError(
      'SCIMSYNC_STATE_CORRUPT',
      `could not write state file ${this.path} (${detail}); the file on disk is the last complete write`,
      `check free space and permissions of ${this.path}, then run again (the next run re-reads the target and converges)`,
      err,
    );
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StateError('SCIMSYNC_STATE_LOCKED', `state store ${this.path} is closed`, 'open the state store again');
  }
}
