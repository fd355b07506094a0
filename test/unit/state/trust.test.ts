import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshState, readStateFile } from '../../../src/state/index.js';
import { TARGET, stateErrorOf, stateFixture } from './fixture.js';

/** Issue 8: only a missing state file is a fresh start; a state file answers for one target only. */
const fx = stateFixture();

describe('an empty state file is corrupt, never a fresh start', () => {
  it.each([
    ['0 bytes', ''],
    ['only whitespace', '  \n\t\n'],
  ])('%s: load and readStateFile are SCIMSYNC_STATE_CORRUPT naming the file and the fix; the file is left as it was', async (_name, text) => {
    const path = join(fx.dir(), 'state.json');
    await writeFile(path, text);
    const store = await fx.open(path);
    const err = await stateErrorOf(store.load());
    expect(err.code).toBe('SCIMSYNC_STATE_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.message).toContain('empty');
    expect(err.fix).toContain('scimsync state rebuild');
    expect(err.fix).toMatch(/backup/);
    // No fresh state was written over it.
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(store.writes()).toBe(0);
    expect((await stateErrorOf(readStateFile(path))).code).toBe('SCIMSYNC_STATE_CORRUPT');
  });

  it('a missing file is still a fresh state', async () => {
    expect((await (await fx.open(join(fx.dir(), 'state.json'))).load()).serial).toBe(0);
  });
});

describe('a state file of another target', () => {
  it('readStateFile with a target refuses it with SCIMSYNC_STATE_OTHER_TARGET naming both URLs and the fix', async () => {
    const path = join(fx.dir(), 'state.json');
    await writeFile(path, JSON.stringify(freshState('https://other.example.com/scim/v2', 'l')));
    const err = await stateErrorOf(readStateFile(path, { target: TARGET }));
    expect(err.code).toBe('SCIMSYNC_STATE_OTHER_TARGET');
    expect(err.message).toContain('https://other.example.com/scim/v2');
    expect(err.message).toContain(TARGET);
    expect(err.fix).toContain('state.path');
    expect(err.fix).toContain('state rebuild');
    // The same target spelled differently is the same target.
    expect((await readStateFile(path, { target: 'HTTPS://OTHER.example.com/scim/v2/' }))?.lineage).toBe('l');
    expect(await readdir(fx.dir())).toEqual(['state.json']);
  });
});
