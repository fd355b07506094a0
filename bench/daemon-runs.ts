/**
 * Issue 11 benchmark: what one daemon run costs at 100,000 users / 1,000 groups / 500,000 memberships when
 * nothing changed, with the parses of the state and the target snapshot kept between runs (the daemon's
 * default) and without (every run parses both files, as every run did before). The run is the daemon's own
 * (`runCycle`: config, source, target and store opened for the run, a no-op apply against the snapshot,
 * which still writes the state and the snapshot), in this process; the emulator runs in its own.
 * Each round: one run without, then two with (the first parses, the second is the steady state, measured).
 * BENCH_BASELINE_DIST=…/dist (another build, e.g. main's): its steady-state run with its own kept parses, on
 * its own copy of the org (each build's runs rewrite their state, which would spoil the other's kept parses),
 * in the same rounds, in alternating order: before/after.
 * Run: `npm run build && npx tsx bench/daemon-runs.ts [rounds] [users] [groups] [membershipsPerUser]`.
 */
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { timedCli } from './lib/cli.js';
import { seededOrg } from './lib/seeded-org.js';
import { spreadRow, table } from './lib/table.js';
import { runCycle } from '../dist/daemon/run-cycle.js';
import { createDaemonMetrics } from '../dist/daemon/metrics.js';
import { silentLogger } from '../dist/log.js';
import { keepParses } from '../dist/kept-parses.js';

const ROUNDS = Number(process.argv[2] ?? 7);
const shape = { users: Number(process.argv[3] ?? 100_000), groups: Number(process.argv[4] ?? 1_000), perUser: Number(process.argv[5] ?? 5) };

const { dir, emulator, configPath } = await seededOrg('daemon-runs', shape);
// Steady state: an apply that adopts everything and keeps the target snapshot.
const adopt = timedCli(['apply', '-c', configPath, '--json']);
if (adopt.code !== 0) throw new Error(`adopting apply exited ${adopt.code}: ${adopt.stderr.slice(0, 500)}`);

const metrics = createDaemonMetrics();
const signal = new AbortController().signal;

/** One measured run: wall and CPU ms. */
type Sample = { wall: number; cpu: number };
type RunCycle = typeof runCycle;
/** The baseline build's daemon run and switch (from before kept-parses.ts left state/, or after), on its own copy of the org. */
async function baselineBuild(dist: string): Promise<{ cycle: () => Promise<Sample>; dir: string }> {
  const copy = `${dir}-baseline`;
  await cp(dir, copy, { recursive: true });
  const run = (await import(join(dist, 'daemon/run-cycle.js'))) as { runCycle: RunCycle };
  const switchAt = existsSync(join(dist, 'kept-parses.js')) ? 'kept-parses.js' : 'state/index.js';
  const { keepParses: keep } = (await import(join(dist, switchAt))) as { keepParses: (on?: boolean) => void };
  const cfg = join(copy, 'config.yaml');
  keep();
  const go = () => cycle(run.runCycle, cfg);
  await go(); // parses and keeps
  return { cycle: go, dir: copy };
}

/** One daemon run: wall and CPU (this process: the run's own work) in ms; throws unless it converged with 0 requests. */
async function cycle(run: RunCycle = runCycle, config = configPath): Promise<Sample> {
  await emulator.resetStats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await run({ configPath: config, logger: silentLogger(), metrics, signal, progressIntervalMs: 60_000 });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (r.outcome !== 'converged') throw new Error(`run ended ${r.result}/${String(r.outcome)}: ${JSON.stringify(r.error)}`);
  const served = (await emulator.stats()).total;
  if (served !== 0) throw new Error(`a no-op run made ${served} requests`);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const baseline = process.env.BENCH_BASELINE_DIST ? await baselineBuild(process.env.BENCH_BASELINE_DIST) : undefined;
const without: Sample[] = [];
const kept: Sample[] = [];
const base: Sample[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  if (baseline && round % 2 === 1) base.push(await baseline.cycle());
  keepParses(false);
  without.push(await cycle());
  keepParses();
  await cycle(); // parses the files and keeps them
  kept.push(await cycle());
  if (baseline && round % 2 === 0) base.push(await baseline.cycle());
  const was = baseline ? `, baseline ${(base.at(-1)!.wall / 1000).toFixed(2)} s` : '';
  process.stdout.write(
    `round ${round}/${ROUNDS}: without ${(without.at(-1)!.wall / 1000).toFixed(2)} s, kept ${(kept.at(-1)!.wall / 1000).toFixed(2)} s${was}\n`,
  );
}
keepParses(false);

/** Wall and CPU rows of one set of runs. */
const measured = (what: string, runs: readonly Sample[]) => [
  spreadRow(
    `wall ms, ${what}`,
    runs.map((s) => s.wall),
  ),
  spreadRow(
    `CPU ms, ${what}`,
    runs.map((s) => s.cpu),
  ),
];
/** Per-round ratios of the kept runs to `other`'s. */
const ratios = (vs: string, other: readonly Sample[]) =>
  (['wall', 'cpu'] as const).map((k) =>
    spreadRow(
      `${k === 'wall' ? 'wall' : 'CPU'} ratio kept / ${vs} (per round)`,
      kept.map((s, i) => s[k] / other[i]![k]),
      2,
    ),
  );
process.stdout.write(
  `\nno-op daemon run: ${shape.users} users / ${shape.groups} groups / ${shape.users * shape.perUser} memberships, 0 requests each; ${ROUNDS} rounds\n\n` +
    table([
      ...measured('parses kept', kept),
      ...measured('parsed every run', without),
      ...ratios('every run', without),
      ...(baseline ? [...measured('baseline, its parses kept', base), ...ratios('baseline', base)] : []),
    ]) +
    '\n',
);
await emulator.stop();
await rm(dir, { recursive: true, force: true });
if (baseline) await rm(baseline.dir, { recursive: true, force: true });
