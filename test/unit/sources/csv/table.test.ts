import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseTable } from '../../../../src/sources/csv/table.js';

type Rows = [line: number, fields: string[]][];

/**
 * Records and the physical line each starts on, for everything that could shift a line number or a field: blank
 * and whitespace-only lines, records of only delimiters, a missing or doubled final newline, a BOM, multi-character
 * and tab delimiters, non-ASCII text, and quoted delimiters, quotes and line breaks (LF, CRLF, a lone CR).
 * The expectations are what csv-parse gave with the options scimsync used before Papa Parse (checked side by side
 * when the parser changed), except the lone CR noted below.
 */
const cases: [name: string, text: string, delimiter: string | undefined, rows: Rows][] = [
  [
    'plain',
    'id,email\n1,a@x.io\n2,b@x.io\n',
    undefined,
    [
      [2, ['1', 'a@x.io']],
      [3, ['2', 'b@x.io']],
    ],
  ],
  ['no final newline', 'id,email\n1,a@x.io', undefined, [[2, ['1', 'a@x.io']]]],
  [
    'blank lines before, between and after',
    '\n\nid,email\n\n1,a@x.io\n\n\n2,b@x.io\n\n',
    undefined,
    [
      [5, ['1', 'a@x.io']],
      [8, ['2', 'b@x.io']],
    ],
  ],
  ['whitespace-only and delimiter-only lines', 'id,email\n   \n,\n , \n\t\n1,a@x.io\n', ',', [[6, ['1', 'a@x.io']]]],
  [
    'empty fields kept',
    'id,email,name\n,a@x.io,\n2,,B\n',
    undefined,
    [
      [2, ['', 'a@x.io', '']],
      [3, ['2', '', 'B']],
    ],
  ],
  ['spaces kept inside fields', 'id, email \n 1 , a@x.io \n', undefined, [[2, [' 1 ', ' a@x.io ']]]],
  ['a BOM left in the text (decodeCsv drops it before)', '\uFEFFid,email\n1,a@x.io\n', undefined, [[2, ['1', 'a@x.io']]]],
  ['semicolon', 'id;email;groups\n1;a@x.io;Eng,Core\n', undefined, [[2, ['1', 'a@x.io', 'Eng,Core']]]],
  ['tab', 'id\temail\n1\ta@x.io\n\t\n', undefined, [[2, ['1', 'a@x.io']]]],
  [
    'multi-character delimiter',
    'id||email\n1||a@x.io\n2||b@x.io\n',
    '||',
    [
      [2, ['1', 'a@x.io']],
      [3, ['2', 'b@x.io']],
    ],
  ],
  [
    'non-ASCII',
    'id,email,name\n1,zoë@x.io,Zoë Ångström\n2,李@x.io,李雷\n',
    undefined,
    [
      [2, ['1', 'zoë@x.io', 'Zoë Ångström']],
      [3, ['2', '李@x.io', '李雷']],
    ],
  ],
  [
    'quoted delimiters, CRLF and LF inside quotes, doubled quotes, an empty quoted field',
    'id,name,email\n1,"Lee, Ann",a@x.io\n\n2,"Two\r\nlines\n""q""",b@x.io\r\n3,"",c@x.io\n',
    undefined,
    [
      [2, ['1', 'Lee, Ann', 'a@x.io']],
      [4, ['2', 'Two\nlines\n"q"', 'b@x.io']],
      [7, ['3', '', 'c@x.io']],
    ],
  ],
  [
    'CRLF read as LF',
    'id,email\r\n\r\n1,a@x.io\r\n2,b@x.io',
    undefined,
    [
      [3, ['1', 'a@x.io']],
      [4, ['2', 'b@x.io']],
    ],
  ],
];

describe('parseTable', () => {
  // A file without quotes or CRs is split by parseTable itself, not by Papa Parse: the same records, on the
  // same lines, as Papa Parse's own splitting of it (one record per line) with blank records dropped.
  it.each(cases.filter(([, text]) => !/["\r]/.test(text)))('%s: split as Papa Parse splits it', (_, text, delimiter) => {
    const t = parseTable(text, 'u.csv', delimiter);
    const papa = Papa.parse<string[]>(text, { delimiter: t.delimiter, newline: '\n', header: false }).data;
    const [header, ...rows] = papa.map((fields, i) => ({ line: i + 1, fields })).filter(({ fields }) => fields.some((f) => f.trim() !== ''));
    expect(t.header).toEqual(header?.fields.map((h) => h.trim()) ?? []);
    expect(t.rows).toEqual(rows);
  });

  it('splits a one-column file (no delimiter anywhere) and a multi-character delimiter with empty fields', () => {
    expect(parseTable('email\na@x.io\n\nb@x.io', 'u.csv', ',').rows).toEqual([
      { line: 2, fields: ['a@x.io'] },
      { line: 4, fields: ['b@x.io'] },
    ]);
    expect(parseTable('a::b::c\n1::2::\n3::::4\n', 'u.csv', '::').rows).toEqual([
      { line: 2, fields: ['1', '2', ''] },
      { line: 3, fields: ['3', '', '4'] },
    ]);
  });

  it.each(cases)('%s: the records and the line each starts on', (_, text, delimiter, rows) => {
    const t = parseTable(text, '/data/users.csv', delimiter);
    expect(t.rows.map((r) => [r.line, r.fields])).toEqual(rows);
    expect(t.label).toBe('users.csv');
  });

  it('counts a lone CR as a line break, as an editor shows it: the record starts on its own line, the next one after the CR', () => {
    // csv-parse said line 3 for the first record here: it took the CR as a break but did not subtract it.
    for (const text of ['id,email\n1,a@x.io\rX\n2,b@x.io\n', 'id,email\n1,"a@x.io\rX"\n2,b@x.io\n']) {
      expect(parseTable(text, 'u.csv', ',').rows).toEqual([
        { line: 2, fields: ['1', 'a@x.io\rX'] },
        { line: 4, fields: ['2', 'b@x.io'] },
      ]);
    }
  });

  it('keeps a quote inside an unquoted field as text (it shifts no column; a shifted row still fails the field count)', () => {
    expect(parseTable('id,name\n1,Ann "Bo" Lee\n', 'u.csv', ',').rows).toEqual([{ line: 2, fields: ['1', 'Ann "Bo" Lee'] }]);
    expect(() => parseTable('id,name\n1,x"y,z"\n', 'u.csv', ',')).toThrow('u.csv:2: row has 3 fields but the header has 2');
  });

  it('stops at text after a closing quote, naming its line', () => {
    expect(() => parseTable('a,b\n1,"x"\n\n2,"y"z\n3,4\n', 'u.csv', ',')).toThrow(/^u\.csv:4: cannot parse CSV: Trailing quote on quoted field is malformed/);
  });

  it('stops at an unclosed quote, naming where the file ends and the line that opened it', () => {
    expect(() => parseTable('a,b\n1,"x\n2,y\n\n', 'u.csv', ',')).toThrow(
      'u.csv:3: cannot parse CSV: Quote Not Closed: the file ends inside a quoted field opened on line 2',
    );
  });

  it('rejects a row whose field count differs from the header, naming its line', () => {
    expect(() => parseTable('id,email\n\n1,a@x.io,extra\n', 'u.csv', ',')).toThrow('u.csv:3: row has 3 fields but the header has 2');
  });
});
