import { afterEach, describe, expect, it } from 'vitest';
import { createDaemonMetrics, parseListen, startHealthServer, validateSchedule, type HealthServer, type Readiness } from '../../../src/daemon/index.js';
import { silentLogger } from '../../../src/log.js';
import { parsePrometheus } from './prom.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

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

  it('two daemons in one process keep separate registries', () => {
    const a = createDaemonMetrics();
    const b = createDaemonMetrics();
    a.recordSkippedTick();
    expect(a.registry).not.toBe(b.registry);
  });

  it('refuses a port in use with a ConfigError that names the address', async () => {
    const metrics = createDaemonMetrics();
    server = await startHealthServer({ listen: '127.0.0.1:0', registry: metrics.registry, readiness: () => ({ ready: true, reason: 'x' }), logger: silentLogger() });
    const port = new URL(server.url).port;
    await expect(
      startHealthServer({ listen: `127.0.0.1:${port}`, registry: metrics.registry, readiness: () => ({ ready: true, reason: 'x' }), logger: silentLogger() }),
    ).rejects.toMatchObject({ code: 'SCIMSYNC_CONFIG_INVALID', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });

  it('parses listen addresses and rejects malformed ones', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListen(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(() => parseListen('9464')).toThrow(/host:port/);
    expect(() => parseListen('localhost:99999')).toThrow(/host:port/);
  });

  it('accepts 5- and 6-field cron expressions and names `schedule` otherwise', () => {
    expect(() => validateSchedule('*/15 * * * *')).not.toThrow();
    expect(() => validateSchedule('*/2 * * * * *')).not.toThrow();
    expect(() => validateSchedule('* * * *')).toThrow(/schedule "\* \* \* \*"/);
    expect(() => validateSchedule('61 * * * *')).toThrow(/not a valid cron expression/);
  });
});
