import { type SkippedEntry, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import type { CsvSourceConfig } from '../../config/index.js';
import { statusTable, unknownStatus, type StatusTable } from './status.js';
import { findColumn, missingColumn, type CsvTable } from './table.js';

/** A user row that passed its own checks, before cross-row (duplicate) checks. */
export interface Candidate {
  readonly line: number;
  readonly user: SourceUser;
  /**
   * The groups column as written (`a; b`): split by buildGroups, whose names then die young. Split here,
   * 100,000 rows' lists of names outlived every young-generation GC of the read and were copied by each.
   */
  readonly groupsCell: string;
}

export interface UsersResult {
  readonly users: readonly SourceUser[];
  /** The kept users with their groups column, in file order. */
  readonly kept: readonly Candidate[];
  readonly skipped: readonly (SkippedEntry & { readonly line: number })[];
  readonly quarantined: ReadonlySet<string>;
  /** Every email the file names (kept, skipped or quarantined), so the groups file can tell "not in users file". */
  readonly emailsInFile: { has(email: string): boolean };
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
  const out: string[] = [];
  for (const g of cell.split(';')) {
    const t = g.trim();
    if (t.length > 0) out.push(t);
  }
  return out;
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
  // Every email the file names, and those named by more than one row (rare): one Set insertion per row (a
  // Set that did not grow already had the email). Only when some email repeats are the rows walked again.
  const named = new Set<string>();
  const repeated = new Set<string>();
  const candidates: Candidate[] = [];
  // Every candidate's user, in the same order: `users` when no row is dropped afterwards (the usual case).
  const users: SourceUser[] = [];
  const origin = `${table.label}:`;
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
    if (!addedNew(named, email)) repeated.add(email);
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
    const user: SourceUser = {
      sourceId: id === '' ? email : id,
      email,
      givenName: cell(fields, col.givenName).trim(),
      familyName: cell(fields, col.familyName).trim(),
      active,
      origin: origin + line,
    };
    const c: Candidate = { line, user, groupsCell: cell(fields, col.groups) };
    candidates.push(c);
    users.push(user);
  }

  // Emails on two or more valid rows (a repeat may also be an invalid row's): all of those rows, in file order.
  const sameEmail = repeated.size === 0 ? undefined : holders(candidates, (c) => c.user.email, repeated);
  const afterEmail = sameEmail === undefined || sameEmail.size === 0 ? candidates : dropDuplicateEmails(candidates, sameEmail, skip, table.label);
  const afterId = dropConflictingIds(afterEmail, skip);
  const kept = quarantined.size === 0 ? afterId : dropQuarantined(afterId, quarantined, skip, table.label);

  skipped.sort((a, b) => a.line - b.line);
  return { users: kept === candidates ? users : kept.map((c) => c.user), kept, skipped, quarantined: new Set(quarantined.keys()), emailsInFile: named };
}

/** A valid row whose email an invalid row also names is held with it: neither can be trusted. */
function dropQuarantined(candidates: readonly Candidate[], quarantined: ReadonlyMap<string, number>, skip: Skip, label: string): Candidate[] {
  return candidates.filter((c) => {
    const badLine = quarantined.get(c.user.email);
    if (badLine === undefined) return true;
    skip(c.line, `email ${c.user.email} is quarantined: ${label}:${badLine} names it too and is invalid`, c.user.email, { sourceId: c.user.sourceId });
    return false;
  });
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
    splitGroups(a.groupsCell).sort().join('\n') === splitGroups(b.groupsCell).sort().join('\n')
  );
}

/** Identical repeats are kept once; rows that disagree about one email are all dropped and quarantined. */
function dropDuplicateEmails(candidates: readonly Candidate[], sameEmail: ReadonlyMap<string, readonly Candidate[]>, skip: Skip, label: string): Candidate[] {
  return candidates.filter((c) => {
    const same = sameEmail.get(c.user.email);
    if (same === undefined) return true;
    const first = same[0]!;
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
function dropConflictingIds(candidates: readonly Candidate[], skip: Skip): readonly Candidate[] {
  const byId = duplicatesBy(candidates, (c) => c.user.sourceId);
  if (byId.size === 0) return candidates;
  return candidates.filter((c) => {
    const same = byId.get(c.user.sourceId);
    if (same === undefined) return true;
    const lines = same.map((o) => o.line).join(', ');
    skip(c.line, `id "${c.user.sourceId}" is used for different emails on lines ${lines}`, c.user.email, { sourceId: c.user.sourceId });
    return false;
  });
}

/**
 * The items that share their key with another, by key: lists only for the (rare) duplicates. The common case,
 * no duplicates, costs one Set insertion per item (a Set that did not grow had the key already).
 */
function duplicatesBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const it of items) {
    const k = key(it);
    if (!addedNew(seen, k)) repeated.add(k);
  }
  return repeated.size === 0 ? new Map() : holders(items, key, repeated);
}

/** Adds `key`; false when the set had it already (one Set operation, not a lookup and an insert). */
function addedNew(set: Set<string>, key: string): boolean {
  const size = set.size;
  return set.add(key).size > size;
}

/** For each key in `keys` held by two or more items: those items, in order. */
function holders<T>(items: readonly T[], key: (t: T) => string, keys: ReadonlySet<string>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (!keys.has(k)) continue;
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  for (const [k, list] of out) if (list.length < 2) out.delete(k);
  return out;
}
