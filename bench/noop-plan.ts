/**
 * Issue 2 benchmark: a no-op plan over 100,000 users / 1,000 groups / 500,000 memberships against the
 * emulator seeded with the same data. Goals: ≤ 5 s wall, ≤ 500 MB peak RSS, exactly 1,010 GETs.
 * Run: `npm run build && npx tsx bench/noop-plan.ts [users] [groups] [membershipsPerUser]`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from './lib/emulator-process.js';
import { table } from './lib/table.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const PER_USER = Number(process.argv[4] ?? 5);

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'scimsync-bench-noop-'));
const email = (i: number) => `user${String(i).padStart(6, '0')}@example.com`;
const groupName = (g: number) => `group-${String(g).padStart(4, '0')}`;
// User i is in groups i, i+1, … (mod GROUPS): every group gets USERS*PER_USER/GROUPS members.
const groupsOf = (i: number) => Array.from({ length: PER_USER }, (_, k) => (i + k * Math.ceil(GROUPS / PER_USER)) % GROUPS);

const csv = ['id,email,givenName,familyName,groups'];
const members: string[][] = Array.from({ length: GROUPS }, () => []);
for (let i = 0; i < USERS; i++) {
  const gs = groupsOf(i);
  for (const g of gs) members[g]!.push(email(i));
  csv.push(`E${i},${email(i)},Given${i},Family${i},${gs.map(groupName).join(';')}`);
}
await writeFile(join(dir, 'users.csv'), csv.join('\n') + '\n');
await writeFile(
  join(dir, 'seed.json'),
  JSON.stringify({
    users: Array.from({ length: USERS }, (_, i) => ({ userName: email(i), givenName: `Given${i}`, familyName: `Family${i}` })),
    groups: members.map((m, g) => ({ displayName: groupName(g), members: m })),
  }),
);
const emulator = await startEmulatorProcess(['--rate-limit', '0', '--seed', join(dir, 'seed.json')]);
const configPath = join(dir, 'config.yaml');
await writeFile(
  configPath,
  JSON.stringify({
    source: { type: 'csv', users: './users.csv' },
    target: { url: emulator.url, token: emulator.token, rateLimit: { perMinute: 0, concurrency: 2 } },
    state: { path: './state.json' },
    log: { level: 'warn' },
  }),
);

/** Runs the real CLI (its bin, shebang and all) under /usr/bin/time: what a user would see. */
function cli(args: string[]): { code: number; seconds: number; maxRssMb: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [seconds, kb] = (r.stderr.trim().split('\n').pop() ?? '0 0').split(' ').map(Number);
  return { code: r.status ?? -1, seconds: seconds ?? 0, maxRssMb: (kb ?? 0) / 1024, stdout: r.stdout };
}

// Steady state first: an apply that only adopts (state only, no writes), as after a `state rebuild`.
const adopt = cli(['apply', '-c', configPath, '--json']);
const adopted = JSON.parse(adopt.stdout) as { summary: Record<string, number>; requests: Record<string, number> };
await emulator.resetStats();
const noop = cli(['plan', '-c', configPath, '--json']);
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
