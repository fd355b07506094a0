import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAccessProblem } from '../../../../src/config/file-errors.js';
import type { CsvSourceConfig } from '../../../../src/config/index.js';
import { SourceError } from '../../../../src/errors.js';
import { createCsvSource } from '../../../../src/sources/csv/index.js';
import { detectDelimiter } from '../../../../src/sources/csv/table.js';

/**
 * CSV exports as HR systems and Excel really write them: other delimiters, UTF-16 with a byte-order mark,
 * Windows-1252. Every fixture is written here byte for byte with Buffer, so what is tested is the bytes.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-csv-exports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COLUMNS: CsvSourceConfig['columns'] = {
  id: 'Employee ID',
  email: 'Email',
  givenName: 'First Name',
  familyName: 'Last Name',
  active: 'active',
  groups: 'groups',
};

async function file(name: string, bytes: Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
}
function read(users: string, extra: Partial<CsvSourceConfig> = {}) {
  return createCsvSource({ type: 'csv', users, columns: COLUMNS, encoding: 'utf-8', ...extra }).read();
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a SourceError');
    },
    (e: unknown) => e as SourceError,
  );

/** Windows-1252 bytes: ASCII as is, é = 0xE9, ü = 0xFC, ø = 0xF8, € = 0x80, “ = 0x93, ” = 0x94. */
function cp1252(s: string): Buffer {
  const map: Record<string, number> = { é: 0xe9, ü: 0xfc, '€': 0x80, ø: 0xf8, Ø: 0xd8, '“': 0x93, '”': 0x94 };
  return Buffer.from([...s].map((c) => map[c] ?? c.charCodeAt(0)));
}
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);

const ROWS = (d: string) =>
  [`Employee ID${d}Email${d}First Name${d}Last Name`, `E1${d}zoe@example.com${d}Zoë${d}Müller`, `E2${d}rene@example.com${d}René${d}Ørsted`].join('\r\n') +
  '\r\n';
const EXPECTED = [
  { sourceId: 'E1', email: 'zoe@example.com', givenName: 'Zoë', familyName: 'Müller' },
  { sourceId: 'E2', email: 'rene@example.com', givenName: 'René', familyName: 'Ørsted' },
];
const people = (snap: Awaited<ReturnType<typeof read>>) =>
  snap.users.map(({ sourceId, email, givenName, familyName }) => ({ sourceId, email, givenName, familyName }));

describe('CSV delimiter detection', () => {
  it.each([
    [',', 'comma'],
    [';', 'semicolon (European Excel)'],
    ['\t', 'tab (Excel "Unicode Text")'],
    ['|', 'pipe'],
  ])('reads a %j-separated export without source.delimiter (%s)', async (d) => {
    const users = await file(`delim-${d.charCodeAt(0)}.csv`, Buffer.from(ROWS(d), 'utf8'));
    expect(people(await read(users))).toEqual(EXPECTED);
  });

  it('counts only delimiters outside quotes, on the first line only; a one-column header is comma-separated', () => {
    expect(detectDelimiter('"Name, First";"Name, Last";Email\nx,y,z')).toEqual({ delimiter: ';', count: 2 });
    expect(detectDelimiter('email\na@example.com')).toEqual({ delimiter: ',', count: 0 });
    // A tie goes to the more common delimiter: , then ; then tab then |.
    expect(detectDelimiter('id|email;x\n')).toEqual({ delimiter: ';', count: 1 });
    expect(detectDelimiter('id\temail|x;y,z\r\n')).toEqual({ delimiter: ',', count: 1 });
  });

  it('a configured delimiter that does not match says which delimiter the header looks like, and that fix', async () => {
    const users = await file('semicolon-configured-comma.csv', Buffer.from(ROWS(';'), 'utf8'));
    const e = await failure(read(users, { delimiter: ',' }));
    expect(e.code).toBe('SCIMSYNC_SOURCE_INVALID');
    expect(e.message).toBe(
      `${users}: column "Employee ID" not found: the header looks ";"-separated, but source.delimiter is "," (found: Employee ID;Email;First Name;Last Name)`,
    );
    expect(e.fix).toBe('set source.delimiter: ";", or remove source.delimiter so it is detected from the header');
    expect(e.fix).not.toMatch(/source\.columns/);
  });

  it('a configured delimiter is used as given', async () => {
    const users = await file('pipe-configured.csv', Buffer.from(ROWS('|'), 'utf8'));
    expect(people(await read(users, { delimiter: '|' }))).toEqual(EXPECTED);
  });
});

describe('CSV encodings', () => {
  it('UTF-16 LE with a BOM (Excel "Unicode Text", tab-separated) is decoded by its BOM', async () => {
    const users = await file('utf16le.txt', utf16le(ROWS('\t')));
    expect(people(await read(users))).toEqual(EXPECTED);
  });

  it('UTF-16 BE with a BOM is decoded by its BOM, even when source.encoding says windows-1252', async () => {
    const users = await file('utf16be.csv', utf16be(ROWS(',')));
    expect(people(await read(users))).toEqual(EXPECTED);
    expect(people(await read(users, { encoding: 'windows-1252' }))).toEqual(EXPECTED);
  });

  it('a UTF-16 file cut in the middle of a character is an error, not a guess', async () => {
    const bytes = utf16le(ROWS(','));
    const users = await file('utf16-cut.csv', bytes.subarray(0, bytes.length - 1));
    const e = await failure(read(users));
    expect(e.message).toBe(`${users}: starts with a UTF-16LE byte-order mark but is not valid UTF-16LE`);
  });

  it.each(['windows-1252', 'latin1'] as const)('source.encoding: %s decodes a Windows-1252 export', async (encoding) => {
    const users = await file(`cp1252-${encoding}.csv`, cp1252(ROWS(';')));
    expect(people(await read(users, { encoding }))).toEqual(EXPECTED);
    // 0x80–0x9F is where Windows-1252 and ISO-8859-1 differ (and where Node's own TextDecoder is wrong).
    const euro = await file(`euro-${encoding}.csv`, cp1252('email,First Name\nzoe@example.com,€uro “Z”\n'));
    const snap = await createCsvSource({
      type: 'csv',
      users: euro,
      columns: { ...COLUMNS, id: 'id', givenName: 'First Name', familyName: 'familyName' },
      encoding,
    }).read();
    expect(snap.users[0]?.givenName).toBe('€uro “Z”');
  });

  it('a UTF-8 BOM wins over source.encoding: windows-1252', async () => {
    const users = await file('utf8-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ROWS(','), 'utf8')]));
    expect(people(await read(users, { encoding: 'windows-1252' }))).toEqual(EXPECTED);
  });

  it('Windows-1252 read as UTF-8 names the line and the source.encoding fix (not an iconv line)', async () => {
    const users = await file('cp1252-as-utf8.csv', cp1252(ROWS(',')));
    const e = await failure(read(users));
    expect(e.message).toBe(`${users}:2: not valid UTF-8`);
    expect(e.fix).toMatch(/^set source\.encoding: windows-1252/);
    expect(e.fix).not.toMatch(/iconv/);
  });

  it('UTF-16 that lost its BOM is named as such, not read as a header of NUL-separated letters', async () => {
    const users = await file('utf16-nobom.csv', Buffer.from(ROWS(','), 'utf16le'));
    const e = await failure(read(users));
    expect(e.message).toBe(`${users}:1: holds NUL bytes: it looks like UTF-16 without a byte-order mark`);
  });
});

describe('CSV file access errors name the path, the config key and the fix', () => {
  it('a directory where the export should be', async () => {
    const d = join(dir, 'a-directory.csv');
    await mkdir(d);
    const e = await failure(read(d));
    expect(e.code).toBe('SCIMSYNC_SOURCE_READ');
    expect(e.message).toBe(`${d}: is a directory, not a file`);
    expect(e.fix).toBe('point source.users at the file inside that directory');
  });

  it('a missing groups file names source.groups', async () => {
    const users = await file('access-users.csv', Buffer.from('email\nada@example.com\n'));
    const groups = join(dir, 'no-groups.csv');
    const e = await failure(read(users, { groups }));
    expect(e.message).toBe(`${groups}: file not found`);
    expect(e.fix).toMatch(/fix source\.groups/);
  });

  it('EACCES and EPERM say permission denied, for which uid, and how to fix it (root reads anything: the mapping is tested)', () => {
    for (const code of ['EACCES', 'EPERM']) {
      const p = fileAccessProblem(Object.assign(new Error('denied'), { code }), '/data/users.csv', 'source.users', 'the export');
      expect(p.why).toBe(`permission denied: not readable by uid ${process.getuid?.() ?? '?'}`);
      expect(p.fix).toBe(
        "make /data/users.csv readable by the user scimsync runs as (chmod/chown, or in a container the secret's mode and fsGroup), or fix source.users",
      );
    }
  });
});
