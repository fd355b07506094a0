/**
 * Running the real CLI (its bin, from dist/) the way a user would, under /usr/bin/time, and summarising
 * repeated measurements. Shared by the benchmarks that time whole scimsync processes.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  /** Wall time of the whole process, start-up included. */
  readonly seconds: number;
  /** CPU time (user + system) of the process: on a shared machine, wall time also counts waiting for a core. */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly stdout: string;
}

export function timedCli(args: string[]): CliRun {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [seconds, kb, user, sys] = (r.stderr.trim().split('\n').pop() ?? '0 0 0 0').split(' ').map(Number);
  return { code: r.status ?? -1, seconds: seconds ?? 0, cpuSeconds: (user ?? 0) + (sys ?? 0), maxRssMb: (kb ?? 0) / 1024, stdout: r.stdout };
}

/** `median (min–max)` of a series, with `digits` decimals. */
export function spread(values: readonly number[], digits = 2): string {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${mid.toFixed(digits)} (${s[0]!.toFixed(digits)}–${s[s.length - 1]!.toFixed(digits)})`;
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
