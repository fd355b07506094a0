import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshState, migrateState, readStateFile } from '../../../src/state/index.js';
import { TARGET, stateErrorOf, stateFixture } from './fixture.js';

const fx = stateFixture();

const record = { targetId: 'proto@example.com', userName: 'proto@example.com', pushedHash: '0123456789abcdef', ownership: 'created' };

/** The text of a state file whose one user record has the source id `__proto__` (JSON.parse makes it an own key). */
function protoStateText(): string {
  const users = `{"__proto__":${JSON.stringify(record)}}`;
  return JSON.stringify({ ...freshState(TARGET, 'lineage-1'), users: {} }).replace('"users":{}', `"users":${users}`);
}

describe('state records keyed by source id', () => {
  it('a user record under the source id "__proto__" survives a load and a write (the apply records it on purpose)', async () => {
    const path = join(fx.dir(), 'state.json');
    await writeFile(path, protoStateText());
    const store = await fx.open(path);
    const state = await store.load();
    expect(Object.hasOwn(state.users, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(state.users, '__proto__')?.value).toEqual(record);
    // A copy and a write keep it: a managed user that lost its record would never be deprovisioned.
    store.update({ ...state, users: { ...state.users } });
    await store.close();
    expect(await readFile(path, 'utf8')).toContain(`"users":{"__proto__":${JSON.stringify(record)}}`);
    const again = await readStateFile(path, { target: TARGET });
    expect(again && Object.getOwnPropertyDescriptor(again.users, '__proto__')?.value).toEqual(record);
  });

  it('a bad record is named by its path, field first found', () => {
    const doc = { ...freshState(TARGET, 'l'), users: { ok: record, 'E-7': { ...record, targetId: 7 } } };
    expect(() => migrateState(doc, 'state.json')).toThrow(
      'state file state.json is corrupt: users.E-7.targetId: Invalid input: expected string, received number',
    );
    const groups = { sales: { targetId: '', displayName: 'Sales', ownership: 'created' } };
    expect(() => migrateState({ ...freshState(TARGET, 'l'), groups }, 'state.json')).toThrow(
      'groups.sales.targetId: Too small: expected string to have >=1 characters',
    );
  });

  it('of several bad records, the first in the file is named (all records are checked in one call)', () => {
    const users = { a: record, 'E-2': { ...record, ownership: 'stolen' }, b: record, 'E-4': { ...record, pushedHash: 4 } };
    expect(() => migrateState({ ...freshState(TARGET, 'l'), users }, 'state.json')).toThrow(/corrupt: users\.E-2\.ownership: Invalid option/);
    const state = migrateState({ ...freshState(TARGET, 'l'), users: { a: record, b: record } }, 'state.json');
    expect(Object.keys(state.users)).toEqual(['a', 'b']);
    expect(state.users['b']).toEqual(record);
  });

  it('users that is not an object is refused, saying what it is', async () => {
    for (const [users, what] of [
      ['[]', 'array'],
      ['null', 'null'],
      ['"x"', 'string'],
    ] as const) {
      const path = join(fx.dir(), `state-${what}.json`);
      await writeFile(path, JSON.stringify(freshState(TARGET, 'l')).replace('"users":{}', `"users":${users}`));
      const err = await stateErrorOf(readStateFile(path));
      expect(err.message).toContain(`users: Invalid input: expected record, received ${what}`);
    }
  });

  it('a record keeps only the fields of the format (unknown record fields are dropped, as before)', () => {
    const state = migrateState({ ...freshState(TARGET, 'l'), users: { a: { ...record, note: 'x' } } }, 'state.json');
    expect(state.users['a']).toEqual(record);
  });

  it('a state with non-ASCII names reads back as written (ASCII files take a faster decode)', async () => {
    const path = join(fx.dir(), 'state.json');
    const groups = { 'équipe ventes': { targetId: '12', displayName: 'Équipe Ventes 販売 🚀', ownership: 'created' } };
    await writeFile(path, JSON.stringify({ ...freshState(TARGET, 'l'), groups }));
    expect((await readStateFile(path, { target: TARGET }))?.groups).toEqual(groups);
  });
});
