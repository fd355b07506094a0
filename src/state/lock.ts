import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';

/** What a lock file holds: enough for a person (and the next process) to tell who has the state. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface StateLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/**
 * Takes `<statePath>.lock` with an exclusive create. A lock left by a dead process on this host is taken
 * over with a warning; a live holder (or one on another host, which we cannot check) is an error.
 */
export async function acquireLock(statePath: string, logger: Logger, now: () => Date): Promise<StateLock> {
  const lockPath = `${statePath}.lock`;
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: now().toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
      } finally {
        await handle.close();
      }
      return ownLock(lockPath, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await readLock(lockPath);
      if (attempt === 0 && holder && isStale(holder)) {
        logger.warn({ lock: lockPath, pid: holder.pid, since: holder.startedAt }, 'taking over a stale state lock: its process is gone');
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      throw lockedError(lockPath, holder);
    }
  }
}

function ownLock(lockPath: string, text: string): StateLock {
  let released = false;
  // Best effort on a plain exit (process.exit, end of main): a crash or SIGKILL leaves a stale lock,
  // which the next process takes over because the pid is gone.
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
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      // Only remove the file if it is still ours (a takeover by another process must not be undone).
      const current = await readFile(lockPath, 'utf8').catch(() => undefined);
      if (current === text) await unlink(lockPath).catch(() => undefined);
    },
  };
}

async function readLock(lockPath: string): Promise<LockInfo | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, startedAt } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string') return undefined;
    return { pid, host, startedAt: typeof startedAt === 'string' ? startedAt : 'unknown' };
  } catch {
    return undefined;
  }
}

/** Stale = same host and the pid is not alive. Another host's pid cannot be checked: never stale. */
function isStale(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function lockedError(lockPath: string, holder: LockInfo | undefined): StateError {
  if (!holder) {
    return new StateError(
      'SCIMSYNC_STATE_LOCKED',
      `state is locked by ${lockPath}, whose holder cannot be read`,
      `if no scimsync process is running, delete ${lockPath}`,
    );
  }
  return new StateError(
    'SCIMSYNC_STATE_LOCKED',
    `state is locked by scimsync pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`,
    `wait for that run to finish, or stop it; if it is gone, delete ${lockPath}`,
  );
}
