import { type SkippedEntry, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import type { CsvSourceConfig } from '../../config/index.js';
import { statusTable, unknownStatus, type StatusTable } from './status.js';
import { findColumn, missingColumn, type CsvTable } from './table.js';

/** A user row that passed its own checks, before cross-row (duplicate) checks. */
interface Candidate {
  readonly line: number;
  readonly user: SourceUser;
  readonly groups: readonly string[];
}

export interface UsersResult {
  readonly users: readonly SourceUser[];
  /** Group names from the groups column, per kept user (by email), in file order. */
  readonly columnGroups: ReadonlyMap<string, { readonly names: readonly string[]; readonly origin: string }>;
  readonly skipped: readonly (SkippedEntry & { readonly line: number })[];
  readonly quarantined: ReadonlySet<string>;
  /** Every email the file names (kept, skipped or quarantined), so the groups file can tell "not in users file". */
  readonly emailsInFile: ReadonlySet<string>;
}

type Columns = CsvSourceConfig['columns'];
const DEFAULT_COLUMNS: Columns = { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' };

/** Maps the configured column names to header indexes. Only `email` is required, plus any renamed column. */
function mapColumns(table: CsvTable, columns: Columns): Record<keyof Columns, number> {
  const out = {} as Record<keyof Columns, number>;
  for (const key of Object.keys(DEFAULT_COLUMNS) as (keyof Columns)[]) {
    const name = columns[key];
    const index = findColumn(table, name);
    // A column the user renamed in the config was asked for on purpose: its absence is a mistake, not "optional".
    if (index === -1 && (key === 'email' || name !== DEFAULT_COLUMNS[key])) {
      throw missingColumn(table, name, `set source.columns.${key} to the header of that column (or fix the export)`);
    }
    out[key] = index;
  }
  return out;
}

/** Splits `a; b;;c` into trimmed, non-empty group names. */
export function splitGroups(cell: string): string[] {
  return cell
    .split(';')
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
}

/**
 * Turns the users table into SourceUsers. Pure. A bad row is skipped with its `file:line` and reason, and the
 * email (and id) it names is quarantined, so the plan neither creates nor deletes that person on bad data.
 */
export function buildUsers(table: CsvTable, columns: Columns, status: StatusTable = statusTable()): UsersResult {
  const col = mapColumns(table, columns);
  const cell = (fields: readonly string[], i: number): string => (i === -1 ? '' : (fields[i] ?? ''));
  const skipped: (SkippedEntry & { line: number })[] = [];
  const quarantined = new Map<string, number>(); // email → first line that made it suspect
  const emailsInFile = new Set<string>();
  const candidates: Candidate[] = [];
  const skip: Skip = (line, reason, email, more = {}): void => {
    skipped.push({ entry: `${table.label}:${line}`, reason, line, ...(email !== undefined ? { email } : {}), ...more });
    if (email !== undefined && !quarantined.has(email)) quarantined.set(email, line);
  };

  for (const { line, fields } of table.rows) {
    const rawEmail = cell(fields, col.email).trim();
    if (rawEmail === '') {
      skip(line, 'missing email');
      continue;
    }
    const email = normalizeEmail(rawEmail);
    emailsInFile.add(email);
    if (!isValidEmail(email)) {
      skip(line, `invalid email "${rawEmail}"`, email);
      continue;
    }
    const id = cell(fields, col.id).trim();
    const rawActive = cell(fields, col.active).trim();
    const active = status.get(rawActive.toLowerCase());
    if (active === undefined) {
      const { reason, fix } = unknownStatus(rawActive, columns.active);
      // The id too: a managed user whose email changed on this same unreadable row is held, not "left".
      skip(line, reason, email, { fix, ...(id !== '' ? { sourceId: id } : {}) });
      continue;
    }
    candidates.push({
      line,
      user: {
        sourceId: id === '' ? email : id,
        email,
        givenName: cell(fields, col.givenName).trim(),
        familyName: cell(fields, col.familyName).trim(),
        active,
        origin: `${table.label}:${line}`,
      },
      groups: splitGroups(cell(fields, col.groups)),
    });
  }

  const afterEmail = dropDuplicateEmails(candidates, skip, table.label);
  const afterId = dropConflictingIds(afterEmail, skip);
  const kept: Candidate[] = [];
  for (const c of afterId) {
    const badLine = quarantined.get(c.user.email);
    if (badLine === undefined) kept.push(c);
    else skip(c.line, `email ${c.user.email} is quarantined: ${table.label}:${badLine} names it too and is invalid`, c.user.email, { sourceId: c.user.sourceId });
  }

  skipped.sort((a, b) => a.line - b.line);
  const columnGroups = new Map(kept.map((c) => [c.user.email, { names: c.groups, origin: c.user.origin }] as const));
  return { users: kept.map((c) => c.user), columnGroups, skipped, quarantined: new Set(quarantined.keys()), emailsInFile };
}

type Skip = (line: number, reason: string, email?: string, more?: Pick<SkippedEntry, 'sourceId' | 'fix'>) => void;

function sameData(a: Candidate, b: Candidate): boolean {
  const u = a.user;
  const v = b.user;
  return (
    u.sourceId === v.sourceId &&
    u.givenName === v.givenName &&
    u.familyName === v.familyName &&
    u.active === v.active &&
    [...a.groups].sort().join('\n') === [...b.groups].sort().join('\n')
  );
}

/** Identical repeats are kept once; rows that disagree about one email are all dropped and quarantined. */
function dropDuplicateEmails(candidates: readonly Candidate[], skip: Skip, label: string): Candidate[] {
  const byEmail = groupBy(candidates, (c) => c.user.email);
  return candidates.filter((c) => {
    const same = byEmail.get(c.user.email) ?? [c];
    const first = same[0] ?? c;
    if (same.length === 1) return true;
    if (same.every((o) => sameData(o, first))) {
      if (c === first) return true;
      skip(c.line, `duplicate of ${label}:${first.line} (identical row, kept once)`);
      return false;
    }
    const lines = same.map((o) => o.line).join(', ');
    skip(c.line, `email ${c.user.email} appears on lines ${lines} with different data`, c.user.email, { sourceId: c.user.sourceId });
    return false;
  });
}

/** One source id naming two people is a broken export: neither row can be trusted. */
function dropConflictingIds(candidates: readonly Candidate[], skip: Skip): Candidate[] {
  const byId = groupBy(candidates, (c) => c.user.sourceId);
  return candidates.filter((c) => {
    const same = byId.get(c.user.sourceId) ?? [c];
    if (same.length === 1) return true;
    const lines = same.map((o) => o.line).join(', ');
    skip(c.line, `id "${c.user.sourceId}" is used for different emails on lines ${lines}`, c.user.email, { sourceId: c.user.sourceId });
    return false;
  });
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
