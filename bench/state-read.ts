/**
 * Validating a large state file (issue 11): JSON.parse, then parseStateV1 over 100,000 user records and 1,000
 * group records, this tree's against a baseline's (main's by default), in rotated order each round.
 * Run: `npx tsx bench/state-read.ts [users] [groups]`. Env: BENCH_RUNS (7, at least 5),
 * BENCH_BASELINE_SCHEMA=…/src/state/schema.ts (default /work/main/src/state/schema.ts; skipped if missing).
 * Prints median, IQR and min–max per contestant, the per-round ratio, and checks both give the same state.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { parseStateV1, type ParseResult } from '../src/state/schema.js';
import { email, groupName } from './lib/dataset.js';
import { rotated, spreadRow, table } from './lib/table.js';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const BASELINE = process.env.BENCH_BASELINE_SCHEMA ?? '/work/main/src/state/schema.ts';

type Parse = (doc: unknown) => ParseResult;
const baseline: Parse | undefined = existsSync(BASELINE) ? ((await import(BASELINE)) as { parseStateV1: Parse }).parseStateV1 : undefined;

// The shape `apply` writes: one record per source id, and the target's ids.
const users: Record<string, unknown> = {};
for (let i = 0; i < USERS; i++) {
  users[`E${i}`] = { targetId: `${i.toString(16).padStart(8, '0')}-4b1d-4c2e-9f3a-1e2d3c4b5a69`, userName: email(i), pushedHash: `sha256:${(i * 2654435761).toString(16).padStart(16, '0')}`, ownership: i % 10 === 0 ? 'adopted' : 'created' };
}
const groups: Record<string, unknown> = {};
for (let g = 0; g < GROUPS; g++) groups[groupName(g)] = { targetId: `g-${g}`, displayName: groupName(g), ownership: 'created' };
const text = JSON.stringify({ version: 1, lineage: 'bench-lineage', serial: 42, target: 'https://scim.example/', users, groups });

const samples = { parse: [] as number[], ours: [] as number[], base: [] as number[] };
const timed = (into: number[], parse: Parse): ParseResult => {
  const doc = JSON.parse(text) as unknown;
  const t0 = performance.now();
  const r = parse(doc);
  into.push(performance.now() - t0);
  if (!r.ok) throw new Error(r.problem);
  return r;
};

let ours: ParseResult | undefined;
let base: ParseResult | undefined;
const rounds: Record<string, string>[] = [];
for (let i = 0; i < RUNS; i++) {
  await rotated(i, [
    () => {
      const t0 = performance.now();
      JSON.parse(text);
      samples.parse.push(performance.now() - t0);
    },
    () => (ours = timed(samples.ours, parseStateV1)),
    ...(baseline ? [() => (base = timed(samples.base, baseline))] : []),
  ]);
  rounds.push({
    round: String(i + 1),
    'JSON.parse ms': samples.parse[i]!.toFixed(0),
    'validate ms': samples.ours[i]!.toFixed(0),
    ...(baseline ? { 'baseline validate ms': samples.base[i]!.toFixed(0), 'validate / baseline': (samples.ours[i]! / samples.base[i]!).toFixed(2) } : {}),
    load1: loadavg()[0]!.toFixed(1),
  });
}
if (baseline && !isDeepStrictEqual(ours, base)) throw new Error('this tree and the baseline validate the same file to different states');

process.stdout.write(
  `\nstate validation: ${USERS} users / ${GROUPS} groups (${(text.length / 1e6).toFixed(1)} MB), ${RUNS} rounds in rotating order${baseline ? `; baseline ${BASELINE}, same state out: yes` : ''}\n\n` +
    table(rounds) +
    '\n\n' +
    table([
      spreadRow('JSON.parse (ms)', samples.parse),
      spreadRow('parseStateV1, this tree (ms)', samples.ours),
      ...(baseline
        ? [
            spreadRow('parseStateV1, baseline (ms)', samples.base),
            spreadRow('this tree / baseline (per round)', samples.ours.map((x, i) => x / samples.base[i]!), 2),
          ]
        : []),
    ]) +
    '\n',
);
