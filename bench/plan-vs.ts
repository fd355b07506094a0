/**
 * computePlan before/after, side by side in one process: this worktree's build (dist/) against another build
 * (BENCH_BASELINE_DIST, default /work/main/dist), on the same parsed inputs, in rotating order each round,
 * so both see the same machine load. Prints wall, CPU and GC time per call: median, IQR, min–max and the
 * per-round ratio; and checks that both builds give the byte-identical plan.
 * Run: `npm run build && node --expose-gc --import tsx bench/plan-vs.ts [users] [groups] [memberships]`.
 * Env: BENCH_RUNS (7), BENCH_BASELINE_DIST.
 */
import { loadavg } from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { computePlan as ComputePlan } from '../src/plan/plan.js';
import { policy } from '../test/unit/plan/fixtures.js';
import { buildScaleInputs } from '../test/unit/plan/scale-inputs.js';
import { rotated, spreadRow, table } from './lib/table.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const MEMBERSHIPS = Number(process.argv[4] ?? 500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const BASE = process.env.BENCH_BASELINE_DIST ?? '/work/main/dist';

type Compute = typeof ComputePlan;
const load = async (dist: string): Promise<Compute> => ((await import(pathToFileURL(`${dist}/plan/plan.js`).href)) as { computePlan: Compute }).computePlan;
const current = await load(new URL('../dist', import.meta.url).pathname);
const baseline = await load(BASE);

// bench/plan.ts's production-like policy: protected admins and the default guard.
const POLICY = policy({ protect: ['*@admins.example.com', 'root@example.com'], safety: { maxDeletes: 25, maxDeletePercent: 10 } });
const CTX = { target: 'https://scim.example/', configHash: 'c', actualHash: 'a', createdAt: '2025-01-01T00:00:00.000Z' };
// Round-trip through JSON: real snapshots are parsed, so their strings are flat.
const inputs = JSON.parse(JSON.stringify(buildScaleInputs(USERS, GROUPS, MEMBERSHIPS))) as ReturnType<typeof buildScaleInputs>;

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) process.stderr.write('(run with --expose-gc: heaps are not emptied between calls)\n');

interface Run {
  ms: number;
  cpuMs: number;
  gcMs: number;
}
/** One call, after a full GC so neither side pays for the other's garbage. GC entries arrive asynchronously. */
async function measure(compute: Compute): Promise<Run> {
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
  const gc0 = gcMs;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  compute(inputs.desired, inputs.actual, inputs.state, POLICY, CTX);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await new Promise((r) => setTimeout(r, 20));
  return { ms, cpuMs: (c.user + c.system) / 1000, gcMs: gcMs - gc0 };
}

const same =
  JSON.stringify(current(inputs.desired, inputs.actual, inputs.state, POLICY, CTX)) ===
  JSON.stringify(baseline(inputs.desired, inputs.actual, inputs.state, POLICY, CTX));
// Warm both builds' JIT.
for (let i = 0; i < 2; i++) {
  await measure(current);
  await measure(baseline);
}
const cur: Run[] = [];
const base: Run[] = [];
const rounds: Record<string, string>[] = [];
for (let i = 0; i < RUNS; i++) {
  await rotated(i, [async () => void cur.push(await measure(current)), async () => void base.push(await measure(baseline))]);
  const a = cur[i]!;
  const b = base[i]!;
  rounds.push({
    round: String(i + 1),
    'after ms': a.ms.toFixed(0),
    'before ms': b.ms.toFixed(0),
    'after / before': (a.ms / b.ms).toFixed(2),
    'after GC ms': a.gcMs.toFixed(0),
    'before GC ms': b.gcMs.toFixed(0),
    load1: loadavg()[0]!.toFixed(1),
  });
}
process.stdout.write(
  `computePlan, ${USERS} users / ${GROUPS} groups / ${MEMBERSHIPS} memberships (bench/plan.ts inputs), ${RUNS} rounds in rotating order\n` +
    `after = ${new URL('../dist', import.meta.url).pathname}, before = ${BASE}; plans byte-identical: ${same ? 'yes' : 'NO'}\n\n` +
    table(rounds) +
    '\n\n' +
    table([
      spreadRow(
        'after: wall (ms)',
        cur.map((r) => r.ms),
      ),
      spreadRow(
        'before: wall (ms)',
        base.map((r) => r.ms),
      ),
      spreadRow(
        'after / before: wall (per round)',
        cur.map((r, i) => r.ms / base[i]!.ms),
        2,
      ),
      spreadRow(
        'after: CPU (ms)',
        cur.map((r) => r.cpuMs),
      ),
      spreadRow(
        'before: CPU (ms)',
        base.map((r) => r.cpuMs),
      ),
      spreadRow(
        'after / before: CPU (per round)',
        cur.map((r, i) => r.cpuMs / base[i]!.cpuMs),
        2,
      ),
      spreadRow(
        'after: GC (ms)',
        cur.map((r) => r.gcMs),
      ),
      spreadRow(
        'before: GC (ms)',
        base.map((r) => r.gcMs),
      ),
    ]) +
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
);
if (!same) process.exitCode = 1;
