/**
 * Issue 2 benchmark: the achieved request rate against `rateLimit.perMinute`, with the emulator limiting
 * the same key to 10 % more in a rolling 60 s window (like Amplitude's 100/min against our default 90).
 * Goals: 0 responses 429, utilisation ≥ 95 %.
 *
 * Utilisation: a sliding-window budget of P per minute can send at most P·(⌊T/60⌋+1) requests in T
 * seconds (a full window at the start, then P more per elapsed minute). Utilisation = sent / that bound.
 * Run: `npm run build && npx tsx bench/rate.ts [perMinute] [minutes]` (default 600/min for 2 windows ≈ 61 s).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from './lib/emulator-process.js';
import { table } from './lib/table.js';

const PER_MINUTE = Number(process.argv[2] ?? 600);
const WINDOWS = Number(process.argv[3] ?? 2);
const SERVER_LIMIT = Math.ceil(PER_MINUTE * 1.1);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

// The run reads 1 page of users and 1 of groups, then creates users: fill exactly WINDOWS budgets.
const users = PER_MINUTE * WINDOWS - 2;
const dir = await mkdtemp(join(tmpdir(), 'scimsync-bench-rate-'));
const rows = ['id,email,givenName,familyName'];
for (let i = 0; i < users; i++) rows.push(`E${i},rate${i}@example.com,Given${i},Family${i}`);
await writeFile(join(dir, 'users.csv'), rows.join('\n') + '\n');
const emulator = await startEmulatorProcess(['--rate-limit', String(SERVER_LIMIT)]);
const configPath = join(dir, 'config.yaml');
await writeFile(
  configPath,
  JSON.stringify({
    source: { type: 'csv', users: './users.csv' },
    target: { url: emulator.url, token: emulator.token, rateLimit: { perMinute: PER_MINUTE, concurrency: 2 } },
    sync: { groups: { enabled: false } },
    state: { path: './state.json' },
    log: { level: 'warn' },
  }),
);

const t0 = Date.now();
const r = spawnSync(process.execPath, [CLI, 'apply', '-c', configPath, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
const seconds = (Date.now() - t0) / 1000;
const stats = await emulator.stats();
await emulator.stop();
await rm(dir, { recursive: true, force: true });

const sent = stats.total;
const bound = PER_MINUTE * (Math.floor(seconds / 60) + 1);
const utilisation = sent / bound;
const throttled = stats.byStatus['429'] ?? 0;
process.stdout.write(
  `\nrate budget: perMinute ${PER_MINUTE} against an emulator limit of ${SERVER_LIMIT}/min (rolling 60 s), ${users} creates, apply exit ${r.status}\n\n` +
    table([
      { metric: 'requests served', measured: sent, goal: '-', ratio: '-' },
      { metric: 'elapsed (s)', measured: seconds.toFixed(1), goal: '-', ratio: '-' },
      { metric: 'achieved per minute (sent / elapsed)', measured: ((sent / seconds) * 60).toFixed(0), goal: `≈ ${PER_MINUTE}·(⌊T/60⌋+1)/(T/60)`, ratio: '-' },
      { metric: 'responses 429', measured: throttled, goal: '0', ratio: '-' },
      { metric: 'utilisation (sent / budget bound)', measured: `${(utilisation * 100).toFixed(1)} %`, goal: '≥ 95 %', ratio: (utilisation / 0.95).toFixed(2) },
    ]) +
    '\n',
);
