import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
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

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

// csv-parse's types say on_record returns a record (string[]); it may return any value, which it then emits.
const keepLineNumber = ((record: string[], context: { lines: number }): ParsedRecord => ({
  record,
  info: { lines: context.lines },
})) as unknown as (record: string[]) => string[];

/**
 * RFC 4180 parse of a whole file. Quoting errors and rows whose field count differs from the header stop the
 * read: a shifted column would put a name where an email belongs. Blank and all-empty rows are ignored.
 * Without a configured delimiter, the header's decides (`,` `;` tab `|`).
 */
export function parseTable(text: string, file: string, configured?: string): CsvTable {
  const delimiterFrom = configured === undefined ? 'header' : 'config';
  const delimiter = configured ?? detectDelimiter(text.replace(/^\s*\n/, '')).delimiter;
  // CRLF → LF first: csv-parse counts a CRLF inside a quoted field as two lines, which would shift every
  // later line number. A line break inside a name is kept (as LF); any other byte is untouched.
  const lf = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  // A lone CR left after that is a line break to csv-parse's line count: such rare files go there too.
  const records = lf.includes('"') || lf.includes('\r') ? parseQuoted(lf, file, delimiter) : splitUnquoted(lf, delimiter);
  const [first, ...rest] = records;
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
 * A file without a single double quote (nor a lone CR) has no quoted field, so each line is a record and each delimiter
 * ends a field: what csv-parse returns with the options below (tested), for a fifth of the CPU (100,000
 * rows: about 1 s in csv-parse, the largest single cost of a no-op plan, against 0.2 s). Empty lines and
 * all-empty records are skipped as there.
 */
export function splitUnquoted(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const fields = l.split(delimiter);
    if (fields.every((f) => f.trim() === '')) continue;
    rows.push({ line: i + 1, fields });
  }
  return rows;
}

/** csv-parse, for files with quotes: quoted delimiters, line breaks and doubled quotes. */
export function parseQuoted(text: string, file: string, delimiter: string): CsvRow[] {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter,
      // Keep only the line number of each record: `info: true` would retain a whole info object per row
      // (about 1 KB each: hundreds of MB for a 100,000-row export).
      on_record: keepLineNumber,
      record_delimiter: '\n',
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new SourceError(`${file}:${e.lines ?? '?'}: cannot parse CSV: ${e.message}`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'a field holding the delimiter, a quote or a line break must be in double quotes, with inner quotes doubled ("")',
      cause: err,
    });
  }
  return records.map((r) => ({ line: startLine(r), fields: r.record }));
}

/** csv-parse reports the line a record ends on; subtract the line breaks inside quoted fields. */
function startLine(r: ParsedRecord): number {
  let breaks = 0;
  for (const f of r.record) for (let i = f.indexOf('\n'); i !== -1; i = f.indexOf('\n', i + 1)) breaks++;
  return r.info.lines - breaks;
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
