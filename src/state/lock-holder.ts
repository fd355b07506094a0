import { randomUUID } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
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
   * Linux: boot id + the PID namespace (/proc/self/ns/pid). A pid means something only inside its
   * namespace: a holder in another one (a second container with the host's hostname, or the same
   * container before a restart) cannot be checked by pid, like one on another host.
   */
  readonly pidNamespace?: string;
  /**
   * The holder touches the lock file every this many ms. A holder that cannot be checked by pid is taken
   * for dead once it has been silent for SILENT_BEATS beats.
   */
  readonly heartbeatMs?: number;
}

/** Missed heartbeats after which a holder whose process cannot be checked is taken for dead. */
export const SILENT_BEATS = 6;

/** What the next process concludes about a lock file it found. */
export type Verdict =
  | { readonly kind: 'alive'; readonly holder: LockInfo | undefined }
  | { readonly kind: 'stale'; readonly reason: string; readonly holder: LockInfo | undefined }
  /**
   * Not yet decidable: unreadable and younger than the grace period (its writer may be between create
   * and write), or a holder known only by its heartbeat, which must be watched: a beat (a newer mtime)
   * says alive, silence until `untilMs` says gone.
   */
  | { readonly kind: 'wait'; readonly holder: LockInfo | undefined; readonly untilMs: number };

/** Run ids of the locks this process holds now (several stores may be open in one process). */
const heldHere = new Set<string>();

export function markHeld(runId: string, held: boolean): void {
  if (held) heldHere.add(runId);
  else heldHere.delete(runId);
}

export async function myIdentity(now: () => Date, heartbeatMs: number): Promise<LockInfo> {
  const [processStart, { pidNamespace }] = await Promise.all([processStartOf(process.pid), machine()]);
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: now().toISOString(),
    runId: randomUUID(),
    ...(processStart === undefined ? {} : { processStart }),
    ...(pidNamespace === undefined ? {} : { pidNamespace }),
    heartbeatMs,
  };
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, startedAt, runId, processStart, pidNamespace, heartbeatMs } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
    return {
      pid,
      host,
      startedAt: typeof startedAt === 'string' ? startedAt : 'unknown',
      ...(typeof runId === 'string' ? { runId } : {}),
      ...(typeof processStart === 'string' ? { processStart } : {}),
      ...(typeof pidNamespace === 'string' ? { pidNamespace } : {}),
      ...(typeof heartbeatMs === 'number' && heartbeatMs > 0 ? { heartbeatMs } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Is the holder of a lock file (its text and mtime) still running? In our PID namespace on this host, a
 * lock is stale when its pid is gone, when its pid is ours but the lock is not one this process took (a
 * restarted process with the same pid), or when the pid now belongs to a process that started at another
 * time. A holder that cannot be checked by pid (another host, another PID namespace, no /proc) is known by
 * its heartbeat: stale once silent for SILENT_BEATS beats, else to be watched ('wait'); a lock without a
 * heartbeat (older scimsync) from another host is never stale. An unreadable lock (killed between create and write, full disk) is stale
 * once it is older than `graceMs`.
 */
export async function judge(text: string, mtimeMs: number, graceMs: number): Promise<Verdict> {
  const holder = parseLockInfo(text);
  const age = Date.now() - mtimeMs;
  if (!holder) {
    return age >= graceMs
      ? { kind: 'stale', reason: `unreadable for ${Math.round(age / 1000)} s`, holder }
      : { kind: 'wait', holder, untilMs: mtimeMs + graceMs };
  }
  const byHeartbeat = (): Verdict => {
    const beat = holder.heartbeatMs;
    if (beat === undefined) return { kind: 'alive', holder };
    if (age > beat * SILENT_BEATS) return { kind: 'stale', reason: `no heartbeat from ${holder.host} for ${Math.round(age / 1000)} s`, holder };
    return { kind: 'wait', holder, untilMs: mtimeMs + beat * SILENT_BEATS + 1 };
  };
  const { pidNamespace } = await machine();
  const checkable = holder.host === hostname() && (holder.pidNamespace === undefined || holder.pidNamespace === pidNamespace);
  if (!checkable) return byHeartbeat();
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
  return current === undefined ? byHeartbeat() : { kind: 'alive', holder };
}

let here: Promise<{ bootId: string | undefined; pidNamespace: string | undefined }> | undefined;

/** This machine's boot id and this process's PID namespace (Linux; undefined elsewhere). Read once. */
function machine(): Promise<{ bootId: string | undefined; pidNamespace: string | undefined }> {
  here ??= (async () => {
    const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
    const ns = await readlink('/proc/self/ns/pid').catch(() => undefined);
    return { bootId, pidNamespace: bootId && ns ? `${bootId}:${ns}` : undefined };
  })();
  return here;
}

/**
 * `<boot id>:<starttime>` of a process on Linux (starttime: clock ticks since boot, field 22 of
 * /proc/<pid>/stat); undefined elsewhere or if the process is gone, and the pid check alone decides.
 */
export async function processStartOf(pid: number): Promise<string | undefined> {
  const { bootId } = await machine();
  if (bootId === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start && /^\d+$/.test(start) ? `${bootId}:${start}` : undefined;
  } catch {
    return undefined;
  }
}
