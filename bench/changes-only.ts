/**
 * Issue 11 benchmark: what a run costs at 100,000 users / 1,000 groups / 500,000 memberships once the
 * target snapshot is kept, next to a full read. Each round: a no-op `plan --refresh` and a one-leaver
 * `apply --refresh` (full reads), then a no-op `plan`, a no-op `apply` and a one-leaver `apply` against the
 * snapshot (each leaver a different person).
 * Goals: 0 requests for a no-op run, 1 (the DELETE) for a leaver; both faster and smaller than a full read.
 * Run: `npm run build && npx tsx bench/changes-only.ts [rounds] [users] [groups] [membershipsPerUser]`.
 */
import { rm } from 'node:fs/promises';
import { describeRequests, spread, timedCli, totalRequests, type CliRun } from './lib/cli.js';
import { writeUsersCsv } from './lib/dataset.js';
import { table } from './lib/emulator-process.js';
import { seededOrg } from './lib/seeded-org.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const shape = { users: Number(process.argv[3] ?? 100_000), groups: Number(process.argv[4] ?? 1_000), perUser: Number(process.argv[5] ?? 5) };

const { dir, emulator, configPath } = await seededOrg('changes', shape);

interface Sample {
  seconds: number;
  cpu: number;
  rss: number;
  requests: Record<string, number>;
  summary: Record<string, number>;
  basis: string;
}

function sample(run: CliRun, what: string): Sample {
  if (run.code !== 0 && run.code !== 2) throw new Error(`${what} exited ${run.code}: ${run.stdout.slice(0, 500)}`);
  const doc = JSON.parse(run.stdout) as { requests: Record<string, number>; summary: Record<string, number>; basis: { targetRead?: { source: string } } };
  return {
    seconds: run.seconds,
    cpu: run.cpuSeconds,
    rss: run.maxRssMb,
    requests: doc.requests,
    summary: doc.summary,
    basis: doc.basis.targetRead?.source ?? '?',
  };
}

// Steady state: one apply that adopts everything (state only, no writes) and keeps the snapshot.
const adopt = sample(timedCli(['apply', '-c', configPath, '--json']), 'adopting apply');
process.stdout.write(
  `adopting apply: ${adopt.summary.adoptUsers} users, ${adopt.summary.adoptGroups} groups; ${describeRequests(adopt.requests)}; ${adopt.seconds} s\n`,
);

const kinds = [
  'no-op `plan --refresh` (full read)',
  'one leaver `apply --refresh` (full read)',
  'no-op `plan` (snapshot)',
  'no-op `apply` (snapshot)',
  'one leaver `apply` (snapshot)',
] as const;
const samples = Object.fromEntries(kinds.map((k) => [k, [] as Sample[]])) as Record<(typeof kinds)[number], Sample[]>;

/** One more person leaves the source, then `args` applies: exactly one deletion. */
async function leaverApply(args: string[], what: string): Promise<Sample> {
  leavers.add(leavers.size * 997);
  await writeUsersCsv(dir, shape, leavers);
  const s = sample(timedCli(['apply', '-c', configPath, '--json', ...args]), what);
  if (s.summary.deleteUsers !== 1) throw new Error(`${what} planned ${s.summary.deleteUsers} deletions`);
  return s;
}
const leavers = new Set<number>();
for (let round = 0; round < ROUNDS; round++) {
  samples[kinds[0]].push(sample(timedCli(['plan', '-c', configPath, '--json', '--refresh']), 'full read'));
  samples[kinds[1]].push(await leaverApply(['--refresh'], 'one-leaver apply, full read'));
  samples[kinds[2]].push(sample(timedCli(['plan', '-c', configPath, '--json']), 'no-op plan'));
  samples[kinds[3]].push(sample(timedCli(['apply', '-c', configPath, '--json']), 'no-op apply'));
  samples[kinds[4]].push(await leaverApply([], 'one-leaver apply'));
  process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
}
if (process.env.BENCH_KEEP === '1') {
  // For investigation (e.g. `node --cpu-prof dist/cli/main.js plan -c CONFIG`): leave the data in place.
  process.stdout.write(`kept ${dir}; config ${configPath}\n`);
} else {
  await rm(dir, { recursive: true, force: true });
}
await emulator.stop();

const rows = kinds.map((kind) => {
  const s = samples[kind];
  const reqs = [...new Set(s.map((x) => describeRequests(x.requests)))].join(' / ');
  return {
    run: kind,
    basis: [...new Set(s.map((x) => x.basis))].join('/'),
    requests: `${reqs} (= ${[...new Set(s.map((x) => totalRequests(x.requests)))].join('/')})`,
    'wall s, median (min–max)': spread(s.map((x) => x.seconds)),
    'CPU s, median (min–max)': spread(s.map((x) => x.cpu)),
    'peak RSS MB, median (min–max)': spread(
      s.map((x) => x.rss),
      0,
    ),
  };
});
process.stdout.write(
  `\nchanges-only runs: ${shape.users} users / ${shape.groups} groups / ${shape.users * shape.perUser} memberships, ${ROUNDS} rounds\n\n` +
    table(rows) +
    `\n\n(wall time, CPU time (user + sys) and peak RSS by /usr/bin/time around the whole CLI process, start-up and source read included;\n` +
    ` goals: 0 requests for a no-op run, 1 for one leaver, less time and memory than the full read)\n`,
);
