import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon/index.js';
import { silentLogger } from '../../../src/log.js';
import { createDaemonFixture, csvOf, people, type DaemonFixture } from './fixture.js';
import { parsePrometheus } from './prom.js';

let fx: DaemonFixture | undefined;
let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop('test');
  daemon = undefined;
  await fx?.close();
  fx = undefined;
});

async function metricsWhen(url: string, done: (m: Map<string, number>) => boolean): Promise<Map<string, number>> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    const m = parsePrometheus(await res.text());
    if (done(m) || i >= 200) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('daemon /metrics: build info and skipped source entries', () => {
  it('scimsync_build_info{version,node} is 1 from the start; scimsync_source_skipped_entries follows the last plan', async () => {
    fx = await createDaemonFixture({ schedule: '0 0 1 1 *' });
    // Three good rows and two bad ones (no email; an active value nobody mapped).
    const bad = ['E9001,,No,Email,yes,', 'E9002,odd@example.com,Odd,Status,maybe,'];
    await writeFile(join(fx.dir, 'users.csv'), csvOf(people(3)) + bad.join('\n') + '\n');
    const loaded = await loadConfig(fx.configPath);
    daemon = await startDaemon({ configPath: fx.configPath, loaded, logger: silentLogger(), runNow: true });

    const version = (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const info = `scimsync_build_info{version="${version}",node="${process.versions.node}"}`;
    const m = await metricsWhen(daemon.url, (x) => (x.get('scimsync_runs_total{result="success"}') ?? 0) >= 1);
    expect(m.get('scimsync_runs_total{result="success"}')).toBe(1);
    expect(m.get(info)).toBe(1);
    expect(m.get('scimsync_source_skipped_entries')).toBe(2);
  });
});
