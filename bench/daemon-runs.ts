/**
 * Issue 11 benchmark: what one daemon run costs at 100,000 users / 1,000 groups / 500,000 memberships when
 * nothing changed, with the parses of the state and the target snapshot kept between runs (the daemon's
 * default) and without (every run parses both files, as every run did before). The run is the daemon's own
 * (`runCycle`: config, source, target and store opened for the run, a no-op apply against the snapshot,
 * which still writes the state and the snapshot), in this process; the emulator runs in its own.
 * Each round: one run without, then two with (the first parses, the second is the steady state, measured).
 * Run: `npm run build && npx tsx bench/daemon-runs.ts [rounds] [users] [groups] [membershipsPerUser]`.
 */
import { rm } from 'node:fs/promises';
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

/** One daemon run: wall and CPU (this process: the run's own work) in ms; throws unless it converged with 0 requests. */
async function cycle(): Promise<{ wall: number; cpu: number }> {
  await emulator.resetStats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runCycle({ configPath, logger: silentLogger(), metrics, signal, progressIntervalMs: 60_000 });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (r.outcome !== 'converged') throw new Error(`run ended ${r.result}/${String(r.outcome)}: ${JSON.stringify(r.error)}`);
  const served = (await emulator.stats()).total;
  if (served !== 0) throw new Error(`a no-op run made ${served} requests`);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const without: { wall: number; cpu: number }[] = [];
const kept: { wall: number; cpu: number }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  keepParses(false);
  without.push(await cycle());
  keepParses();
  await cycle(); // parses both files and keeps them
  kept.push(await cycle());
  process.stdout.write(`round ${round}/${ROUNDS}: without ${(without.at(-1)!.wall / 1000).toFixed(2)} s, kept ${(kept.at(-1)!.wall / 1000).toFixed(2)} s\n`);
}
keepParses(false);

const ratios = (k: 'wall' | 'cpu') => kept.map((s, i) => s[k] / without[i]![k]);
process.stdout.write(
  `\nno-op daemon run: ${shape.users} users / ${shape.groups} groups / ${shape.users * shape.perUser} memberships, 0 requests each; ${ROUNDS} rounds\n\n` +
    table([
      spreadRow(
        'wall ms, parses kept',
        kept.map((s) => s.wall),
      ),
      spreadRow(
        'wall ms, parsed every run',
        without.map((s) => s.wall),
      ),
      spreadRow(
        'CPU ms, parses kept',
        kept.map((s) => s.cpu),
      ),
      spreadRow(
        'CPU ms, parsed every run',
        without.map((s) => s.cpu),
      ),
      spreadRow('wall ratio kept / every run (per round)', ratios('wall'), 2),
      spreadRow('CPU ratio kept / every run (per round)', ratios('cpu'), 2),
    ]) +
    '\n',
);
await emulator.stop();
await rm(dir, { recursive: true, force: true });
