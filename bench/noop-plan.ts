/**
 * Issue 2 benchmark: a no-op plan over 100,000 users / 1,000 groups / 500,000 memberships against the
 * emulator seeded with the same data. Goals: ≤ 5 s wall, ≤ 500 MB peak RSS, exactly 1,010 GETs.
 * Run: `npm run build && npx tsx bench/noop-plan.ts [users] [groups] [membershipsPerUser]`.
 * Env: BENCH_RUNS (5), BENCH_PROFILE=DIR (one more plan under `node --cpu-prof`, summarised), BENCH_KEEP=1,
 * BENCH_BASELINE_CLI=…/dist/cli/main.js (another build, e.g. main's, run in the same rounds: before/after).
 *
 * Each round runs `scimsync plan` and the floor (bench/lib/scim-floor.ts: the same 1,010 GETs with undici
 * and JSON.parse, nothing else) one after the other, swapping the order each round, so the per-round
 * ratio compares runs made under the same machine load. Prints median, IQR and min–max.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliNodeFlags } from './lib/cli-flags.js';
import { render, summarise } from './lib/cpuprofile.js';
import { startEmulatorProcess } from './lib/emulator-process.js';
import { spread, spreadRow, table } from './lib/table.js';
import { timed } from './lib/timed.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const PER_USER = Number(process.argv[4] ?? 5);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const PROFILE = process.env.BENCH_PROFILE;
const BASELINE = process.env.BENCH_BASELINE_CLI;

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./lib/scim-floor.ts', import.meta.url));
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
    // info: the run logs "source read" and "target read" with timestamps, which split the wall time.
    log: { level: 'info' },
  }),
);
const out = join(dir, 'stdout');

/** The real CLI (its bin, shebang and all) under /usr/bin/time: what a user would see. */
async function cli(args: string[], bin = CLI) {
  const spawnedAt = Date.now();
  const r = await timed(bin, args, out);
  const stdout = await readFile(out, 'utf8');
  const at = (msg: string): number => {
    const line = r.stderr.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
    return line ? (JSON.parse(line) as { time: number }).time : NaN;
  };
  const source = at('source read');
  const target = at('target read');
  return { ...r, stdout, phases: { startAndSource: source - spawnedAt, target: target - source, planAndExit: spawnedAt + r.wallMs - target } };
}

async function floor() {
  const r = await timed(process.execPath, ['--import', 'tsx', FLOOR, emulator.url, emulator.token], out);
  if (r.code !== 0) throw new Error(`scim-floor exited ${r.code}: ${r.stderr}`);
  return { ...(JSON.parse(await readFile(out, 'utf8')) as { ms: number; requests: number }), wallMs: r.wallMs };
}

// Steady state first: an apply that only adopts (state only, no writes), as after a `state rebuild`.
const adopt = await cli(['apply', '-c', configPath, '--json']);
const adopted = JSON.parse(adopt.stdout) as { summary: Record<string, number> };
// Warm the emulator's JIT and the file cache once on each side.
await cli(['plan', '-c', configPath, '--json']);
await floor();

type Plan = Awaited<ReturnType<typeof cli>> & { gets: number; writes: number };
const plans: Plan[] = [];
const baselines: Plan[] = [];
const floors: Awaited<ReturnType<typeof floor>>[] = [];
const rounds: Record<string, string>[] = [];
const runPlan = async (bin: string, into: Plan[]): Promise<void> => {
  await emulator.resetStats();
  const p = await cli(['plan', '-c', configPath, '--json'], bin);
  if (p.code !== 0) throw new Error(`${bin} plan exited ${p.code} (0 = no changes expected): ${p.stderr.slice(-2000)}`);
  const stats = await emulator.stats();
  const gets = stats.byMethod.GET ?? 0;
  into.push({ ...p, gets, writes: stats.total - gets });
};
const contestants: (() => Promise<void>)[] = [
  () => runPlan(CLI, plans),
  async () => {
    floors.push(await floor());
  },
  ...(BASELINE ? [() => runPlan(BASELINE, baselines)] : []),
];
if (BASELINE) await cli(['plan', '-c', configPath, '--json'], BASELINE);
for (let i = 0; i < RUNS; i++) {
  // Rotate the order each round: whichever runs later may find the emulator warmer.
  for (let k = 0; k < contestants.length; k++) await contestants[(i + k) % contestants.length]!();
  const p = plans[i]!;
  const f = floors[i]!;
  const b = baselines[i];
  rounds.push({
    round: String(i + 1),
    'plan s': (p.wallMs / 1000).toFixed(2),
    'start+CSV s': (p.phases.startAndSource / 1000).toFixed(2),
    'target read s': (p.phases.target / 1000).toFixed(2),
    'plan+exit s': (p.phases.planAndExit / 1000).toFixed(2),
    'floor s': (f.ms / 1000).toFixed(2),
    'plan / floor': (p.wallMs / f.ms).toFixed(2),
    'target read / floor': (p.phases.target / f.ms).toFixed(2),
    ...(b ? { 'baseline s': (b.wallMs / 1000).toFixed(2), 'plan / baseline': (p.wallMs / b.wallMs).toFixed(2) } : {}),
    'plan CPU s': (p.cpuMs / 1000).toFixed(2),
    'RSS MB': p.maxRssMb.toFixed(0),
    GETs: String(p.gets),
    load1: loadavg()[0]!.toFixed(1),
  });
  process.stderr.write(`round ${i + 1}/${RUNS}: plan ${(p.wallMs / 1000).toFixed(2)} s, floor ${(f.ms / 1000).toFixed(2)} s${b ? `, baseline ${(b.wallMs / 1000).toFixed(2)} s` : ''}\n`);
}

let profileReport = '';
if (PROFILE) {
  // Apart from the measured rounds: the profiler slows the process down.
  const before = new Set(await readdir(PROFILE).catch(() => []));
  await timed(process.execPath, [...cliNodeFlags(), '--cpu-prof', '--cpu-prof-dir', PROFILE, CLI, 'plan', '-c', configPath, '--json'], out);
  const made = (await readdir(PROFILE)).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  for (const f of made) profileReport += `\n${join(PROFILE, f)}\n` + render(summarise(JSON.parse(await readFile(join(PROFILE, f), 'utf8'))), 30);
}

if (process.env.BENCH_KEEP === '1') {
  // For investigation: leave the data and the emulator up, and say where they are.
  process.stdout.write(`kept ${dir}; emulator pid stays up at ${emulator.url}; config ${configPath}\n`);
} else {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
}

const expectedGets = Math.ceil(USERS / 100) + Math.ceil(GROUPS / 100);
const s = (xs: number[]) => spread(xs).median;
process.stdout.write(
  `\nno-op plan: ${USERS} users / ${GROUPS} groups / ${USERS * PER_USER} memberships (adopted first: ${adopted.summary.adoptUsers} users, ${adopted.summary.adoptGroups} groups, exit ${adopt.code}); ${RUNS} rounds, plan, floor${BASELINE ? ` and baseline (${BASELINE})` : ''} in rotating order\n\n` +
    table(rounds) +
    '\n\n' +
    table([
      spreadRow('wall time of `scimsync plan` (s)', plans.map((p) => p.wallMs / 1000), 2),
      spreadRow('  start-up, state and CSV read (s)', plans.map((p) => p.phases.startAndSource / 1000), 2),
      spreadRow('  target read (s)', plans.map((p) => p.phases.target / 1000), 2),
      spreadRow('  plan, JSON output, exit (s)', plans.map((p) => p.phases.planAndExit / 1000), 2),
      spreadRow('floor: the same GETs + JSON.parse (s)', floors.map((f) => f.ms / 1000), 2),
      spreadRow('plan / floor (per round)', plans.map((p, i) => p.wallMs / floors[i]!.ms), 2),
      spreadRow('target read / floor (per round)', plans.map((p, i) => p.phases.target / floors[i]!.ms), 2),
      spreadRow('CPU of `scimsync plan` (s)', plans.map((p) => p.cpuMs / 1000), 2),
      spreadRow('peak RSS of `scimsync plan` (MB)', plans.map((p) => p.maxRssMb)),
      ...(BASELINE
        ? [
            spreadRow('baseline: wall (s)', baselines.map((b) => b.wallMs / 1000), 2),
            spreadRow('baseline:   start-up, state and CSV read (s)', baselines.map((b) => b.phases.startAndSource / 1000), 2),
            spreadRow('baseline:   target read (s)', baselines.map((b) => b.phases.target / 1000), 2),
            spreadRow('baseline:   plan, JSON output, exit (s)', baselines.map((b) => b.phases.planAndExit / 1000), 2),
            spreadRow('baseline: CPU (s)', baselines.map((b) => b.cpuMs / 1000), 2),
            spreadRow('baseline: peak RSS (MB)', baselines.map((b) => b.maxRssMb)),
            spreadRow('baseline / floor (per round)', baselines.map((b, i) => b.wallMs / floors[i]!.ms), 2),
            spreadRow('plan / baseline (per round)', plans.map((p, i) => p.wallMs / baselines[i]!.wallMs), 2),
            spreadRow('plan CPU / baseline CPU (per round)', plans.map((p, i) => p.cpuMs / baselines[i]!.cpuMs), 2),
          ]
        : []),
    ]) +
    '\n\n' +
    table([
      { goal: 'median wall ≤ 5 s', measured: s(plans.map((p) => p.wallMs / 1000)).toFixed(2) },
      { goal: 'median peak RSS ≤ 500 MB', measured: s(plans.map((p) => p.maxRssMb)).toFixed(0) },
      { goal: `GETs = ${expectedGets} every run`, measured: [...new Set(plans.map((p) => p.gets))].join(', ') },
      { goal: 'write requests = 0', measured: [...new Set(plans.map((p) => p.writes))].join(', ') },
    ]) +
    `\n(wall time, CPU and peak RSS by /usr/bin/time around the whole CLI process, start-up included; phases from the run's log timestamps)\n` +
    profileReport,
);
