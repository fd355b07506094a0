/**
 * Issue 11 benchmark: the daemon's day. The real emulator at Amplitude's limit (100 requests a minute),
 * seeded with the organisation already in step, and the real `scimsync daemon` on a schedule, in their own
 * processes. The daemon's first run (--run-now) reads the target in full and adopts it; the window starts
 * with the next run. During the window people leave, change group and join at random moments; each change's
 * delay is timed from the moment users.csv changed to its request reaching the emulator.
 * Requests are the emulator's counts, never scimsync's; CPU and RSS are the daemon process's, from /proc.
 *
 * `--interval 60` (default): the 1-minute schedule and the default fullReadEvery (24 h). A day (1,440 runs) is
 * projected from the window: its runs' reads, plus one full read a day at the GET count of the first run.
 * `--interval S` with S < 60: a day compressed 60/S times: a schedule every S seconds, fullReadEvery 24 h·S/60,
 * and both rate limits multiplied by 60/S (the same budget per run); `--cycles 1440` then runs a whole day.
 * Goals: reads ≤ 1 % of the 100 × 1,440 budget; a leaver's DELETE within one interval of the change.
 *
 * Run: `npm run build && npx tsx bench/daemon-day.ts [--users 100000] [--groups 1000] [--per-user 5]
 *   [--interval 60] [--cycles 10] [--leavers 5] [--seed 1] [--cpu-prof DIR]`.
 */
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { prng } from '../src/emulator/faults.js';
import { startDaemonProcess } from './lib/daemon-process.js';
import { dayReport } from './lib/day-report.js';
import { ChangeInjector, CycleRecorder, type ChangeKind } from './lib/day-watch.js';
import { seededOrg } from './lib/seeded-org.js';

const { values: a } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '1000' },
    'per-user': { type: 'string', default: '5' },
    interval: { type: 'string', default: '60' },
    cycles: { type: 'string', default: '10' },
    leavers: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const shape = { users: Number(a.users), groups: Number(a.groups), perUser: Number(a['per-user']) };
const interval = Number(a.interval);
if (!(Number.isInteger(interval) && interval >= 1 && 60 % interval === 0)) throw new Error('--interval must be a whole number of seconds dividing 60');
const factor = 60 / interval;
const cycles = Number(a.cycles);
const schedule = interval === 60 ? '* * * * *' : `*/${interval} * * * * *`;
const fullReadEvery = factor === 1 ? undefined : `${86_400 / factor}s`;

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loads: string[] = [`start ${load()}`];
const { dir, emulator, configPath } = await seededOrg('day', shape, {
  rateLimit: 100 * factor,
  // Scimsync's default client budget (90 of Amplitude's 100 a minute), scaled with the day.
  target: { rateLimit: factor === 1 ? {} : { perMinute: 90 * factor } },
  extra: {
    schedule,
    log: { level: 'info' },
    daemon: { listen: '127.0.0.1:0' },
    ...(fullReadEvery === undefined ? {} : { sync: { fullReadEvery } }),
  },
});
const profDir = a['cpu-prof'];
const daemon = startDaemonProcess(configPath, profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir]);
// Stopped by Ctrl-C or a timeout's SIGTERM: the daemon and the emulator stop too (they outlived the bench before),
// the daemon after its run under way, both within 10 s. Ctrl-C reaches this process twice (from the terminal
// and relayed by tsx): the repeat is ignored, or it would exit before the clean-up.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping the daemon and the emulator\n`);
    const bounded = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([Promise.allSettled([daemon.stop(), emulator.stop()]), bounded])
      .then(() => rm(dir, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  });
}
// Once stopping, the change injector's calls to the stopped emulator fail: that is not a bench failure.
process.on('unhandledRejection', (err) => {
  if (!interrupted) throw err;
});
const recorder = new CycleRecorder(daemon, emulator);
process.stdout.write(`${shape.users} users / ${shape.groups} groups; schedule "${schedule}", fullReadEvery ${fullReadEvery ?? '24h (default)'}; ${dir}\n`);

// The first run: a full read and adoption of everything (no writes: the target is already in step).
await recorder.waitForRuns(1);
const adopt = recorder.done()[0]!;
loads.push(`after the first run ${load()}`);
process.stdout.write(`first run: ${adopt.basis}, ${JSON.stringify(adopt.requests)}, ${adopt.wallSeconds} s; window starts\n`);

// The window (the same moments and people for the same --seed): at least `cycles` ticks after the first run, and until every change has reached the target.
const random = prng(Number(a.seed));
const injector = new ChangeInjector({ dir, shape, intervalMs: interval * 1000, pollMs: Math.min(100, interval * 20), random }, emulator, recorder);
const kinds: ChangeKind[] = Array.from({ length: Number(a.leavers) }, () => 'leaver' as const);
kinds.splice(Math.min(2, kinds.length), 0, 'new group');
kinds.splice(Math.min(4, kinds.length), 0, 'joiner');
const after = (times: number[]): number => times.filter((t) => t > adopt.finishedAt!).length;
const ticks = (): number => recorder.cycles.length - 1 + after(recorder.skippedTicks) + after(recorder.missedTicks);
const changes = (async () => {
  for (const kind of kinds) {
    const r = await injector.inject(kind, (3 * interval + 600) * 1000);
    process.stdout.write(`${kind} ${r.userName}: ${r.seenAt === undefined ? 'NOT SEEN' : `${((r.seenAt - r.changedAt) / 1000).toFixed(2)} s`}\n`);
  }
})();
let lastTicks = 0;
while (ticks() < cycles) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (ticks() !== lastTicks && (ticks() % Math.max(1, Math.floor(cycles / 20)) === 0 || cycles <= 30)) {
    lastTicks = ticks();
    process.stdout.write(`tick ${lastTicks}/${cycles} (load ${load()})\n`);
  }
}
await changes;
// Let a run under way finish, then stop (SIGTERM waits for it anyway; its counts must be in).
while (recorder.cycles.at(-1)?.finishedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
await recorder.settled();
loads.push(`end ${load()}`);
const exitCode = await daemon.stop();
await emulator.stop();
if (profDir === undefined && process.env.BENCH_KEEP !== '1') await rm(dir, { recursive: true, force: true });

process.stdout.write(
  dayReport({
    shape,
    interval,
    factor,
    cyclesWanted: cycles,
    adopt,
    runs: recorder.done().slice(1),
    skippedTicks: after(recorder.skippedTicks),
    missedTicks: after(recorder.missedTicks),
    changes: injector.results,
    loads,
    daemonExit: exitCode,
  }),
);
