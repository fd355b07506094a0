import { writeFile } from 'node:fs/promises';
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

async function heldGauge(url: string): Promise<number | undefined> {
  const res = await fetch(`${url}/metrics`);
  return parsePrometheus(await res.text()).get('scimsync_source_held_users');
}

const isHeldWarning = (l: LogLine): boolean => typeof l.msg === 'string' && l.msg.includes('held, neither changed nor deleted');

describe('scimsync daemon: held users are loud on every run', () => {
  it('names a managed user with an unmapped status at WARN each run, counts it in scimsync_source_held_users, and keeps it', async () => {
    fx = await createDaemonFixture();
    const team = people(4, []);
    await fx.setPeople(team);
    daemon = spawnDaemon(fx.configPath, ['--run-now']);
    const url = await daemon.healthUrl();
    await daemon.waitForLog((l) => isRunEnd(l) && l.outcome === 'converged');
    expect(await heldGauge(url)).toBe(0);

    // The HR export marks one person with a value nobody mapped.
    const from = mark(daemon);
    await writeFile(join(fx.dir, 'users.csv'), csvOf(team).replace(`${team[2]!.email},Given2,Family2,yes`, `${team[2]!.email},Given2,Family2,Sabbatical`));
    const first = await daemon.waitForLog(isHeldWarning, 20_000, from);
    const second = await daemon.waitForLog((l) => isHeldWarning(l) && l.runId !== first.runId, 20_000, from);
    for (const w of [first, second]) {
      expect(w.level).toBe(40);
      expect(w.msg).toContain(`1 managed user is held, neither changed nor deleted, because the source entry cannot be read: ${team[2]!.email} (users.csv:4: unknown status "Sabbatical" in column active)`);
      expect(w.held).toEqual([
        {
          userName: team[2]!.email,
          entries: [{ entry: 'users.csv:4', reason: 'unknown status "Sabbatical" in column active' }],
          fix: 'map it in source.statusValues: add "sabbatical" under active or inactive',
        },
      ]);
    }
    await daemon.waitForLog((l) => isRunEnd(l) && l.runId === second.runId, 20_000, from);
    expect(await heldGauge(url)).toBe(1);
    expect(fx.emulator.users().map((u) => u.userName).sort()).toEqual(team.map((p) => p.email));

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
    expect(await heldGauge(url)).toBe(0);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = undefined;
  });
});
