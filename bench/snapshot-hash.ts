/**
 * The target snapshot's hashes before/after, side by side in one process: snapshotHash (the actualHash of a
 * plan on a full read) and stableHash of the snapshot (the actualHash of a plan on the kept snapshot,
 * run/target-basis.ts). This worktree's build (dist/) against another build (BENCH_BASELINE_DIST, default
 * /work/main/dist), on the same parsed target snapshot (bench/plan.ts inputs), in rotating order each round.
 * Prints wall time per call (median, IQR, min–max, per-round ratio) and checks that both builds agree.
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

type Hash = (actual: Parameters<typeof SnapshotHash>[0]) => string;
interface Build {
  readonly snapshotHash: Hash;
  readonly stableHash: Hash;
}
const load = async (dist: string): Promise<Build> => {
  const run = (await import(pathToFileURL(`${dist}/run/run-once.js`).href)) as { snapshotHash: Hash };
  const model = (await import(pathToFileURL(`${dist}/model/hash.js`).href)) as { stableHash: Hash };
  return { snapshotHash: run.snapshotHash, stableHash: model.stableHash };
};
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

let out = `${USERS} users / ${GROUPS} groups / ${MEMBERSHIPS} memberships (bench/plan.ts inputs), ${RUNS} rounds in rotating order\n`;
out += `after = ${new URL('../dist', import.meta.url).pathname}, before = ${BASE}\n`;
let allSame = true;
for (const fn of ['snapshotHash', 'stableHash'] as const) {
  const same = current[fn](actual) === baseline[fn](actual);
  allSame &&= same;
  for (let i = 0; i < 2; i++) {
    await measure(current[fn]);
    await measure(baseline[fn]);
  }
  const cur: number[] = [];
  const base: number[] = [];
  const rounds: Record<string, string>[] = [];
  for (let i = 0; i < RUNS; i++) {
    await rotated(i, [async () => void cur.push(await measure(current[fn])), async () => void base.push(await measure(baseline[fn]))]);
    rounds.push({
      round: String(i + 1),
      'after ms': cur[i]!.toFixed(1),
      'before ms': base[i]!.toFixed(1),
      'after / before': (cur[i]! / base[i]!).toFixed(2),
      load1: loadavg()[0]!.toFixed(1),
    });
  }
  out +=
    `\n${fn}(snapshot): same hash: ${same ? 'yes' : 'NO'}\n\n` +
    table(rounds) +
    '\n\n' +
    table([
      spreadRow(`${fn} after: wall (ms)`, cur, 1),
      spreadRow(`${fn} before: wall (ms)`, base, 1),
      spreadRow(
        `${fn} after / before: wall (per round)`,
        cur.map((c, i) => c / base[i]!),
        2,
      ),
    ]) +
    '\n';
}
process.stdout.write(out);
if (!allSame) process.exitCode = 1;
