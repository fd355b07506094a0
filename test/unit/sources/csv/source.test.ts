import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepParses } from '../../../../src/kept-parses.js';
import { SourceError } from '../../../../src/errors.js';
import { createCsvSource, splitGroups } from '../../../../src/sources/csv/index.js';
import { decodeUtf8 } from '../../../../src/sources/csv/decode.js';

const COLUMNS = { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}
const source = (users: string, groups?: string) =>
  createCsvSource({ type: 'csv', users, ...(groups ? { groups } : {}), columns: COLUMNS, delimiter: ',', encoding: 'utf-8' });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a SourceError');
    },
    (e: unknown) => e as SourceError,
  );

describe('createCsvSource', () => {
  it('describes itself by its users file', async () => {
    expect(source('/data/users.csv').description).toBe('csv /data/users.csv');
    await expect(source('/data/users.csv').close()).resolves.toBeUndefined();
  });

  it('a missing file is a read error naming the file, never an empty list', async () => {
    const e = await failure(source(join(dir, 'nope.csv')).read());
    expect(e).toBeInstanceOf(SourceError);
    expect(e.code).toBe('SCIMSYNC_SOURCE_READ');
    expect(e.message).toBe(`${join(dir, 'nope.csv')}: file not found`);
  });

  it('a missing groups file stops the read too', async () => {
    const users = await csv('g-users.csv', 'email\nada@example.com\n');
    const e = await failure(source(users, join(dir, 'groups-missing.csv')).read());
    expect(e.message).toBe(`${join(dir, 'groups-missing.csv')}: file not found`);
  });

  it('an already-aborted signal reads nothing', async () => {
    const users = await csv('abort.csv', 'email\nada@example.com\n');
    const ac = new AbortController();
    ac.abort();
    await expect(source(users).read(ac.signal)).rejects.toThrow(/abort/i);
  });

  it('re-reads the file on every read (the daemon sees the newest export)', async () => {
    const users = await csv('reread.csv', 'email\nada@example.com\n');
    const s = source(users);
    expect((await s.read()).users.map((u) => u.email)).toEqual(['ada@example.com']);
    await writeFile(users, 'email\nada@example.com\ngrace@example.com\n');
    expect((await s.read()).users.map((u) => u.email)).toEqual(['ada@example.com', 'grace@example.com']);
  });

  it('a header naming a mapped column twice is ambiguous', async () => {
    const users = await csv('dup-header.csv', 'email,givenName,email\na@example.com,A,b@example.com\n');
    const e = await failure(source(users).read());
    expect(e.message).toBe(`${users}: column "email" appears more than once in the header`);
    const folded = await csv('dup-header-case.csv', 'Mail,MAIL\na@example.com,b@example.com\n');
    const e2 = await failure(createCsvSource({ type: 'csv', users: folded, columns: { ...COLUMNS, email: 'mail' }, delimiter: ',', encoding: 'utf-8' }).read());
    expect(e2.message).toBe(`${folded}: column "mail" appears more than once in the header`);
  });

  it('an exact header match wins over a case-insensitive one', async () => {
    const users = await csv('exact-header.csv', 'Email,email\nold@example.com,new@example.com\n');
    expect((await source(users).read()).users.map((u) => u.email)).toEqual(['new@example.com']);
  });

  it('a groups file with only a header adds no groups and no problems', async () => {
    const users = await csv('hg-users.csv', 'email,groups\nada@example.com,Eng\n');
    const groups = await csv('hg-groups.csv', 'group,email\n');
    const snap = await source(users, groups).read();
    expect(snap.groups).toEqual([{ name: 'Eng', members: ['ada@example.com'], origin: 'hg-users.csv:2' }]);
    expect(snap.skipped).toEqual([]);
  });

  it('an empty groups file is an error: the header is required', async () => {
    const users = await csv('eg-users.csv', 'email\nada@example.com\n');
    const groups = await csv('eg-groups.csv', '');
    const e = await failure(source(users, groups).read());
    expect(e.message).toBe(`${groups}: column "group" not found in the header (found: )`);
  });

  it('lists a member once per group, however often the column and the groups file name the pair', async () => {
    const users = await csv('once-users.csv', 'email,groups\nada@example.com,Eng;eng; ENG ;Ops\ngrace@example.com,Ops\n');
    const groups = await csv('once-groups.csv', 'group,email\nENG,ada@example.com\nops,grace@example.com\nOps,alan@example.com\neng,ADA@example.com\n');
    const snap = await source(users, groups).read();
    expect(snap.groups).toEqual([
      { name: 'Eng', members: ['ada@example.com'], origin: 'once-users.csv:2' },
      { name: 'Ops', members: ['ada@example.com', 'grace@example.com'], origin: 'once-users.csv:2' },
    ]);
    expect(snap.skipped).toEqual([{ entry: 'once-groups.csv:4', reason: 'not in users file' }]);
  });

  // Repeats are found by a Set that did not grow, then their rows listed in a second pass: every row, in order.
  it('an email or an id on three rows: each row skipped, naming all three lines in file order', async () => {
    const users = await csv(
      'three-users.csv',
      'id,email,givenName\nE1,a@x.io,A\nE2,b@x.io,B\nE3,a@x.io,X\nE4,c@x.io,C\nE5,A@x.io,Y\nE2,d@x.io,D\nE2,e@x.io,E\n',
    );
    const snap = await source(users).read();
    expect(snap.users.map((u) => u.email)).toEqual(['c@x.io']);
    expect(snap.skipped.map((s) => [s.entry, s.reason])).toEqual([
      ['three-users.csv:2', 'email a@x.io appears on lines 2, 4, 6 with different data'],
      ['three-users.csv:3', 'id "E2" is used for different emails on lines 3, 7, 8'],
      ['three-users.csv:4', 'email a@x.io appears on lines 2, 4, 6 with different data'],
      ['three-users.csv:6', 'email a@x.io appears on lines 2, 4, 6 with different data'],
      ['three-users.csv:7', 'id "E2" is used for different emails on lines 3, 7, 8'],
      ['three-users.csv:8', 'id "E2" is used for different emails on lines 3, 7, 8'],
    ]);
  });

  // The groups column is resolved once per distinct value: a repeated value must still make each group at
  // the first row naming it, and add every row's member, in file order.
  it('rows that repeat a groups value: groups made at the first row naming them, every member added in order', async () => {
    const users = await csv('repeat-users.csv', 'email,active,groups\na@x.io,no,A;B\nb@x.io,yes,B;C\nc@x.io,yes,A;B\nd@x.io,yes,b; a\ne@x.io,yes,A;B\n');
    const snap = await source(users).read();
    expect(snap.groups).toEqual([
      { name: 'A', members: ['c@x.io', 'd@x.io', 'e@x.io'], origin: 'repeat-users.csv:2' },
      { name: 'B', members: ['b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'], origin: 'repeat-users.csv:2' },
      { name: 'C', members: ['b@x.io'], origin: 'repeat-users.csv:3' },
    ]);
  });

  it('more distinct groups values than are remembered: every row still resolved', async () => {
    const n = 10_050;
    const rows = Array.from({ length: n }, (_, i) => `u${i}@x.io,G${i};Shared`);
    const snap = await source(await csv('many-users.csv', ['email,groups', ...rows, 'last@x.io,G0;shared'].join('\n'))).read();
    expect(snap.groups).toHaveLength(n + 1);
    expect(snap.groups.find((g) => g.name === 'Shared')?.members).toHaveLength(n + 1);
    expect(snap.groups.find((g) => g.name === 'G0')).toEqual({ name: 'G0', members: ['u0@x.io', 'last@x.io'], origin: 'many-users.csv:2' });
    expect(snap.groups.at(-1)).toEqual({ name: `G${n - 1}`, members: [`u${n - 1}@x.io`], origin: `many-users.csv:${n + 1}` });
  });

  it('a member email that differs only in case and NFC form matches the user', async () => {
    const users = await csv('nfc-users.csv', 'email\nzo\u00eb@example.com\n');
    const groups = await csv('nfc-groups.csv', 'group,email\nEng,ZOE\u0308@EXAMPLE.COM\n');
    const snap = await source(users, groups).read();
    expect(snap.groups).toEqual([{ name: 'Eng', members: ['zo\u00eb@example.com'], origin: 'nfc-groups.csv:2' }]);
  });
});

describe('splitGroups', () => {
  it.each([
    ['Eng;Admins', ['Eng', 'Admins']],
    [' Eng ; ;Admins; ', ['Eng', 'Admins']],
    ['', []],
    [';;', []],
    ['Sales, EMEA', ['Sales, EMEA']],
  ])('%j → %j', (cell, names) => {
    expect(splitGroups(cell)).toEqual(names);
  });
});

describe('decodeUtf8', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('drops a BOM and keeps multi-byte text', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('Zoë\n')]), 'f.csv')).toBe('Zoë\n');
  });
  it.each([
    [[...enc('a\nb\n'), 0xff, 0x0a], 3],
    [[0xc3, 0x28], 1],
    // A multi-byte sequence cut by a line break is invalid on the line where it starts.
    [[...enc('ok\n'), 0xe2, 0x82, 0x0a, 0xac], 2],
  ])('names the first bad line %#', (bytes, line) => {
    expect(() => decodeUtf8(new Uint8Array(bytes), 'f.csv')).toThrow(`f.csv:${line}: not valid UTF-8`);
  });
  // decodeUtf8 validates and decodes with Buffer's native paths: it must accept and give exactly what the
  // WHATWG decoder in fatal mode does, byte for byte, at every edge of UTF-8.
  it.each([
    ['ASCII', [...enc('id,email\n1,a@x.io\n')]],
    ['two BOMs: only the first is dropped', [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61]],
    ['a BOM in the middle stays', [0x61, 0xef, 0xbb, 0xbf]],
    ['Latin-1 range, 3- and 4-byte characters', [...enc('Zoë,Ł,€,𝄞\n')]],
    ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf]],
    ['overlong slash', [0xc0, 0xaf]],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated at the end', [0x61, 0xe2, 0x82]],
    ['lone continuation byte', [0x61, 0x80]],
    ['only a BOM', [0xef, 0xbb, 0xbf]],
  ])('%s: as TextDecoder fatal', (_, bytes) => {
    const input = new Uint8Array(bytes);
    let expected: string | undefined;
    try {
      expected = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      expected = undefined;
    }
    if (expected === undefined) expect(() => decodeUtf8(input, 'f.csv')).toThrow('not valid UTF-8');
    else expect(decodeUtf8(input, 'f.csv')).toBe(expected);
  });
});

const HEADER = 'id,email,givenName,familyName,active,groups\n';
const keptSource = (users: string, extra: { groups?: string; statusValues?: { active: string[]; inactive: string[] } } = {}) =>
  createCsvSource({ type: 'csv', users, columns: COLUMNS, delimiter: ',', encoding: 'utf-8', ...extra });

describe('createCsvSource with kept parses (the daemon)', () => {
  afterEach(() => keepParses(false));

  it('reuses the snapshot of unchanged files, and parses again after any change of bytes', async () => {
    keepParses();
    const users = join(dir, 'users.csv');
    await writeFile(users, `${HEADER}1,ann@x.io,Ann,Lee,yes,Sales\n2,bob@x.io,Bob,Ng,yes,Sales\n`);
    const first = await keptSource(users).read();
    // Another source object, as each daemon run builds its own: the same snapshot, not a new parse.
    expect(await keptSource(users).read()).toBe(first);
    // Same length, one letter changed: parsed again, and the change is in it.
    await writeFile(users, `${HEADER}1,ann@x.io,Ann,Lee,yes,Sales\n2,bob@x.io,Bob,Ng,no.,Sales\n`.replace('no.', 'no!'));
    const unknown = await keptSource(users).read();
    expect(unknown.skipped.map((e) => e.reason)).toEqual(['unknown status "no!" in column active']);
    await writeFile(users, `${HEADER}1,ann@x.io,Ann,Lee,yes,Sales\n2,bob@x.io,Bob,Ng,no,Sales\n`);
    const leaver = await keptSource(users).read();
    expect(leaver).not.toBe(first);
    expect(leaver.users.find((u) => u.email === 'bob@x.io')?.active).toBe(false);
  });

  it('parses again when a setting changes, though the bytes did not', async () => {
    keepParses();
    const users = join(dir, 'settings.csv');
    await writeFile(users, `${HEADER}1,ann@x.io,Ann,Lee,on-payroll,Sales\n`);
    const mapped = { active: ['on-payroll'], inactive: ['former'] };
    const a = await keptSource(users, { statusValues: mapped }).read();
    expect(a.users[0]?.active).toBe(true);
    // The same bytes under settings that do not know "on-payroll": a different result, never the kept one.
    await expect(keptSource(users).read()).rejects.toThrow('unknown status "on-payroll"');
    // A parse that throws keeps nothing: the mapped settings still find their own snapshot.
    expect(await keptSource(users, { statusValues: mapped }).read()).toBe(a);
  });

  it('parses again when only the groups file changes', async () => {
    keepParses();
    const users = join(dir, 'g-users.csv');
    const groups = join(dir, 'groups.csv');
    await writeFile(users, `id,email,givenName,familyName,active\n1,ann@x.io,Ann,Lee,yes\n2,bob@x.io,Bob,Ng,yes\n`);
    await writeFile(groups, 'group,email\nSales,ann@x.io\n');
    const a = await keptSource(users, { groups }).read();
    expect(await keptSource(users, { groups }).read()).toBe(a);
    await writeFile(groups, 'group,email\nSales,bob@x.io\n');
    const b = await keptSource(users, { groups }).read();
    expect(b.groups.find((g) => g.name === 'Sales')?.members).toEqual(['bob@x.io']);
  });

  it('keeps nothing when off (one-shot commands): every read parses', async () => {
    const users = join(dir, 'off.csv');
    await writeFile(users, `${HEADER}1,ann@x.io,Ann,Lee,yes,Sales\n`);
    const a = await keptSource(users).read();
    const b = await keptSource(users).read();
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
  });
});
