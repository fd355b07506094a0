/**
 * computePlan at scale: prints n, groups, memberships, build/plan/render times and operation counts.
 * Run: `npx tsx bench/plan.ts` (optionally with --expose-gc for the heap column to mean something).
 */
import { performance } from 'node:perf_hooks';
import { computePlan } from '../src/plan/plan.js';
import { planToJson, renderPlanText } from '../src/plan/render.js';
import { policy } from '../test/unit/plan/fixtures.js';
import { buildScaleInputs } from '../test/unit/plan/scale-inputs.js';

// Production-like guard settings and protected admins, on the unit tests' base policy.
const POLICY = policy({ protect: ['*@admins.example.com', 'root@example.com'], safety: { maxDeletes: 25, maxDeletePercent: 10 } });

const CTX = { target: 'https://scim.example/', configHash: 'c', actualHash: 'a', createdAt: '2025-01-01T00:00:00.000Z' };

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

const sizes: [number, number, number][] = [
  [1_000, 10, 5_000],
  [10_000, 100, 50_000],
  [50_000, 500, 250_000],
  [100_000, 1_000, 500_000],
];

const rows: Record<string, string | number>[] = [];
/** Round-trip through JSON: real snapshots are parsed, so their strings are flat (templates build cons strings). */
function load(n: number, g: number, m: number): ReturnType<typeof buildScaleInputs> {
  return JSON.parse(JSON.stringify(buildScaleInputs(n, g, m))) as ReturnType<typeof buildScaleInputs>;
}

/** Heap held by one plan, inputs excluded (only meaningful with --expose-gc). Own frame: no stale registers. */
function planHeapMb(inputs: ReturnType<typeof buildScaleInputs>): { mb: number; ops: number } {
  const before = heapMb();
  const held = computePlan(inputs.desired, inputs.actual, inputs.state, POLICY, CTX);
  return { mb: heapMb() - before, ops: held.operations.length };
}

for (const [n, g, m] of sizes) {
  const inputs = load(n, g, m);
  const heap = planHeapMb(inputs);
  // Warm once so the table shows steady-state JIT timing, then measure the best of three.
  computePlan(inputs.desired, inputs.actual, inputs.state, POLICY, CTX);
  // CPU time beside wall time: on a shared machine the wall clock also counts waiting for a core.
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let plan = computePlan(inputs.desired, inputs.actual, inputs.state, POLICY, CTX);
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    plan = computePlan(inputs.desired, inputs.actual, inputs.state, POLICY, CTX);
    best = Math.min(best, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  const t1 = performance.now();
  const text = renderPlanText(plan);
  const json = JSON.stringify(planToJson(plan));
  const renderMs = performance.now() - t1;
  rows.push({
    users: n,
    groups: g,
    memberships: m,
    'plan ms': Math.round(best),
    'plan cpu ms': Math.round(bestCpu),
    'render+json ms': Math.round(renderMs),
    ops: heap.ops,
    creates: plan.summary.createUsers,
    updates: plan.summary.updateUsers,
    deletes: plan.summary.deleteUsers,
    'member +/-': `${plan.summary.addMembers}/${plan.summary.removeMembers}`,
    'plan heap MB (--expose-gc)': Math.round(heap.mb * 10) / 10,
    'text KB': Math.round(text.length / 1024),
    'json KB': Math.round(json.length / 1024),
  });
}
console.table(rows);
