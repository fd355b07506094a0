import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string };

/** The real `scimsync daemon` process, its JSON log lines (stderr) collected as they arrive. */
export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** Resolves with the first log line (from index `from`) matching, or rejects after `timeoutMs`. */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number, from?: number): Promise<LogLine>;
  /** Base URL of /healthz /readyz /metrics (from the daemon's own log line). */
  healthUrl(): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
  stderrText(): string;
}

export function spawnDaemon(configPath: string, args: string[] = [], env: Record<string, string> = {}): DaemonProcess {
  const child = spawn(process.execPath, [CLI, 'daemon', '-c', configPath, ...args], {
    env: { ...process.env, SCIMSYNC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let raw = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    raw += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line, unparsed: true });
      }
    }
    for (const w of waiters) w();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const waitForLog: DaemonProcess['waitForLog'] = (pred, timeoutMs = 20_000, from = 0) =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = logs.slice(from).find(pred);
        if (!hit) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a log line; last lines:\n${raw.split('\n').slice(-15).join('\n')}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (!check()) {
          cleanup();
          reject(new Error(`daemon exited while waiting for a log line:\n${raw.split('\n').slice(-15).join('\n')}`));
        }
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
        child.off('exit', onExit);
      };
      const waiter = (): void => void check();
      waiters.add(waiter);
      child.on('exit', onExit);
      check();
    });

  return {
    child,
    logs,
    waitForLog,
    async healthUrl() {
      const line = await waitForLog((l) => l.msg === 'health and metrics listening');
      return String(line.url);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited,
    stderrText: () => raw,
  };
}

/** Index just past the last log line, to wait for lines that come after now. */
export function mark(d: DaemonProcess): number {
  return d.logs.length;
}

/** The closing line of a run: `run finished…`, `run failed: …`, `run refused…` or `run stopped by shutdown`. */
export const isRunEnd = (l: LogLine): boolean => typeof l.msg === 'string' && /^run (finished|failed|refused|stopped by shutdown)/.test(l.msg);
