/**
 * The real `scimsync daemon` (dist/cli/main.js) in its own process, watched from outside: its run
 * boundaries from its JSON log lines on stderr, its CPU time and memory from /proc. Linux only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** One pino line of the daemon's log (only the fields the benchmark reads). */
export interface LogLine {
  readonly time: number;
  readonly msg: string;
  readonly runId?: string;
  readonly basis?: string;
  readonly durationSeconds?: number;
  readonly outcome?: string;
  readonly [key: string]: unknown;
}

export interface DaemonProcess {
  readonly pid: number;
  /** Called for every log line, in order. */
  onLine(listener: (line: LogLine) => void): void;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  /** Resident set now and its high-water mark, in MB. */
  memoryMb(): { rss: number; peak: number };
  /** SIGTERM, then the exit code (the daemon finishes its in-flight run first). */
  stop(): Promise<number>;
}

/** `nodeFlags` go to node itself (e.g. `--cpu-prof`). */
export function startDaemonProcess(configPath: string, nodeFlags: readonly string[] = []): DaemonProcess {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, CLI, 'daemon', '-c', configPath, '--run-now'], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the daemon did not start');
  const listeners: ((line: LogLine) => void)[] = [];
  const warned = new Set<string>();
  let exited: number | undefined;
  const exit = new Promise<number>((resolve) => child.once('exit', (code) => resolve((exited = code ?? -1))));
  // Read at once and whole: pino writes synchronously, so a slow reader would stall the daemon itself.
  createInterface({ input: child.stderr! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      process.stderr.write(`daemon: ${text}\n`);
      return;
    }
    // Each warning once: the daemon repeats a config warning on every run.
    if (Number(line.level) >= 40 && !warned.has(line.msg)) {
      warned.add(line.msg);
      process.stderr.write(`daemon ${line.level === 40 ? 'WARN' : 'ERROR'}: ${line.msg}\n`);
    }
    if (process.env.BENCH_DAEMON_LOG === '1') process.stderr.write(`${text}\n`);
    for (const l of listeners) l(line);
  });
  const status = (): string => readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status())?.[1] ?? 0);
  return {
    pid,
    onLine: (l) => void listeners.push(l),
    cpuSeconds() {
      // Fields after the command name (which is in parentheses and may hold spaces): utime is 14th, stime 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    },
    memoryMb: () => ({ rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }),
    async stop() {
      if (exited === undefined) child.kill('SIGTERM');
      return exit;
    },
  };
}
