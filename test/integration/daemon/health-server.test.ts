import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/index.js';
import {
  createDaemonMetrics,
  startDaemon,
  startHealthServer,
  validateSchedule,
  type Daemon,
  type HealthServer,
  type Readiness,
} from '../../../src/daemon/index.js';
import { silentLogger } from '../../../src/log.js';
import { createDaemonFixture, people, type DaemonFixture } from './fixture.js';
import { parsePrometheus } from './prom.js';

let server: HealthServer | undefined;
const daemons: Daemon[] = [];
const fixtures: DaemonFixture[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of daemons.splice(0)) await d.stop('test');
  for (const f of fixtures.splice(0)) await f.close();
});

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

describe('health and metrics listener', () => {
  it('answers /healthz, flips /readyz with the readiness function, and serves prefixed metrics', async () => {
    const metrics = createDaemonMetrics();
    let readiness: Readiness = { ready: true, reason: 'no-run-yet' };
    server = await startHealthServer({ listen: '127.0.0.1:0', registry: metrics.registry, readiness: () => readiness, logger: silentLogger() });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    let ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', reason: 'no-run-yet' });

    readiness = { ready: false, reason: 'last-run-failed', detail: { lastRun: { result: 'failure', error: { code: 'SCIMSYNC_SOURCE_READ' } } } };
    ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', reason: 'last-run-failed', lastRun: { error: { code: 'SCIMSYNC_SOURCE_READ' } } });

    metrics.recordRun({
      result: 'success',
      durationSeconds: 2.5,
      finishedAt: new Date('2026-01-01T00:00:10Z'),
      operations: [
        { kind: 'createUser', result: 'applied' },
        { kind: 'createUser', result: 'applied' },
        { kind: 'updateMembers', result: 'failed' },
      ],
      requests: { GET: { '200': 2 }, POST: { '201': 2, '429': 1 } },
    });
    metrics.recordRun({ result: 'failure', durationSeconds: 0.1, finishedAt: new Date(), operations: [], requests: {} });
    metrics.setManaged(2, 1);
    metrics.setProgress({ done: 3, failed: 1, total: 8 });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const m = parsePrometheus(await res.text());
    expect(m.get('scimsync_runs_total{result="success"}')).toBe(1);
    expect(m.get('scimsync_runs_total{result="failure"}')).toBe(1);
    expect(m.get('scimsync_runs_total{result="refused"}')).toBe(0);
    expect(m.get('scimsync_last_success_timestamp_seconds')).toBe(Date.parse('2026-01-01T00:00:10Z') / 1000);
    expect(m.get('scimsync_operations_total{kind="createUser",result="applied"}')).toBe(2);
    expect(m.get('scimsync_operations_total{kind="updateMembers",result="failed"}')).toBe(1);
    expect(m.get('scimsync_requests_total{method="POST",status="429"}')).toBe(1);
    expect(m.get('scimsync_requests_total{method="GET",status="200"}')).toBe(2);
    expect(m.get('scimsync_run_duration_seconds_count')).toBe(2);
    expect(m.get('scimsync_run_duration_seconds_sum')).toBeCloseTo(2.6);
    expect(m.get('scimsync_managed_users')).toBe(2);
    expect(m.get('scimsync_managed_groups')).toBe(1);
    expect(m.get('scimsync_apply_progress_ratio')).toBe(0.5);
    // Default process metrics are there, and prefixed.
    expect([...m.keys()].some((k) => k.startsWith('scimsync_process_cpu'))).toBe(true);
    expect([...m.keys()].some((k) => k.startsWith('process_'))).toBe(false);

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('two daemons in one process keep separate registries: what one counts never shows on the other', async () => {
    // Two real daemons, each with its own emulator, config and listener; only the first one runs.
    const [fa, fb] = [await createDaemonFixture({ schedule: '0 0 1 1 *' }), await createDaemonFixture({ schedule: '0 0 1 1 *' })];
    fixtures.push(fa, fb);
    await fa.setPeople(people(3));
    await fb.setPeople(people(1));
    const a = await startDaemon({ configPath: fa.configPath, loaded: await loadConfig(fa.configPath), logger: silentLogger(), runNow: true });
    daemons.push(a);
    const b = await startDaemon({ configPath: fb.configPath, loaded: await loadConfig(fb.configPath), logger: silentLogger() });
    daemons.push(b);
    expect(a.url).not.toBe(b.url);

    let ma = await scrape(a.url);
    for (let i = 0; i < 200 && ma.get('scimsync_runs_total{result="success"}') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ma = await scrape(a.url);
    }
    b.metrics.recordSkippedTick();
    ma = await scrape(a.url);
    const mb = await scrape(b.url);

    expect(ma.get('scimsync_runs_total{result="success"}')).toBe(1);
    expect(ma.get('scimsync_operations_total{kind="createUser",result="applied"}')).toBe(3);
    expect(ma.get('scimsync_managed_users')).toBe(3);
    expect(ma.get('scimsync_skipped_runs_total')).toBe(0);

    expect(mb.get('scimsync_runs_total{result="success"}')).toBe(0);
    expect(mb.has('scimsync_operations_total{kind="createUser",result="applied"}')).toBe(false);
    expect(mb.get('scimsync_managed_users')).toBe(0);
    expect(mb.get('scimsync_skipped_runs_total')).toBe(1);
    expect(fb.emulator.users()).toHaveLength(0);
  });

  it('refuses a port in use with a ConfigError that names the address', async () => {
    const metrics = createDaemonMetrics();
    server = await startHealthServer({
      listen: '127.0.0.1:0',
      registry: metrics.registry,
      readiness: () => ({ ready: true, reason: 'x' }),
      logger: silentLogger(),
    });
    const port = new URL(server.url).port;
    await expect(
      startHealthServer({ listen: `127.0.0.1:${port}`, registry: metrics.registry, readiness: () => ({ ready: true, reason: 'x' }), logger: silentLogger() }),
    ).rejects.toMatchObject({ code: 'SCIMSYNC_CONFIG_INVALID', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });

  it('binds only what the config accepts: ":port" (no host) is a ConfigError naming daemon.listen, not every interface', async () => {
    const metrics = createDaemonMetrics();
    await expect(
      startHealthServer({ listen: ':0', registry: metrics.registry, readiness: () => ({ ready: true, reason: 'x' }), logger: silentLogger() }),
    ).rejects.toMatchObject({
      code: 'SCIMSYNC_CONFIG_INVALID',
      issues: [{ path: 'daemon.listen', message: expect.stringContaining('has no host') }],
    });
    server = await startHealthServer({
      listen: '[::1]:0',
      registry: metrics.registry,
      readiness: () => ({ ready: true, reason: 'x' }),
      logger: silentLogger(),
    }).catch(
      // A machine without IPv6 loopback cannot bind ::1; the parse is what this test is about.
      (err: NodeJS.ErrnoException) => (String(err.message).includes('EADDRNOTAVAIL') ? undefined : Promise.reject(err)),
    );
    if (server) expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
  });

  it('accepts 5- and 6-field cron expressions and names `schedule` otherwise', () => {
    expect(() => validateSchedule('*/15 * * * *')).not.toThrow();
    expect(() => validateSchedule('*/2 * * * * *')).not.toThrow();
    expect(() => validateSchedule('* * * *')).toThrow(/^schedule has 4 fields/);
    expect(() => validateSchedule('61 * * * *')).toThrow(/out of range or malformed/);
    // node-cron alone accepts this one and runs it once a minute.
    expect(() => validateSchedule('*/70 * * * * *')).toThrow(/^schedule step 70 in "\*\/70" \(second\) is out of range: second steps run 1–59/);
  });

  it('the daemon and the config loader agree on every schedule', () => {
    const yaml = (s: string) => `source: { type: csv, users: ./u.csv }\ntarget: { url: "https://x.example/", token: t0k3n }\nschedule: "${s}"\n`;
    for (const s of ['*/15 * * * *', '*/70 * * * * *', '*/60 * * * *', '61 * * * *', '* * * *', '0 9 * * MON-FRI', '*/59 * * * * *']) {
      const daemonOk = (() => {
        try {
          validateSchedule(s);
          return true;
        } catch {
          return false;
        }
      })();
      const configOk = (() => {
        try {
          parseConfig(yaml(s), { path: 'c.yaml', env: {} });
          return true;
        } catch {
          return false;
        }
      })();
      expect([s, daemonOk]).toEqual([s, configOk]);
    }
  });
});
