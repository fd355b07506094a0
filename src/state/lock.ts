import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readdir, rename, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { crashPoint } from './crash-points.js';
import { readRegularFile, stateIoError } from './fs-guard.js';
import { SILENT_BEATS, judge, markHeld, myIdentity, type LockInfo } from './lock-holder.js';

export type { LockInfo } from './lock-holder.js';

export interface StateLock {
  readonly path: string;
  /** Throws SCIMSYNC_STATE_LOCKED if the lock file is no longer ours (taken over while this process was paused). */
  assertHeld(): Promise<void>;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** An unreadable lock file older than this is stale (its writer died between create and write). @default 5000 */
  readonly graceMs?: number;
  /** How long to wait on a lock that is unreadable but young, or being taken over by another process. @default graceMs + 2000 */
  readonly waitMs?: number;
  /** The holder touches the lock file this often; silent for 6 beats, it may be taken over. @default 10000 */
  readonly heartbeatMs?: number;
}

export const DEFAULT_LOCK_GRACE_MS = 5000;
export const DEFAULT_HEARTBEAT_MS = 10_000;
const POLL_MS = 50;
const HEARTBEAT_POLL_MS = 500;

/**
 * Takes `<statePath>.lock` with an exclusive create. A live holder is SCIMSYNC_STATE_LOCKED; one that
 * cannot be checked by pid (another host or PID namespace) is watched until it beats (locked) or stays
 * silent long enough to be stale. A stale lock (see `judge`) is taken over atomically: of any number of
 * processes that find the same stale lock at once, exactly one replaces it (see `takeOver`).
 */
export async function acquireLock(statePath: string, logger: Logger, now: () => Date, options: LockOptions = {}): Promise<StateLock> {
  const graceMs = options.graceMs ?? DEFAULT_LOCK_GRACE_MS;
  const deadline = Date.now() + (options.waitMs ?? graceMs + 2000);
  const lockPath = `${statePath}.lock`;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const mine = await myIdentity(now, heartbeatMs);
  const text = `${JSON.stringify(mine)}\n`;
  // The lock counts as ours from before it exists, so no step below can judge our own lock stale.
  markHeld(mine.runId ?? '', true);
  let waitLogged = false;
  let watched: { text: string; mtimeMs: number } | undefined;
  try {
    for (;;) {
      if (await createExclusive(lockPath, text, true)) return await ownLock(lockPath, text, mine, heartbeatMs);
      const seen = await readLockFile(lockPath);
      if (!seen) continue; // released between our create and our read
      const verdict = await judge(seen.text, seen.mtimeMs, graceMs);
      if (verdict.kind === 'alive') throw lockedError(lockPath, verdict.holder);
      if (verdict.kind === 'wait' && verdict.holder) {
        // A holder known by its heartbeat that beat while we watched is alive.
        if (watched?.text === seen.text && seen.mtimeMs > watched.mtimeMs) throw lockedError(lockPath, verdict.holder);
        if (watched?.text !== seen.text) watched = seen;
      }
      if (verdict.kind === 'stale') {
        const outcome = await takeOver(lockPath, seen.text, text, graceMs, 0);
        if (outcome === 'won') {
          logger.warn({ lock: lockPath, pid: verdict.holder?.pid, since: verdict.holder?.startedAt, reason: verdict.reason }, 'took over a stale state lock');
          return await ownLock(lockPath, text, mine, heartbeatMs);
        }
        if (outcome === 'lost') continue; // someone else replaced it: judge the new holder
      }
      // 'wait': the lock is being written (at most `waitMs`), or its holder is known only by its heartbeat
      // (watched until it beats, or stays silent long enough to be stale). 'busy': another process is
      // taking it over right now (at most `waitMs`).
      const beating = verdict.kind === 'wait' ? verdict.holder : undefined;
      const until = beating && verdict.kind === 'wait' ? Math.max(deadline, verdict.untilMs) : deadline;
      if (Date.now() >= until) throw lockedError(lockPath, beating);
      if (beating && !waitLogged) {
        waitLogged = true;
        logger.info({ lock: lockPath, pid: beating.pid, host: beating.host }, 'the state lock holder cannot be checked by pid: watching its heartbeat');
      }
      await sleep(beating?.heartbeatMs ? Math.min(HEARTBEAT_POLL_MS, beating.heartbeatMs / 4) : POLL_MS);
    }
  } catch (err) {
    markHeld(mine.runId ?? '', false);
    throw err;
  }
}

/**
 * Replaces the stale lock `path` (whose text was `staleText`) with `mineText`. Contenders for the same
 * stale lock first create a marker named after that text with O_EXCL, so only one at a time may replace
 * it; the marker holder re-reads the lock and replaces it only if it still holds `staleText`, by rename
 * (the lock never disappears, so a plain create cannot slip in). A marker left by a contender that died is
 * itself stale and is taken over the same way, one level down.
 * 'won': the lock is ours. 'lost': the lock changed meanwhile. 'busy': another contender is at it.
 */
async function takeOver(path: string, staleText: string, mineText: string, graceMs: number, depth: number): Promise<'won' | 'lost' | 'busy'> {
  const marker = `${path}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;
  if (!(await createExclusive(marker, mineText, false))) {
    const seen = await readLockFile(marker);
    if (!seen || depth >= 2) return 'busy';
    const verdict = await judge(seen.text, seen.mtimeMs, graceMs);
    if (verdict.kind !== 'stale') return 'busy';
    if ((await takeOver(marker, seen.text, mineText, graceMs, depth + 1)) !== 'won') return 'busy';
  }
  try {
    crashPoint('lock-takeover-marked');
    const current = await readLockFile(path);
    if (current?.text !== staleText) return 'lost';
    // Only the marker holder uses this name: a leftover is from a contender that died here.
    const temp = `${marker}.new`;
    await unlink(temp).catch(() => undefined);
    if (!(await createExclusive(temp, mineText, false))) return 'busy';
    try {
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw stateIoError(err, path, 'take over the stale lock');
    }
    return 'won';
  } finally {
    await removeIfStill(marker, mineText);
  }
}

/** Creates `path` holding `text` only if it does not exist. false: it exists. */
async function createExclusive(path: string, text: string, isLock: boolean): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw stateIoError(err, path, 'create the lock');
  }
  if (isLock) crashPoint('lock-created');
  try {
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Never leave an empty lock behind (full disk): the next run would have to wait for it to age.
    await unlink(path).catch(() => undefined);
    throw stateIoError(err, path, 'write the lock');
  }
  if (isLock) crashPoint('lock-written');
  return true;
}

async function readLockFile(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  return readRegularFile(path, 'read the lock');
}

async function removeIfStill(path: string, text: string): Promise<void> {
  const current = await readLockFile(path).catch(() => undefined);
  if (current?.text === text) await unlink(path).catch(() => undefined);
}

async function ownLock(lockPath: string, text: string, mine: LockInfo, heartbeatMs: number): Promise<StateLock> {
  await removeTakeoverLeftovers(lockPath);
  let released = false;
  // The heartbeat lets a process on another host (a replaced pod) tell a dead holder from a live one.
  const beat = setInterval(() => {
    void (async () => {
      if ((await readLockFile(lockPath).catch(() => undefined))?.text !== text) return;
      const t = new Date();
      await utimes(lockPath, t, t).catch(() => undefined);
    })();
  }, heartbeatMs);
  beat.unref();
  // Best effort on a plain exit (process.exit, end of main): a crash or SIGKILL leaves a stale lock,
  // which the next process takes over (see `judge`).
  const onExit = (): void => {
    if (released) return;
    try {
      if (readFileSync(lockPath, 'utf8') === text) unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once('exit', onExit);
  return {
    path: lockPath,
    async assertHeld() {
      if ((await readLockFile(lockPath).catch(() => undefined))?.text === text) return;
      throw new StateError(
        'SCIMSYNC_STATE_LOCKED',
        `the state lock ${lockPath} is no longer this process's: another process took it over (was this one paused for minutes?); the state was not written`,
        'run again; if it repeats, make sure no two scimsync processes share one state file',
      );
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      process.removeListener('exit', onExit);
      // Only remove the file if it is still ours (a takeover by another process must not be undone).
      await removeIfStill(lockPath, text);
      markHeld(mine.runId ?? '', false);
    },
  };
}

/**
 * Markers and temp files of takeovers whose contender died in the middle: they name older locks, so once
 * we hold the lock no contender can use them (its re-check of the lock fails), and they only clutter.
 */
async function removeTakeoverLeftovers(lockPath: string): Promise<void> {
  const dir = dirname(lockPath);
  const prefix = `${basename(lockPath)}.takeover-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => unlink(join(dir, n)).catch(() => undefined)));
}

function lockedError(lockPath: string, holder: LockInfo | undefined): StateError {
  if (!holder) {
    return new StateError(
      'SCIMSYNC_STATE_LOCKED',
      `state is locked by ${lockPath}, which is being written or taken over by another scimsync process`,
      `run again in a few seconds; if no scimsync process is running, delete ${lockPath}`,
    );
  }
  const auto = holder.heartbeatMs ? ` (a holder whose heartbeat stops is taken over after ${Math.round((holder.heartbeatMs * SILENT_BEATS) / 1000)} s)` : '';
  return new StateError(
    'SCIMSYNC_STATE_LOCKED',
    `state is locked by scimsync pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`,
    `wait for that run to finish, or stop it; if it is gone, delete ${lockPath}${auto}`,
  );
}
