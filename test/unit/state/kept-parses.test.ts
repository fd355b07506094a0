import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetSnapshot } from '../../../src/model/index.js';
import { keepParses } from '../../../src/kept-parses.js';
import { readTargetSnapshot, writeTargetSnapshot, type SyncState } from '../../../src/state/index.js';
import { decodeTargetSnapshot } from '../../../src/state/target-snapshot.js';
import { TARGET, stateErrorOf, stateFixture } from './fixture.js';

const fx = stateFixture();
afterEach(() => keepParses(false));

const record = (n: number) => ({ targetId: `u${n}@example.com`, userName: `u${n}@example.com`, pushedHash: '0123456789abcdef', ownership: 'created' as const });

/** Opens the store at `path`, loads, closes: one daemon run's read of the state. */
async function loadOnce(path: string): Promise<SyncState> {
  const store = await fx.open(path);
  try {
    return await store.load();
  } finally {
    await store.close();
  }
}

/** Writes `users` as the next state of the file at `path` (one store, one flush), as a run's apply does. */
async function commit(path: string, users: SyncState['users']): Promise<SyncState> {
  const store = await fx.open(path);
  store.update({ ...(await store.load()), users });
  await store.close();
  return store.current()!;
}

const actual: TargetSnapshot = {
  users: [
    { id: 'a@example.com', userName: 'a@example.com', givenName: 'Ann', familyName: null, active: true },
    { id: 'b@example.com', userName: 'b@example.com', givenName: null, familyName: 'Bo', active: false },
  ],
  groups: [{ id: '7', displayName: 'Sales', members: ['a@example.com', 'gone@example.com'] }],
};
const meta = {
  lineage: 'l',
  stateSerial: 3,
  target: TARGET,
  profile: 'amplitude',
  readAt: '2026-03-02T08:00:00.000Z',
  readRequests: 2,
  writesSince: 0,
};

describe('kept parses (the daemon): a file read again with the same bytes reuses the last parse', () => {
  it('the state a run wrote is what the next run loads, without parsing it; it equals a fresh parse of the file', async () => {
    keepParses();
    const path = join(fx.dir(), 'state.json');
    const written = await commit(path, { E1: record(1), E2: record(2) });
    const loaded = await loadOnce(path);
    expect(loaded).toBe(written);
    keepParses(false);
    expect(await loadOnce(path)).toEqual(written);
  });

  it('a state file changed between runs (same length, another byte) is parsed again and read as it is now', async () => {
    keepParses();
    const path = join(fx.dir(), 'state.json');
    const written = await commit(path, { E1: record(1) });
    const text = await readFile(path, 'utf8');
    const edited = text.replace('"ownership":"created"', '"ownership":"adopted"').replace('0123456789abcdef', '0123456789abcde0');
    expect(edited.length).toBe(text.length);
    await writeFile(path, edited);
    const loaded = await loadOnce(path);
    expect(loaded).not.toBe(written);
    expect(loaded.users['E1']).toEqual({ ...record(1), ownership: 'adopted', pushedHash: '0123456789abcde0' });
  });

  it('a corrupt state is refused on every read, never kept; once mended it is read', async () => {
    keepParses();
    const path = join(fx.dir(), 'state.json');
    await commit(path, { E1: record(1) });
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.replace('"targetId":"u1@example.com"', '"targetId":""'));
    for (let i = 0; i < 2; i++) expect((await stateErrorOf(loadOnce(path))).code).toBe('SCIMSYNC_STATE_CORRUPT');
    await writeFile(path, good);
    expect((await loadOnce(path)).users['E1']).toEqual(record(1));
  });

  it('off (every one-shot command): each read parses the file anew', async () => {
    const path = join(fx.dir(), 'state.json');
    await commit(path, { E1: record(1) });
    const first = await loadOnce(path);
    const second = await loadOnce(path);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('the target snapshot a run wrote is read back without decoding; it equals a fresh decode of the file', async () => {
    keepParses();
    const path = join(fx.dir(), 'state.target.json');
    await writeTargetSnapshot(path, { meta, actual });
    const read = await readTargetSnapshot(path);
    if (read?.ok !== true) throw new Error('snapshot not read');
    expect(read.snapshot.actual).toBe(actual);
    expect(read).toEqual(decodeTargetSnapshot(await readFile(path, 'utf8')));

    // Written again by hand with other bytes: decoded anew.
    await writeFile(path, (await readFile(path, 'utf8')).replace('"Ann"', '"Ana"'));
    const again = await readTargetSnapshot(path);
    if (again?.ok !== true) throw new Error('snapshot not read');
    expect(again.snapshot.actual.users[0]?.givenName).toBe('Ana');
  });
});
