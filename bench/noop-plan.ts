/**
 * Issue 2 benchmark: a no-op plan over 100,000 users / 1,000 groups / 500,000 memberships against the
 * emulator seeded with the same data. Goals: ≤ 5 s wall, ≤ 500 MB peak RSS, exactly 1,010 GETs.
 * Run: `npm run build && npx tsx bench/noop-plan.ts [users] [groups] [membershipsPerUser]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timedCli as cli, writeBenchConfig } from './lib/cli.js';
import { writeSeed, writeUsersCsv } from './lib/dataset.js';
import { startEmulatorProcess, table } from './lib/emulator-process.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const PER_USER = Number(process.argv[4] ?? 5);
const shape = { users: USERS, groups: GROUPS, perUser: PER_USER };

const dir = await mkdtemp(join(tmpdir(), 'scimsync-bench-noop-'));
await writeUsersCsv(dir, shape);
const emulator = await startEmulatorProcess(['--rate-limit', '0', '--seed', await writeSeed(dir, shape)]);
const configPath = await writeBenchConfig(dir, emulator.url, emulator.token);

// Steady state first: an apply that only adopts (state only, no writes), as after a `state rebuild`.
const adopt = cli(['apply', '-c', configPath, '--json']);
const adopted = JSON.parse(adopt.stdout) as { summary: Record<string, number>; requests: Record<string, number> };
await emulator.resetStats();
// --refresh: a full read of the target (without it, the plan would use the snapshot the apply kept: bench/changes-only.ts).
const noop = cli(['plan', '-c', configPath, '--json', '--refresh']);
const ms = noop.seconds * 1000;
const peakRss = noop.maxRssMb;
const stats = await emulator.stats();
if (process.env.BENCH_KEEP === '1') {
  // For investigation: leave the data and the emulator up, and say where they are.
  process.stdout.write(`kept ${dir}; emulator pid stays up; config ${configPath}\n`);
} else {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
}

const gets = stats.byMethod.GET ?? 0;
const expectedGets = Math.ceil(USERS / 100) + Math.ceil(GROUPS / 100);
process.stdout.write(
  `\nno-op plan: ${USERS} users / ${GROUPS} groups / ${USERS * PER_USER} memberships (adopted first: ${adopted.summary.adoptUsers} users, ${adopted.summary.adoptGroups} groups, exit ${adopt.code})\n\n` +
    table([
      { metric: 'wall time of `scimsync plan` (s)', measured: (ms / 1000).toFixed(2), goal: '≤ 5', ratio: (ms / 1000 / 5).toFixed(2) },
      { metric: 'peak RSS of scimsync (MB)', measured: peakRss.toFixed(0), goal: '≤ 500', ratio: (peakRss / 500).toFixed(2) },
      { metric: 'GET requests', measured: gets, goal: `= ${expectedGets}`, ratio: (gets / expectedGets).toFixed(2) },
      { metric: 'write requests', measured: stats.total - gets, goal: '= 0', ratio: '-' },
      { metric: 'plan exit code (0 = no changes)', measured: noop.code, goal: '0', ratio: '-' },
    ]) +
    `\n(wall time and peak RSS by /usr/bin/time around the whole CLI process, start-up included)\n`,
);
