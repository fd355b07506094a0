/**
 * snapshotHash (the plan basis's actualHash) before/after, side by side in one process: this worktree's build
 * (dist/) against another build (BENCH_BASELINE_DIST, default /work/main/dist), on the same parsed target
 * snapshot (bench/plan.ts inputs), in rotating order each round. Prints wall time per call (median, IQR,
 * min–max, per-round ratio) and checks that both builds give the same hash.
 * Run: `npm run build && node --expose-gc --import tsx bench/snapshot-hash.ts [users] [groups] [memberships]`.
 * Env: BENCH_RUNS (9), BENCH_BASELINE_DIST.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { snapshotHash as SnapshotHash } from '../src/run/run-once.js';
import { buildScaleInputs } from '../test/unit/plan/scale-inputs.js';
import { rotated, spreadRow, table } from './lib/table.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const MEMBERSHIPS = Number(process.argv[4] ?? 500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 9));
const BASE = process.env.BENCH_BASELINE_DIST ?? '/work/main/dist';

type Hash = typeof SnapshotHash;
const load = async (dist: string): Promise<Hash> => ((await import(pathToFileURL(`${dist}/run/run-once.js`).href)) as { snapshotHash: Hash }).snapshotHash;
const current = await load(new URL('../dist', import.meta.url).pathname);
const baseline = await load(BASE);
// Round-trip through JSON: a real snapshot is parsed, so its strings are flat.
const actual = (JSON.parse(JSON.stringify(buildScaleInputs(USERS, GROUPS, MEMBERSHIPS))) as ReturnType<typeof buildScaleInputs>).actual;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) process.stderr.write('(run with --expose-gc: heaps are not emptied between calls)\n');

async function measure(hash: Hash): Promise<number> {
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  hash(actual);
  return performance.now() - t0;
}

const same = current(actual) === baseline(actual);
for (let i = 0; i < 2; i++) {
  await measure(current);
  await measure(baseline);
}
const cur: number[] = [];
const base: number[] = [];
const rounds: Record<string, string>[] = [];
for (let i = 0; i < RUNS; i++) {
  await rotated(i, [async () => void cur.push(await measure(current)), async () => void base.push(await measure(baseline))]);
  rounds.push({
    round: String(i + 1),
    'after ms': cur[i]!.toFixed(1),
    'before ms': base[i]!.toFixed(1),
    'after / before': (cur[i]! / base[i]!).toFixed(2),
    load1: loadavg()[0]!.toFixed(1),
  });
}
process.stdout.write(
  `snapshotHash, ${USERS} users / ${GROUPS} groups / ${MEMBERSHIPS} memberships (bench/plan.ts inputs), ${RUNS} rounds in rotating order\n` +
    `after = ${new URL('../dist', import.meta.url).pathname}, before = ${BASE}; same hash: ${same ? 'yes' : 'NO'}\n\n` +
    table(rounds) +
    '\n\n' +
    table([
      spreadRow('after: wall (ms)', cur, 1),
      spreadRow('before: wall (ms)', base, 1),
      spreadRow(
        'after / before: wall (per round)',
        cur.map((c, i) => c / base[i]!),
        2,
      ),
    ]) +
    '\n',
);
if (!same) process.exitCode = 1;
