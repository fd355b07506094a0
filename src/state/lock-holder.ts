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
  /**
   * The holder touches the lock file every this many ms. A lock from another host (a replaced pod or
   * container has a new hostname) is stale once it has been silent for SILENT_BEATS beats.
   */
  readonly heartbeatMs?: number;
}

/** Missed heartbeats after which a holder whose process cannot be checked is taken for dead. */
export const SILENT_BEATS = 8;

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

export async function myIdentity(now: () => Date, heartbeatMs: number): Promise<LockInfo> {
  const processStart = await processStartOf(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: now().toISOString(),
    runId: randomUUID(),
    ...(processStart === undefined ? {} : { processStart }),
    heartbeatMs,
  };
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, startedAt, runId, processStart, heartbeatMs } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
    return {
      pid,
      host,
      startedAt: typeof startedAt === 'string' ? startedAt : 'unknown',
      ...(typeof runId === 'string' ? { runId } : {}),
      ...(typeof processStart === 'string' ? { processStart } : {}),
      ...(typeof heartbeatMs === 'number' && heartbeatMs > 0 ? { heartbeatMs } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Is the holder of a lock file (its text and mtime) still running? On this host a lock is stale when its
 * pid is gone, when its pid is ours but the lock is not one this process took (a restarted container's node
 * is pid 1 again), or when the pid now belongs to a process that started at another time. A holder whose
 * process cannot be checked (another host, or no /proc) is stale once its heartbeat has been silent for
 * SILENT_BEATS beats; a lock without a heartbeat (older scimsync) from another host never is. An
 * unreadable lock (killed between create and write, full disk) is stale once it is older than `graceMs`.
 */
export async function judge(text: string, mtimeMs: number, graceMs: number): Promise<Verdict> {
  const holder = parseLockInfo(text);
  const age = Date.now() - mtimeMs;
  if (!holder) {
    return age >= graceMs ? { kind: 'stale', reason: `unreadable for ${Math.round(age / 1000)} s`, holder } : { kind: 'wait' };
  }
  const silent = holder.heartbeatMs !== undefined && age > holder.heartbeatMs * SILENT_BEATS;
  const silence = { kind: 'stale', reason: `no heartbeat from ${holder.host} for ${Math.round(age / 1000)} s`, holder } as const;
  if (holder.host !== hostname()) return silent ? silence : { kind: 'alive', holder };
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
  const current = holder.processStart === undefined ? undefined : await processStartOf(holder.pid);
  if (current !== undefined && current !== holder.processStart) {
    return { kind: 'stale', reason: `process ${holder.pid} is another process now (the id was reused)`, holder };
  }
  // Same start time: that very process is alive (perhaps paused); keep off. Unknown: the heartbeat decides.
  return current === undefined && silent ? silence : { kind: 'alive', holder };
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
