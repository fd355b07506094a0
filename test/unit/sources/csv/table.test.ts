import { describe, expect, it } from 'vitest';
import { parseQuoted, parseTable, splitUnquoted } from '../../../../src/sources/csv/table.js';

/**
 * Files without a double quote skip csv-parse (splitUnquoted). These inputs hold everything that could
 * make a line split differ from csv-parse with our options: blank and whitespace-only lines, records of
 * only delimiters, a missing or doubled final newline, a BOM, multi-character and tab delimiters,
 * non-ASCII text, and rows with too few or too many fields (rejected later, by count). A lone CR counts
 * as a line break in csv-parse's line numbers: such files are left to csv-parse (tested below).
 */
const cases: [string, string][] = [
  ['plain', 'id,email\n1,a@x.io\n2,b@x.io\n'],
  ['no final newline', 'id,email\n1,a@x.io'],
  ['blank lines before, between and after', '\n\nid,email\n\n1,a@x.io\n\n\n2,b@x.io\n\n'],
  ['whitespace-only and delimiter-only lines', 'id,email\n   \n,\n , \n\t\n1,a@x.io\n'],
  ['empty fields kept', 'id,email,name\n,a@x.io,\n2,,B\n'],
  ['spaces kept inside fields', 'id, email \n 1 , a@x.io \n'],
  ['BOM kept as csv-parse keeps it (decodeUtf8 drops it before)', '\uFEFFid,email\n1,a@x.io\n'],
  ['semicolon', 'id;email;groups\n1;a@x.io;Eng,Core\n'],
  ['tab', 'id\temail\n1\ta@x.io\n\t\n'],
  ['multi-character delimiter', 'id||email\n1||a@x.io\n2|||b@x.io\n'],
  ['non-ASCII', 'id,email,name\n1,zoë@x.io,Zoë Ångström\n2,李@x.io,李雷\n'],
  ['ragged rows', 'id,email\n1\n1,a@x.io,extra\n'],
];

describe('splitUnquoted (files without quotes)', () => {
  it.each(cases)('%s: same records and line numbers as csv-parse', (_, text) => {
    const delimiter = /\|\|/.test(text) ? '||' : text.includes('\t') && !text.includes(',') ? '\t' : text.split('\n').find((l) => l.trim())!.includes(';') ? ';' : ',';
    expect(splitUnquoted(text, delimiter)).toEqual(parseQuoted(text, 'x.csv', delimiter));
  });

  it('is what parseTable uses for a file without quotes, with CRLF read as LF', () => {
    const t = parseTable('id,email\r\n\r\n1,a@x.io\r\n2,b@x.io', '/data/users.csv', ',');
    expect(t).toEqual({
      file: '/data/users.csv',
      label: 'users.csv',
      header: ['id', 'email'],
      rows: [
        { line: 3, fields: ['1', 'a@x.io'] },
        { line: 4, fields: ['2', 'b@x.io'] },
      ],
      delimiter: ',',
      delimiterFrom: 'config',
    });
  });

  it('leaves a file with quotes to csv-parse (a quoted delimiter is one field)', () => {
    const t = parseTable('id,name\n1,"Lee, Ann"\n', 'u.csv', ',');
    expect(t.rows).toEqual([{ line: 2, fields: ['1', 'Lee, Ann'] }]);
    expect(splitUnquoted('id,name\n1,"Lee, Ann"\n', ',')[1]!.fields).toHaveLength(3);
  });

  it('leaves a file with a lone CR to csv-parse, whose line count takes it as a line break', () => {
    const t = parseTable('id,email\n1,a@x.io\rX\n2,b@x.io\n', 'u.csv', ',');
    expect(t.rows).toEqual([
      { line: 3, fields: ['1', 'a@x.io\rX'] },
      { line: 4, fields: ['2', 'b@x.io'] },
    ]);
  });

  it('still rejects a row whose field count differs from the header, naming its line', () => {
    expect(() => parseTable('id,email\n\n1,a@x.io,extra\n', 'u.csv', ',')).toThrow('u.csv:3: row has 3 fields but the header has 2');
  });
});
