/**
 * Running the real CLI (its bin, from dist/) the way a user would, under /usr/bin/time, and summarising
 * repeated measurements. Shared by the benchmarks that time whole scimsync processes.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread as stats } from './table.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  /** Wall time of the whole process, start-up included. */
  readonly seconds: number;
  /** CPU time (user + system) of the process: on a shared machine, wall time also counts waiting for a core. */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly stdout: string;
  /** What the process wrote to stderr (logs), without /usr/bin/time's line. */
  readonly stderr: string;
}

/**
 * Any command under GNU time: what the benchmarks compare scimsync with (ldapsearch, the SCIM floor).
 * `stdoutFile`: the command writes there (then `stdout` is empty) instead of into a pipe to this process,
 * which would make a command with much output wait for this process's reads on a busy machine.
 */
export function timedProcess(cmd: string, args: readonly string[], stdoutFile?: string): CliRun {
  const fd = stdoutFile === undefined ? undefined : openSync(stdoutFile, 'w');
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %M %U %S', cmd, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    const m = /@@time (\S+) (\d+) (\S+) (\S+)\s*$/.exec(r.stderr);
    if (!m) throw new Error(`no timing from /usr/bin/time for ${cmd}: ${r.stderr.slice(-500)}`);
    const [seconds, kb, user, sys] = m.slice(1).map(Number) as [number, number, number, number];
    return { code: r.status ?? -1, seconds, cpuSeconds: user + sys, maxRssMb: kb / 1024, stdout: r.stdout ?? '', stderr: r.stderr.slice(0, m.index) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The real CLI (its bin, shebang and all; `bin` for another build), what a user would run. */
export function timedCli(args: string[], bin = CLI): CliRun {
  return timedProcess(bin, args);
}

/** `median (min–max)` of a series, with `digits` decimals. */
export function spread(values: readonly number[], digits = 2): string {
  const s = stats(values);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** `GET 2, POST 50` from a `requests` object (methods with no request left out). */
export function describeRequests(requests: Readonly<Record<string, number>>): string {
  const parts = Object.entries(requests)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, n]) => `${m} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function totalRequests(requests: Readonly<Record<string, number>>): number {
  return Object.values(requests).reduce((a, b) => a + b, 0);
}

/**
 * A CSV source config for the emulator at `url` (JSON is valid YAML), written to `dir/config.yaml`. `extra`
 * adds or replaces top-level sections (schedule, sync, daemon, log).
 */
export async function writeBenchConfig(
  dir: string,
  url: string,
  token: string,
  target: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const path = join(dir, 'config.yaml');
  await writeFile(
    path,
    JSON.stringify({
      source: { type: 'csv', users: './users.csv' },
      target: { url, token, rateLimit: { perMinute: 0, concurrency: 2 }, ...target },
      state: { path: './state.json' },
      log: { level: 'warn' },
      ...extra,
    }),
  );
  return path;
}
