import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStateFile } from '../../../src/state/index.js';
import type { Person } from '../sync/harness.js';
import { CHANGED, FIRST, cli, verify, workspace, type Baseline } from './harness.js';

/**
 * Issue 8, crash consistency: `scimsync apply` (the built CLI) is SIGKILLed at 22 points spread over
 * (a) a first load of 300 users in 5 groups, (b) a change run (leavers, disabled users, renames, email
 * changes, movers, joiners) and (c) each step of taking the lock and writing the state (the test-only
 * SCIMSYNC_CRASH_AT hook, src/state/crash-points.ts). After each kill: the state file still parses, one
 * more `apply` exits 0, the target equals the source exactly with no duplicate, the state records
 * everything, a further `plan` exits 0, and no temp, lock or marker file is left.
 */
type Kill = { readonly afterWrites: (total: number) => number } | { readonly crashAt: string };
interface Point {
  readonly label: string;
  readonly scenario: 'first' | 'change';
  readonly kill: Kill;
  /** Kill an earlier run first (a stale lock to take over). */
  readonly before?: (total: number) => number;
}

const at = (fraction: number) => (total: number) => Math.max(1, Math.round(total * fraction));
const POINTS: Point[] = [
  ...[0, 0.1, 0.3, 0.5, 0.7, 0.9].map((f): Point => ({
    label: `first load, ${Math.round(f * 100)}% of writes`,
    scenario: 'first',
    kill: { afterWrites: at(f) },
  })),
  { label: 'first load, group memberships (last writes)', scenario: 'first', kill: { afterWrites: (t) => t - 3 } },
  ...[0, 0.2, 0.4, 0.6, 0.8].map((f): Point => ({ label: `change run, ${Math.round(f * 100)}% of writes`, scenario: 'change', kill: { afterWrites: at(f) } })),
  { label: 'change run, last write', scenario: 'change', kill: { afterWrites: (t) => t - 1 } },
  ...['lock-created', 'lock-written', 'state-temp-created', 'state-temp-written#2', 'state-renamed#3'].map((crashAt): Point => ({
    label: `first load, ${crashAt}`,
    scenario: 'first',
    kill: { crashAt },
  })),
  ...['state-temp-written', 'state-renamed', 'state-temp-created#2'].map((crashAt): Point => ({
    label: `change run, ${crashAt}`,
    scenario: 'change',
    kill: { crashAt },
  })),
  { label: 'first load, lock-takeover-marked (after a kill at 40%)', scenario: 'first', kill: { crashAt: 'lock-takeover-marked' }, before: at(0.4) },
];

let baseline: Baseline;
let baseDir: string;
const writes = { first: 0, change: 0 };
const results: { label: string; killedAt: number; converged: boolean; duplicates: number; problems: string[] }[] = [];

beforeAll(async () => {
  baseDir = await mkdtemp(join(tmpdir(), 'scimsync-crash-base-'));
  // The change scenario starts from a converged first load, made once and saved.
  const base = await workspace(FIRST, { persist: true });
  try {
    const first = await cli(['apply', '-c', base.configPath]);
    expect(first.code, first.stderr).toBe(0);
    writes.first = base.emulator.stats().writes;
    await base.emulator.stop();
    await copyFile(join(base.dir, 'emulator.json'), join(baseDir, 'emulator.json'));
    baseline = { emulatorFile: join(baseDir, 'emulator.json'), stateText: await readFile(base.statePath, 'utf8'), stateTarget: base.emulator.url };
  } finally {
    await base.close();
  }
  // One uninterrupted change run: the fixture converges without a crash, and it counts the writes.
  const change = await workspace(CHANGED, { from: baseline });
  try {
    const run = await cli(['apply', '-c', change.configPath]);
    expect(run.code, run.stderr).toBe(0);
    writes.change = change.emulator.stats().writes;
    expect((await verify(change, CHANGED)).problems).toEqual([]);
  } finally {
    await change.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(baseDir, { recursive: true, force: true });
  const converged = results.filter((r) => r.converged).length;
  const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
  const rows = results.map(
    (r) => `  ${r.converged ? 'ok  ' : 'FAIL'} ${r.label} (killed after ${r.killedAt} writes)${r.problems.length ? `: ${r.problems.join('; ')}` : ''}`,
  );
  console.log(
    `crash harness (first load ${writes.first} writes, change run ${writes.change} writes):\n${rows.join('\n')}\n` +
      `crash harness: ${converged}/${results.length} points converged, ${duplicates} duplicates found`,
  );
});

async function runPoint(p: Point): Promise<{ killedAt: number; converged: boolean; duplicates: number; problems: string[] }> {
  const source: readonly Person[] = p.scenario === 'first' ? FIRST : CHANGED;
  const total = writes[p.scenario];
  const ws = await workspace(source, p.scenario === 'change' ? { from: baseline } : {});
  const problems: string[] = [];
  try {
    const apply = ['apply', '-c', ws.configPath];
    if (p.before) {
      const pre = await cli(apply, { emulator: ws.emulator, killAfterWrites: p.before(total) });
      if (pre.signal !== 'SIGKILL') problems.push(`the earlier kill was never reached (exit ${pre.code})`);
    }
    const killed =
      'crashAt' in p.kill
        ? await cli(apply, { env: { SCIMSYNC_CRASH_AT: p.kill.crashAt } })
        : await cli(apply, { emulator: ws.emulator, killAfterWrites: p.kill.afterWrites(total) });
    if (killed.signal !== 'SIGKILL') problems.push(`the kill point was never reached (exit ${killed.code}): ${killed.stderr.slice(0, 200)}`);
    const killedAt = ws.emulator.stats().writes;
    // Whatever the kill interrupted, the state file is whole: absent, or the last complete write.
    await readStateFile(ws.statePath, { target: ws.emulator.url }).catch((err: unknown) => problems.push(`after the kill: ${(err as Error).message}`));
    const rerun = await cli(apply);
    if (rerun.code !== 0) problems.push(`the rerun exited ${rerun.code}: ${rerun.stderr.slice(0, 300)}`);
    const verdict = await verify(ws, source);
    problems.push(...verdict.problems);
    return { killedAt, converged: problems.length === 0, duplicates: verdict.duplicates, problems };
  } finally {
    await ws.close();
  }
}

describe('apply killed with SIGKILL converges on the next run', () => {
  it.each(POINTS.map((p) => [p.label, p] as const))(
    '%s',
    async (label, point) => {
      const result = await runPoint(point);
      results.push({ label, ...result });
      expect(result.problems).toEqual([]);
      expect(result.duplicates).toBe(0);
    },
    120_000,
  );
});
