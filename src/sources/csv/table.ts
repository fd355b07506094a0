import { basename } from 'node:path';
import Papa from 'papaparse';
import { SourceError } from '../../errors.js';

export interface CsvRow {
  /** Physical line in the file where the record starts (1-based). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvTable {
  readonly file: string;
  /** `users.csv`: how entries are named in skipped lists (`users.csv:12`). */
  readonly label: string;
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
  /** The delimiter the file was read with, and whether it came from `source.delimiter` or the header. */
  readonly delimiter: string;
  readonly delimiterFrom: 'config' | 'header';
}

/** What `source.delimiter` may be detected as, in order of preference on a tie. */
const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * The delimiter a header line uses: the candidate that occurs most often outside double quotes (a header
 * names columns, so it holds no stray delimiters). A one-column header has none: `,`.
 */
export function detectDelimiter(text: string): { readonly delimiter: string; readonly count: number } {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: { delimiter: string; count: number } = { delimiter: ',', count: 0 };
  for (const c of CANDIDATES) {
    const n = counts.get(c) ?? 0;
    if (n > best.count) best = { delimiter: c, count: n };
  }
  return best;
}

/** How a delimiter is written in the config (`"\t"` for a tab). */
export function showDelimiter(d: string): string {
  return JSON.stringify(d);
}

/**
 * RFC 4180 parse of a whole file. Quoting errors and rows whose field count differs from the header stop the
 * read: a shifted column would put a name where an email belongs. Blank and all-empty rows are ignored.
 * Without a configured delimiter, the header's decides (`,` `;` tab `|`).
 */
export function parseTable(text: string, file: string, configured?: string): CsvTable {
  const delimiterFrom = configured === undefined ? 'header' : 'config';
  const delimiter = configured ?? detectDelimiter(text.replace(/^\s*\n/, '')).delimiter;
  // CRLF → LF first, so that one line break is one character whether or not it sits inside quotes.
  const records = parseRecords(text.includes('\r') ? text.replace(/\r\n/g, '\n') : text, file, delimiter);
  // shift, not `[first, ...rest]`: V8 trims the array's start in place instead of copying 100,000 rows.
  const first = records.shift();
  const rest = records;
  if (!first) return { file, label: basename(file), header: [], rows: [], delimiter, delimiterFrom };
  const header = first.fields.map((h) => h.trim());
  for (const r of rest) {
    if (r.fields.length !== header.length) {
      throw new SourceError(`${file}:${r.line}: row has ${r.fields.length} fields but the header has ${header.length}`, {
        code: 'SCIMSYNC_SOURCE_INVALID',
        fix: `quote fields that contain the delimiter ${showDelimiter(delimiter)}, or fix the export so every row has the header's columns`,
      });
    }
  }
  return { file, label: basename(file), header, rows: rest, delimiter, delimiterFrom };
}

/**
 * RFC 4180 records with the physical line each starts on. Papa Parse (measured against csv-parse at 100,000 rows:
 * about a third of its time; it splits a file without quotes by line and delimiter itself) keeps empty lines as
 * records, so the lines follow from the records: one per record plus the line breaks inside its quoted fields
 * (a lone CR counts as one, as an editor shows it). Blank and all-empty records are then dropped.
 */
function parseRecords(text: string, file: string, delimiter: string): CsvRow[] {
  if (!text.includes('"') && !text.includes('\r') && !Papa.BAD_DELIMITERS.includes(delimiter)) return splitRecords(text, delimiter);
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: '\n', skipEmptyLines: false, header: false, dynamicTyping: false });
  const problem = parsed.errors[0];
  if (problem) throw quoteError(text, file, problem);
  const rows: CsvRow[] = [];
  let line = 1;
  for (const fields of parsed.data) {
    const start = line++;
    let empty = true;
    for (const f of fields) {
      if (empty && f.trim() !== '') empty = false;
      line += lineBreaks(f);
    }
    if (!empty) rows.push({ line: start, fields });
  }
  return rows;
}

/**
 * What Papa Parse does to a file without quotes (its fast mode: split by line, then by delimiter), with the
 * blank-row drop of parseRecords, without a string per line, an array of all lines and a second pass to
 * count lines: without quotes or CRs no field holds a line break, so record i starts on line i + 1.
 */
function splitRecords(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  if (text === '') return rows;
  const step = delimiter.length;
  // The next delimiter at or after `from`, searched again only once passed (-1: none left), so a line
  // without one does not scan the rest of the file.
  let next = text.indexOf(delimiter);
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const fields: string[] = [];
    let empty = true;
    for (let from = start; ;) {
      if (next !== -1 && next < from) next = text.indexOf(delimiter, from);
      const to = next === -1 || next > end ? end : next;
      const f = text.slice(from, to);
      if (empty && f.trim() !== '') empty = false;
      fields.push(f);
      if (to === end) break;
      from = to + step;
    }
    if (!empty) rows.push({ line, fields });
    start = end + 1;
  }
  return rows;
}

function lineBreaks(field: string): number {
  let n = 0;
  for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  for (let i = field.indexOf('\r'); i !== -1; i = field.indexOf('\r', i + 1)) n++;
  return n;
}

/** Papa Parse reads past a bad quote; scimsync stops there, naming the line (an unclosed quote: also where the file ends). */
function quoteError(text: string, file: string, problem: Papa.ParseError): SourceError {
  const lineOf = (index: number): number => lineBreaks(text.slice(0, index)) + 1;
  const at = lineOf(problem.index ?? 0);
  const message =
    problem.code === 'MissingQuotes'
      ? `${file}:${lineOf(text.trimEnd().length)}: cannot parse CSV: Quote Not Closed: the file ends inside a quoted field opened on line ${at}`
      : `${file}:${at}: cannot parse CSV: ${problem.message} (a closing quote must be followed by the delimiter or the end of the line)`;
  return new SourceError(message, {
    code: 'SCIMSYNC_SOURCE_INVALID',
    fix: 'a field holding the delimiter, a quote or a line break must be in double quotes, with inner quotes doubled ("")',
  });
}

/**
 * Index of a header name: exact match first, else a case-insensitive one (HR exports vary in case).
 * Returns -1 when absent; throws when the name is ambiguous.
 */
export function findColumn(table: CsvTable, name: string): number {
  const exact = table.header.indexOf(name);
  if (exact !== -1) {
    if (table.header.indexOf(name, exact + 1) !== -1) throw duplicateColumn(table, name);
    return exact;
  }
  const lower = name.toLowerCase();
  const matches = table.header.flatMap((h, i) => (h.toLowerCase() === lower ? [i] : []));
  if (matches.length > 1) throw duplicateColumn(table, name);
  return matches[0] ?? -1;
}

function duplicateColumn(table: CsvTable, name: string): SourceError {
  return new SourceError(`${table.file}: column "${name}" appears more than once in the header`, {
    code: 'SCIMSYNC_SOURCE_INVALID',
    fix: 'rename or remove the duplicate column in the export',
  });
}

/**
 * A column the config asks for is not in the header. When `source.delimiter` was set and the header is one
 * field that another delimiter would split, that is the problem, not the column name: say so, with that fix.
 */
export function missingColumn(table: CsvTable, name: string, fix: string): SourceError {
  const found = `found: ${table.header.join(', ')}`;
  const other = table.delimiterFrom === 'config' && table.header.length === 1 ? detectDelimiter(table.header[0] ?? '') : undefined;
  if (other && other.count > 0 && other.delimiter !== table.delimiter) {
    const shown = showDelimiter(other.delimiter);
    return new SourceError(
      `${table.file}: column "${name}" not found: the header looks ${shown}-separated, but source.delimiter is ${showDelimiter(table.delimiter)} (${found})`,
      { code: 'SCIMSYNC_SOURCE_INVALID', fix: `set source.delimiter: ${shown}, or remove source.delimiter so it is detected from the header` },
    );
  }
  return new SourceError(`${table.file}: column "${name}" not found in the header (${found})`, {
    code: 'SCIMSYNC_SOURCE_INVALID',
    fix,
  });
}
