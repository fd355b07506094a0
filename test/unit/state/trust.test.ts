import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../../src/errors.js';
import { freshState, openStateStore, readStateFile, type FileStateStoreHandle } from '../../../src/state/index.js';

/** Issue 8: only a missing state file is a fresh start; a state file answers for one target only. */
const TARGET = 'https://core.amplitude.com/scim/1/';
let dir: string;
const open: FileStateStoreHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-trust-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<StateError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  return err as StateError;
}

describe('an empty state file is corrupt, never a fresh start', () => {
  it.each([
    ['0 bytes', ''],
    ['only whitespace', '  \n\t\n'],
  ])('%s: load and readStateFile are SCIMSYNC_STATE_CORRUPT naming the file and the fix; the file is left as it was', async (_name, text) => {
    const path = join(dir, 'state.json');
    await writeFile(path, text);
    const store = await openStateStore(path, { target: TARGET });
    open.push(store);
    const err = await failure(store.load());
    expect(err.code).toBe('SCIMSYNC_STATE_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.message).toContain('empty');
    expect(err.fix).toContain('scimsync state rebuild');
    expect(err.fix).toMatch(/backup/);
    // No fresh state was written over it.
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(store.writes()).toBe(0);
    expect((await failure(readStateFile(path))).code).toBe('SCIMSYNC_STATE_CORRUPT');
  });

  it('a missing file is still a fresh state', async () => {
    const store = await openStateStore(join(dir, 'state.json'), { target: TARGET });
    open.push(store);
    expect((await store.load()).serial).toBe(0);
  });
});

describe('a state file of another target', () => {
  it('readStateFile with a target refuses it with SCIMSYNC_STATE_OTHER_TARGET naming both URLs and the fix', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, JSON.stringify(freshState('https://other.example.com/scim/v2', 'l')));
    const err = await failure(readStateFile(path, { target: TARGET }));
    expect(err.code).toBe('SCIMSYNC_STATE_OTHER_TARGET');
    expect(err.message).toContain('https://other.example.com/scim/v2');
    expect(err.message).toContain(TARGET);
    expect(err.fix).toContain('state.path');
    expect(err.fix).toContain('state rebuild');
    // The same target spelled differently is the same target.
    expect((await readStateFile(path, { target: 'HTTPS://OTHER.example.com/scim/v2/' }))?.lineage).toBe('l');
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
