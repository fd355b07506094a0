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
import { readdir, readFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliNodeFlags } from './lib/cli-flags.js';
import { timedCli, timedProcess } from './lib/cli.js';
import { render, summarise } from './lib/cpuprofile.js';
import { seededOrg } from './lib/seeded-org.js';
import { rotated, spread, spreadRow, table } from './lib/table.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const PER_USER = Number(process.argv[4] ?? 5);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const PROFILE = process.env.BENCH_PROFILE;
const BASELINE = process.env.BENCH_BASELINE_CLI;

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./lib/scim-floor.ts', import.meta.url));
const shape = { users: USERS, groups: GROUPS, perUser: PER_USER };
// info: the run logs "source read" and "target read" with timestamps, which split the wall time.
const { dir, emulator, configPath } = await seededOrg('noop', shape, { extra: { log: { level: 'info' } } });

/** A run of the CLI, its wall time split by the timestamps of the run's "source read" and "target read" logs. */
function cli(args: string[], bin = CLI) {
  const spawnedAt = Date.now();
  const r = timedCli(args, bin);
  const wallMs = r.seconds * 1000;
  const at = (msg: string): number => {
    const line = r.stderr.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
    return line ? (JSON.parse(line) as { time: number }).time : NaN;
  };
  const source = at('source read');
  const target = at('target read');
  return {
    ...r,
    wallMs,
    cpuMs: r.cpuSeconds * 1000,
    phases: { startAndSource: source - spawnedAt, target: target - source, planAndExit: spawnedAt + wallMs - target },
  };
}

function floor() {
  const r = timedProcess(process.execPath, ['--import', 'tsx', FLOOR, emulator.url, emulator.token]);
  if (r.code !== 0) throw new Error(`scim-floor exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; requests: number };
}

// Steady state first: an apply that only adopts (state only, no writes), as after a `state rebuild`.
const adopt = cli(['apply', '-c', configPath, '--json']);
const adopted = JSON.parse(adopt.stdout) as { summary: Record<string, number> };
// Warm the emulator's JIT and the file cache once on each side.
// --refresh: a full read of the target (without it, the plan would use the snapshot the apply kept: bench/changes-only.ts).
const PLAN = ['plan', '-c', configPath, '--json', '--refresh'];
cli(PLAN);
floor();

type Plan = ReturnType<typeof cli> & { gets: number; writes: number };
/** Wall time and its phases, then CPU and peak RSS, of one build's runs (the plan under test or the baseline). */
function phaseRows(prefix: string, name: string, runs: readonly Plan[]) {
  const phases = [
    spreadRow(
      `${prefix}wall${prefix ? '' : ` time of ${name}`} (s)`,
      runs.map((p) => p.wallMs / 1000),
      2,
    ),
    spreadRow(
      `${prefix}  start-up, state and CSV read (s)`,
      runs.map((p) => p.phases.startAndSource / 1000),
      2,
    ),
    spreadRow(
      `${prefix}  target read (s)`,
      runs.map((p) => p.phases.target / 1000),
      2,
    ),
    spreadRow(
      `${prefix}  plan, JSON output, exit (s)`,
      runs.map((p) => p.phases.planAndExit / 1000),
      2,
    ),
  ];
  const usage = [
    spreadRow(
      prefix ? `${prefix}CPU (s)` : `CPU of ${name} (s)`,
      runs.map((p) => p.cpuMs / 1000),
      2,
    ),
    spreadRow(
      prefix ? `${prefix}peak RSS (MB)` : `peak RSS of ${name} (MB)`,
      runs.map((p) => p.maxRssMb),
    ),
  ];
  return [...phases, ...usage];
}

const plans: Plan[] = [];
const baselines: Plan[] = [];
const floors: ReturnType<typeof floor>[] = [];
const rounds: Record<string, string>[] = [];
const runPlan = async (bin: string, into: Plan[]): Promise<void> => {
  await emulator.resetStats();
  const p = cli(PLAN, bin);
  if (p.code !== 0) throw new Error(`${bin} plan exited ${p.code} (0 = no changes expected): ${p.stderr.slice(-2000)}`);
  const stats = await emulator.stats();
  const gets = stats.byMethod.GET ?? 0;
  into.push({ ...p, gets, writes: stats.total - gets });
};
const contestants: (() => Promise<void>)[] = [
  () => runPlan(CLI, plans),
  async () => {
    floors.push(floor());
  },
  ...(BASELINE ? [() => runPlan(BASELINE, baselines)] : []),
];
if (BASELINE) cli(PLAN, BASELINE);
for (let i = 0; i < RUNS; i++) {
  await rotated(i, contestants);
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
  process.stderr.write(
    `round ${i + 1}/${RUNS}: plan ${(p.wallMs / 1000).toFixed(2)} s, floor ${(f.ms / 1000).toFixed(2)} s${b ? `, baseline ${(b.wallMs / 1000).toFixed(2)} s` : ''}\n`,
  );
}

let profileReport = '';
if (PROFILE) {
  // Apart from the measured rounds: the profiler slows the process down.
  const before = new Set(await readdir(PROFILE).catch(() => []));
  timedProcess(process.execPath, [...cliNodeFlags(), '--cpu-prof', '--cpu-prof-dir', PROFILE, CLI, ...PLAN]);
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
      ...phaseRows('', '`scimsync plan`', plans),
      spreadRow(
        'floor: the same GETs + JSON.parse (s)',
        floors.map((f) => f.ms / 1000),
        2,
      ),
      spreadRow(
        'plan / floor (per round)',
        plans.map((p, i) => p.wallMs / floors[i]!.ms),
        2,
      ),
      spreadRow(
        'target read / floor (per round)',
        plans.map((p, i) => p.phases.target / floors[i]!.ms),
        2,
      ),
      ...(BASELINE
        ? [
            ...phaseRows('baseline: ', 'baseline', baselines),
            spreadRow(
              'baseline / floor (per round)',
              baselines.map((b, i) => b.wallMs / floors[i]!.ms),
              2,
            ),
            spreadRow(
              'plan / baseline (per round)',
              plans.map((p, i) => p.wallMs / baselines[i]!.wallMs),
              2,
            ),
            spreadRow(
              'plan CPU / baseline CPU (per round)',
              plans.map((p, i) => p.cpuMs / baselines[i]!.cpuMs),
              2,
            ),
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
