import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** What a lock file holds: enough for a person (and the next process) to tell who has the state. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Random per acquisition: tells this process's own locks from those of an earlier process with its pid. */
  readonly runId?: string;
  /**
   * The holder process's start (Linux: boot id + /proc/<pid>/stat starttime). A live pid whose start
   * differs is another process that reused the pid, so the lock is stale.
   */
  readonly processStart?: string;
}

/** What the next process concludes about a lock file it found. */
export type Verdict =
  | { readonly kind: 'alive'; readonly holder: LockInfo | undefined }
  | { readonly kind: 'stale'; readonly reason: string; readonly holder: LockInfo | undefined }
  /** Unreadable and younger than the grace period: its writer may be between create and write. */
  | { readonly kind: 'wait' };

/** Run ids of the locks this process holds now (several stores may be open in one process). */
const heldHere = new Set<string>();

export function markHeld(runId: string, held: boolean): void {
  if (held) heldHere.add(runId);
  else heldHere.delete(runId);
}

export async function myIdentity(now: () => Date): Promise<LockInfo> {
  const processStart = await processStartOf(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: now().toISOString(),
    runId: randomUUID(),
    ...(processStart === undefined ? {} : { processStart }),
  };
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, startedAt, runId, processStart } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
    return {
      pid,
      host,
      startedAt: typeof startedAt === 'string' ? startedAt : 'unknown',
      ...(typeof runId === 'string' ? { runId } : {}),
      ...(typeof processStart === 'string' ? { processStart } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Is the holder of a lock file (its text and mtime) still running? Another host's process cannot be
 * checked: alive. On this host a lock is stale when its pid is gone, when its pid is ours but the lock is not
 * one this process took (a restarted container's node is pid 1 again), or when the pid now belongs to a
 * process that started at another time. An unreadable lock (killed between create and write, full disk)
 * is stale once it is older than `graceMs`.
 */
export async function judge(text: string, mtimeMs: number, graceMs: number): Promise<Verdict> {
  const holder = parseLockInfo(text);
  if (!holder) {
    const age = Date.now() - mtimeMs;
    return age >= graceMs ? { kind: 'stale', reason: `unreadable for ${Math.round(age / 1000)} s`, holder } : { kind: 'wait' };
  }
  if (holder.host !== hostname()) return { kind: 'alive', holder };
  if (holder.pid === process.pid) {
    return holder.runId !== undefined && heldHere.has(holder.runId)
      ? { kind: 'alive', holder }
      : { kind: 'stale', reason: 'left by an earlier process with this process id (a restart)', holder };
  }
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; only ESRCH says it is gone.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { kind: 'stale', reason: 'its process is gone', holder };
  }
  if (holder.processStart !== undefined) {
    const current = await processStartOf(holder.pid);
    if (current !== undefined && current !== holder.processStart) {
      return { kind: 'stale', reason: `process ${holder.pid} is another process now (the id was reused)`, holder };
    }
  }
  return { kind: 'alive', holder };
}

let bootId: Promise<string | undefined> | undefined;

/**
 * `<boot id>:<starttime>` of a process on Linux (starttime: clock ticks since boot, field 22 of
 * /proc/<pid>/stat); undefined elsewhere or if the process is gone, and the pid check alone decides.
 */
export async function processStartOf(pid: number): Promise<string | undefined> {
  bootId ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
  const boot = await bootId;
  if (boot === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start && /^\d+$/.test(start) ? `${boot}:${start}` : undefined;
  } catch {
    return undefined;
  }
}
