import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepParses } from '../../../src/kept-parses.js';
import { migrateState, readStateFile, readTargetSnapshot } from '../../../src/state/index.js';
import { stableHash } from '../../../src/model/index.js';
import { decodeTargetSnapshot } from '../../../src/state/target-snapshot.js';
import { buildContext } from '../../../src/cli/context.js';
import { createSyncHarness, people, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  keepParses(false);
  await h?.close();
  h = undefined;
});

/** What the next run would be given from kept parses, next to what a fresh parse of the files gives. */
async function keptAndFresh(s: SyncHarness) {
  const statePath = join(s.dir, 'state.json');
  const snapshotPath = join(s.dir, 'state.target.json');
  const kept = { state: await readStateFile(statePath), snapshot: await readTargetSnapshot(snapshotPath) };
  const fresh = {
    state: migrateState(JSON.parse(await readFile(statePath, 'utf8')), statePath),
    snapshot: decodeTargetSnapshot(await readFile(snapshotPath, 'utf8')),
  };
  return { kept, fresh };
}

describe('kept parses across daemon-like runs: what a run wrote is what the file says', () => {
  it('after joiners, a leaver, a rename and a group change, the kept state and snapshot equal fresh parses of the files', async () => {
    keepParses();
    h = await createSyncHarness();
    const ps = people(8, ['Sales', 'Support']);
    await h.setPeople(ps);
    const steps = [
      ps,
      ps.slice(1),
      ps.slice(1).map((p, i) => (i === 0 ? { ...p, familyName: 'Renamed' } : p)),
      ps.slice(1).map((p, i) => (i === 1 ? { ...p, groups: ['Support'] } : i === 0 ? { ...p, familyName: 'Renamed' } : p)),
    ];
    for (const step of steps) {
      await h.setPeople(step);
      const r = await h.apply();
      expect(r.outcome).toBe('converged');
      const { kept, fresh } = await keptAndFresh(h);
      expect(kept.state).toEqual(fresh.state);
      expect(kept.snapshot).toEqual(fresh.snapshot);
    }
    // And the runs planned on it: nothing left to do.
    expect((await h.plan()).plan.operations).toEqual([]);
  });

  it('the kept CSV snapshot, after runs that planned and applied on it, equals a fresh parse of the file', async () => {
    keepParses();
    h = await createSyncHarness();
    const ps = people(8, ['Sales', 'Support']);
    const read = async (s: SyncHarness) => {
      const ctx = await buildContext({ configPath: s.configPath });
      try {
        return await ctx.source.read();
      } finally {
        await ctx.close();
      }
    };
    for (const step of [ps, ps.slice(2), ps.slice(2).map((p, i) => (i === 0 ? { ...p, groups: ['Support'] } : p))]) {
      await h.setPeople(step);
      const kept = await read(h);
      expect((await h.apply()).outcome).toBe('converged');
      expect((await h.apply()).plan.operations).toEqual([]);
      // The runs were given this very snapshot; nothing they did changed it.
      expect(await read(h)).toBe(kept);
      keepParses(false);
      expect(await read(h)).toEqual(kept);
      keepParses();
    }
  });

  it("a plan's basis hash on a kept snapshot is the hash of the file's body as it is now, run after run", async () => {
    keepParses();
    h = await createSyncHarness();
    const ps = people(6, ['Sales']);
    for (const step of [ps, ps.slice(1), ps.slice(1).map((p, i) => (i === 0 ? { ...p, familyName: 'Renamed' } : p))]) {
      await h.setPeople(step);
      expect((await h.apply()).outcome).toBe('converged');
      const { fresh } = await keptAndFresh(h);
      if (!fresh.snapshot.ok) throw new Error(`snapshot unusable: ${fresh.snapshot.problem}`);
      const expected = `snapshot:${stableHash(fresh.snapshot.body)}`;
      // Twice: the second plan hashes nothing (its body equals the last one hashed); either way, the file's hash.
      for (let i = 0; i < 2; i++) {
        const { plan } = await h.plan();
        expect(plan.basis.targetRead?.source).toBe('snapshot');
        expect(plan.basis.actualHash).toBe(expected);
      }
    }
  });
});
