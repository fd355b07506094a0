import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDaemonFixture, csvOf, people, type DaemonFixture } from './fixture.js';
import { isRunEnd, mark, spawnDaemon, type DaemonProcess, type LogLine } from './process.js';
import { parsePrometheus } from './prom.js';

let fx: DaemonFixture | undefined;
let daemon: DaemonProcess | undefined;
afterEach(async () => {
  if (daemon) await daemon.stop('SIGKILL');
  daemon = undefined;
  await fx?.close();
  fx = undefined;
});

async function metrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** What a probe sees: polls /readyz until it answers `status` (the run's end is logged just before readiness moves). */
async function readyzBecomes(url: string, status: number): Promise<{ status: number; body: Record<string, unknown> }> {
  for (let i = 0; ; i++) {
    const r = await readyz(url);
    if (r.status === status || i >= 100) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

const isHeldWarning = (l: LogLine): boolean => typeof l.msg === 'string' && l.msg.includes('held, neither changed nor deleted');

const runEnded = (d: DaemonProcess, from: number, outcome?: string) =>
  d.waitForLog((l) => isRunEnd(l) && (outcome === undefined || l.outcome === outcome), 20_000, from);

/** Every `run started` is followed by that run's end before the next `run started`: runs never overlap. */
function assertNoOverlap(logs: readonly LogLine[]): void {
  let open: unknown;
  for (const l of logs) {
    if (l.msg === 'run started') {
      expect(open, 'a run started while another was going').toBeUndefined();
      open = l.runId;
    } else if (open !== undefined && l.runId === open && isRunEnd(l)) {
      open = undefined;
    }
  }
}

describe('scimsync daemon (real process, emulator target)', () => {
  it('runs on schedule, skips a tick while a slow run goes on, reports metrics, and flips /readyz on a failed run and back', async () => {
    fx = await createDaemonFixture();
    await fx.setPeople(people(6));
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const url = await daemon.healthUrl();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // First run (startup) creates everyone; the next scheduled run finds nothing to do.
    const first = await runEnded(daemon, 0);
    expect(first).toMatchObject({ outcome: 'converged', summary: { createUsers: 6, createGroups: 2 } });
    const second = await daemon.waitForLog((l) => isRunEnd(l) && l.runId !== first.runId, 20_000);
    expect(second).toMatchObject({ outcome: 'converged', summary: { createUsers: 0, createGroups: 0 } });
    expect(
      fx.emulator
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(people(6).map((p) => p.email));

    let m = await metrics(url);
    expect(m.get('scimsync_runs_total{result="success"}')).toBeGreaterThanOrEqual(2);
    expect(m.get('scimsync_runs_total{result="failure"}')).toBe(0);
    expect(m.get('scimsync_operations_total{kind="createUser",result="applied"}')).toBe(6);
    expect(m.get('scimsync_operations_total{kind="createGroup",result="applied"}')).toBe(2);
    expect(m.get('scimsync_requests_total{method="POST",status="201"}')).toBe(6);
    expect(m.get('scimsync_requests_total{method="GET",status="200"}')).toBeGreaterThanOrEqual(4);
    expect(m.get('scimsync_managed_users')).toBe(6);
    expect(m.get('scimsync_managed_groups')).toBe(2);
    expect(m.get('scimsync_last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(m.get('scimsync_run_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(await readyzBecomes(url, 200)).toMatchObject({ status: 200, body: { reason: 'last-run-succeeded' } });

    // The key is rotated in the target ("Generate SCIM key"): the next run fails, the daemon keeps going.
    let from = mark(daemon);
    const newToken = fx.emulator.rotateToken('rotated-key-4c3b2a');
    const failed = await daemon.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('run failed'), 20_000, from);
    expect(failed).toMatchObject({ code: 'SCIMSYNC_SCIM_AUTH' });
    expect(typeof failed.fix).toBe('string');
    const notReady = await readyzBecomes(url, 503);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ reason: 'last-run-failed', lastRun: { result: 'failure', error: { code: 'SCIMSYNC_SCIM_AUTH' } } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await metrics(url)).get('scimsync_runs_total{result="failure"}')).toBeGreaterThanOrEqual(1);

    // The new key lands in the token file (a rotated Secret): the next run picks it up without a restart.
    from = mark(daemon);
    await writeFile(fx.tokenPath, newToken);
    await daemon.waitForLog((l) => l.msg === 'run finished' && l.outcome === 'converged', 20_000, from);
    expect(await readyzBecomes(url, 200)).toMatchObject({ status: 200, body: { reason: 'last-run-succeeded' } });

    // Every request is slowed to 2.5 s: a run (two list pages at least) outlasts the 2 s interval.
    from = mark(daemon);
    fx.emulator.setFaults({ latencyMs: 2_500 });
    const skip = await daemon.waitForLog((l) => l.msg === 'skipping scheduled run: the previous run is still in progress', 20_000, from);
    expect(skip.level).toBe(40);
    fx.emulator.setFaults({});
    const slow = await runEnded(daemon, from);
    expect(slow).toMatchObject({ outcome: 'converged' });
    m = await metrics(url);
    expect(m.get('scimsync_skipped_runs_total')).toBeGreaterThanOrEqual(1);
    // Same people, no duplicates after all those runs.
    expect(fx.emulator.users()).toHaveLength(6);
    expect(m.get('scimsync_operations_total{kind="createUser",result="applied"}')).toBe(6);

    const code = await daemon.stop('SIGTERM');
    expect(code).toBe(0);
    // Run counts: every run that started ended (none overlapped), and ticks were skipped, not queued.
    assertNoOverlap(daemon.logs);
    const started = daemon.logs.filter((l) => l.msg === 'run started').length;
    expect(daemon.logs.filter(isRunEnd)).toHaveLength(started);
    expect(started).toBeGreaterThanOrEqual(5);
    expect(daemon.logs.filter((l) => l.msg === skip.msg).length).toBeGreaterThanOrEqual(1);
    const text = daemon.stderrText();
    expect(text).not.toContain('daemon-test-token-9f8e7d');
    expect(text).not.toContain('rotated-key-4c3b2a');
    daemon = undefined;
  });

  it('SIGTERM mid-run stops taking operations, exits 0 within the bound; a restart converges with no duplicate', async () => {
    // One request at a time, each slowed: the first load takes far longer than the moment we stop it.
    fx = await createDaemonFixture({ schedule: '0 0 1 1 *', concurrency: 1, shutdownTimeoutMs: 10_000, emulator: { faults: { latencyMs: 150 } } });
    const everyone = people(30);
    await fx.setPeople(everyone);
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const firstUrl = await daemon.healthUrl();
    while (fx.emulator.users().length < 4) await new Promise((r) => setTimeout(r, 50));
    // The long first load shows its progress while it runs: 30 users + 2 groups planned, some done.
    const during = await metrics(firstUrl);
    expect(during.get('scimsync_apply_operations_planned')).toBe(32);
    expect(during.get('scimsync_apply_operations_done')).toBeGreaterThanOrEqual(3);
    expect(during.get('scimsync_apply_progress_ratio')).toBeLessThan(1);
    expect(during.get('scimsync_apply_progress_ratio')).toBeGreaterThan(0);

    const code = await daemon.stop('SIGTERM');
    // 1 would mean the shutdown bound passed with the run still going.
    expect(code).toBe(0);
    const stopped = daemon.logs.find((l) => l.msg === 'daemon stopped');
    expect(stopped).toMatchObject({ clean: true });
    const partial = fx.emulator.users().length;
    expect(partial).toBeGreaterThanOrEqual(4);
    expect(partial).toBeLessThan(everyone.length);
    // What was applied is in the flushed state file.
    const state = JSON.parse(await readFile(fx.statePath, 'utf8')) as { users: Record<string, unknown> };
    expect(Object.keys(state.users).length).toBe(partial);
    daemon = undefined;

    fx.emulator.setFaults({});
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const url = await daemon.healthUrl();
    const done = await runEnded(daemon, 0);
    expect(done).toMatchObject({ outcome: 'converged', summary: { createUsers: everyone.length - partial } });
    const names = fx.emulator.users().map((u) => u.userName);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(everyone.map((p) => p.email));
    const m = await metrics(url);
    expect(m.get('scimsync_managed_users')).toBe(everyone.length);
    expect(m.get('scimsync_apply_progress_ratio')).toBe(1);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = undefined;
  });

  it('a request that outlasts daemon.shutdownTimeoutMs: exit 1 at the bound, state kept, the next start converges without duplicates', async () => {
    // The first user POST hangs for 2.5 s; the daemon may wait only 0.5 s after SIGTERM.
    fx = await createDaemonFixture({
      schedule: '0 0 1 1 *',
      concurrency: 1,
      shutdownTimeoutMs: 500,
      emulator: { faults: { script: [{ method: 'POST', route: '/Users', nth: 1, action: 'latency', ms: 2_500 }] } },
    });
    const everyone = people(5, []);
    await fx.setPeople(everyone);
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    await daemon.waitForLog((l) => l.msg === 'target read');
    await new Promise((r) => setTimeout(r, 300));
    expect(await daemon.stop('SIGTERM')).toBe(1);
    expect(daemon.logs.find((l) => l.msg === 'daemon stopped')).toMatchObject({ clean: false });
    expect(daemon.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('did not stop within daemon.shutdownTimeoutMs'))).toBe(true);
    daemon = undefined;

    fx.emulator.setFaults({});
    // Let the hung POST land (or not) in the emulator: either way the restart must not duplicate it.
    await new Promise((r) => setTimeout(r, 2_500));
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    await daemon.healthUrl();
    await runEnded(daemon, 0, 'converged');
    const names = fx.emulator.users().map((u) => u.userName);
    expect(names.sort()).toEqual(everyone.map((p) => p.email));
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = undefined;
  });

  it('a run refused by the deletion guard is counted as refused, deletes nothing, and keeps /readyz at 200', async () => {
    fx = await createDaemonFixture({ safety: { maxDeletes: 3, maxDeletePercent: 100 } });
    await fx.setPeople(people(10, []));
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const url = await daemon.healthUrl();
    await runEnded(daemon, 0, 'converged');
    const from = mark(daemon);
    await fx.setPeople(people(2, []));
    const refused = await runEnded(daemon, from, 'refused');
    expect(refused.level).toBe(40);
    expect(refused.msg).toBe('run refused by the deletion guard: nothing was deleted');
    expect(String(refused.fix)).toContain('--allow-deletes');
    expect(fx.emulator.users()).toHaveLength(10);
    const r = await readyzBecomes(url, 200);
    expect(r).toMatchObject({ status: 200, body: { reason: 'last-run-refused', lastRun: { result: 'refused' } } });
    const m = await metrics(url);
    expect(m.get('scimsync_runs_total{result="refused"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('scimsync_runs_total{result="failure"}')).toBe(0);
    expect(m.get('scimsync_operations_total{kind="deleteUser",result="applied"}')).toBeUndefined();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = undefined;
  });

  it('held users are loud on every run: a managed user with an unmapped status is named at WARN each run, counts it in scimsync_source_held_users, and keeps it', async () => {
    fx = await createDaemonFixture();
    const team = people(4, []);
    await fx.setPeople(team);
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const url = await daemon.healthUrl();
    await daemon.waitForLog((l) => isRunEnd(l) && l.outcome === 'converged');
    expect((await metrics(url)).get('scimsync_source_held_users')).toBe(0);

    // The HR export marks one person with a value nobody mapped.
    const from = mark(daemon);
    await writeFile(join(fx.dir, 'users.csv'), csvOf(team).replace(`${team[2]!.email},Given2,Family2,yes`, `${team[2]!.email},Given2,Family2,Sabbatical`));
    const first = await daemon.waitForLog(isHeldWarning, 20_000, from);
    const second = await daemon.waitForLog((l) => isHeldWarning(l) && l.runId !== first.runId, 20_000, from);
    for (const w of [first, second]) {
      expect(w.level).toBe(40);
      expect(w.msg).toContain(
        `1 managed user is held, neither changed nor deleted, because the source entry cannot be read: ${team[2]!.email} (users.csv:4: unknown status "Sabbatical" in column active)`,
      );
      expect(w.held).toEqual([
        {
          userName: team[2]!.email,
          entries: [{ entry: 'users.csv:4', reason: 'unknown status "Sabbatical" in column active' }],
          fix: 'map it in source.statusValues: add "sabbatical" under active or inactive',
        },
      ]);
    }
    await daemon.waitForLog((l) => isRunEnd(l) && l.runId === second.runId, 20_000, from);
    expect((await metrics(url)).get('scimsync_source_held_users')).toBe(1);
    expect(
      fx.emulator
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(team.map((p) => p.email));

    // Fixed in the export: a run that read the new file holds nobody (a run already going may still read the old one).
    const fixed = mark(daemon);
    await fx.setPeople(team);
    let end: LogLine | undefined;
    for (let i = 0, at = fixed; i < 3; i++) {
      end = await daemon.waitForLog(isRunEnd, 20_000, at);
      at = daemon.logs.indexOf(end) + 1;
      const runId = end.runId;
      if (!daemon.logs.some((l) => isHeldWarning(l) && l.runId === runId)) break;
      end = undefined;
    }
    expect(end, 'a run after the fix still held the user').toBeDefined();
    expect((await metrics(url)).get('scimsync_source_held_users')).toBe(0);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = undefined;
  });

  it('refuses to start on an invalid config, exit 1 with the fix', async () => {
    fx = await createDaemonFixture({ schedule: '* * * *' });
    daemon = spawnDaemon(fx.configPath);
    expect(await daemon.exited).toBe(1);
    expect(daemon.stderrText()).toMatch(/schedule/);
    expect(daemon.stderrText()).toMatch(/fix:/);
    daemon = undefined;
  });
});
