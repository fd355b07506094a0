/**
 * The CSV source's `read()` of the bench organisation (100,000 users, 5 of 1,000 groups each: 10.7 MB),
 * this tree's source against a baseline build, in one process, in alternating rounds (who goes first
 * swaps every round, so both see the same machine load). Prints wall time and GC time (the 'gc' entries
 * of a PerformanceObserver that fall inside the read) as median, IQR and min–max, the per-round ratio
 * new/baseline, and checks that both give the same snapshot (deep-equal and the same JSON).
 * Run: `npx tsx bench/csv-read.ts [users] [groups] [perUser]` (node --expose-gc: a full GC before each read).
 * Also the heap the snapshot holds once read (heap used after a full GC, less before the read; needs --expose-gc).
 * Env: BENCH_RUNS (7), BENCH_BASELINE_DIST (/work/wt-base2/dist: e.g. main's `dist/`, built),
 * BENCH_NEW_DIST (unset: this tree's src through tsx; `dist` for this tree's build, as the CLI runs it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { CsvSourceConfig } from '../src/config/index.js';
import type { DesiredSnapshot } from '../src/model/index.js';
import { createCsvSource } from '../src/sources/csv/index.js';
import { rerunWithCliFlags } from './lib/cli-flags.js';
import { writeUsersCsv } from './lib/dataset.js';
import { rotated, spread, spreadRow, table } from './lib/table.js';

// The CLI's V8 heap flags (its shebang's), so that GC costs what it costs in `scimsync`.
rerunWithCliFlags(import.meta.url);

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const PER_USER = Number(process.argv[4] ?? 5);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const BASE = process.env.BENCH_BASELINE_DIST ?? '/work/wt-base2/dist';
const NEW = process.env.BENCH_NEW_DIST;

type Create = (cfg: CsvSourceConfig) => { read(): Promise<DesiredSnapshot> };
const load = async (dist: string) => (await import(pathToFileURL(join(dist, 'sources/csv/index.js')).href)) as { createCsvSource: Create };
const baseline = await load(BASE);
const current = NEW === undefined ? { createCsvSource: createCsvSource as Create } : await load(NEW);

const dir = await mkdtemp(join(tmpdir(), 'scimsync-bench-csv-'));
await writeUsersCsv(dir, { users: USERS, groups: GROUPS, perUser: PER_USER });
const cfg: CsvSourceConfig = {
  type: 'csv',
  users: join(dir, 'users.csv'),
  columns: { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' },
  encoding: 'utf-8',
};

// GC pauses, by the time they ended: a read's GC time is the pauses that fall inside it.
const gcs: { end: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ end: e.startTime + e.duration, ms: e.duration });
}).observe({ entryTypes: ['gc'] });
const collect = (globalThis as { gc?: () => void }).gc;
const settle = () => new Promise((r) => setTimeout(r, 50));

interface Sample {
  wallMs: number;
  gcMs: number;
  gcCount: number;
  heldMB: number;
}

async function timedRead(create: Create): Promise<{ sample: Sample; snapshot: DesiredSnapshot }> {
  collect?.();
  const before = process.memoryUsage().heapUsed;
  // The observer is told of a GC some time after it happened (a timer, not the next tick): let the ones
  // before this read be reported first, and those inside it before they are counted.
  await settle();
  const t0 = performance.now();
  const snapshot = await create(cfg).read();
  const t1 = performance.now();
  await settle();
  const inside = gcs.filter((g) => g.end > t0 && g.end <= t1 + 0.001);
  collect?.();
  const heldMB = collect ? (process.memoryUsage().heapUsed - before) / 2 ** 20 : NaN;
  return { sample: { wallMs: t1 - t0, gcMs: inside.reduce((s, g) => s + g.ms, 0), gcCount: inside.length, heldMB }, snapshot };
}

const contestants = { new: current.createCsvSource, baseline: baseline.createCsvSource };
const samples: Record<keyof typeof contestants, Sample[]> = { new: [], baseline: [] };

// One warm-up read each (JIT), and the check that both read the same snapshot.
const [a, b] = [await timedRead(contestants.new), await timedRead(contestants.baseline)];
const sameJson = JSON.stringify(a.snapshot) === JSON.stringify(b.snapshot);
const deepEqual = isDeepStrictEqual(a.snapshot, b.snapshot);
console.log(`new: ${NEW ?? 'src (tsx)'}; baseline: ${BASE}`);
console.log(`snapshots: ${a.snapshot.users.length} users, ${a.snapshot.groups.length} groups, ${a.snapshot.skipped.length} skipped`);
console.log(`same snapshot: deep-equal ${deepEqual}, same JSON ${sameJson}${collect ? '' : ' (no --expose-gc: no full GC before each read)'}`);

for (let round = 0; round < RUNS; round++) {
  await rotated(
    round,
    (Object.keys(contestants) as (keyof typeof contestants)[]).map((k) => async () => {
      samples[k].push((await timedRead(contestants[k])).sample);
    }),
  );
}

const ratio = (f: (s: Sample) => number) => samples.new.map((s, i) => f(s) / f(samples.baseline[i]!));
/** One measure of both builds, new then baseline, and (when asked) the per-round ratio of the two. */
const both = (label: string, f: (s: Sample) => number, digits: number, ratioLabel?: string) => [
  spreadRow(`new ${label}`, samples.new.map(f), digits),
  spreadRow(`baseline ${label}`, samples.baseline.map(f), digits),
  ...(ratioLabel === undefined ? [] : [spreadRow(ratioLabel, ratio(f), 3)]),
];
console.log(
  table([
    ...both('read, ms', (s) => s.wallMs, 0, 'ratio new/baseline (per round)'),
    ...both('GC, ms', (s) => s.gcMs, 0, 'GC ratio new/baseline'),
    ...both('GC pauses', (s) => s.gcCount, 0),
    ...both('snapshot held, MB', (s) => s.heldMB, 1),
  ]),
);
console.log(`time saved (median of per-round ratios): ${((1 - spread(ratio((s) => s.wallMs)).median) * 100).toFixed(1)} %`);
await rm(dir, { recursive: true, force: true });
if (!deepEqual || !sameJson) process.exitCode = 1;
