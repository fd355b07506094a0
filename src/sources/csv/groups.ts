import { type SkippedEntry, type SourceGroup, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import { findColumn, missingColumn, type CsvTable } from './table.js';
import { splitGroups, type UsersResult } from './users.js';

interface Group {
  readonly name: string;
  readonly origin: string;
  readonly members: string[];
  index?: Set<string>;
}

/** How many distinct groups-column values are remembered, resolved (bounds the memory a file of all-different values takes). */
const CELLS_KEPT = 10_000;

/**
 * Accumulates groups by case-insensitive name, keeping the first spelling and origin seen. Members are a
 * list, not a Set: the groups column can never repeat a member (one row per email, names deduplicated per
 * row), so only the groups file needs a membership check, and a Set per group is built for it on first use.
 * At 100,000 users in 1,000 groups, growing a Set per group cost about half a second of CPU.
 */
class GroupBuilder {
  private readonly groups = new Map<string, Group>();
  /**
   * A groups-column value → its groups, resolved by the first row that has it. An export repeats a few
   * values (a team's groups) on many rows; resolving each name of each row (a split, a lower-cased copy and
   * a hash per name) was most of the cost of building groups at 100,000 users.
   */
  private readonly cells = new Map<string, readonly Group[]>();

  private group(name: string, origin: string, key = name.toLowerCase()): Group {
    let g = this.groups.get(key);
    if (!g) {
      g = { name, origin, members: [] };
      this.groups.set(key, g);
    }
    return g;
  }

  /**
   * The groups column of one kept user: each of its groups once, whatever the case of the names. A group
   * is made by the first row that names it, whether or not that row's value was resolved before.
   */
  addRow(cell: string, origin: string, email: string | undefined): void {
    let groups = this.cells.get(cell);
    if (groups === undefined) {
      groups = this.resolve(splitGroups(cell), origin);
      if (this.cells.size < CELLS_KEPT) this.cells.set(cell, groups);
    }
    if (email === undefined) return;
    for (const g of groups) {
      g.members.push(email);
      g.index?.add(email);
    }
  }

  private resolve(names: readonly string[], origin: string): Group[] {
    const lowers = names.map((n) => n.toLowerCase());
    const out: Group[] = [];
    for (let i = 0; i < names.length; i++) {
      if (lowers.indexOf(lowers[i]!) === i) out.push(this.group(names[i]!, origin, lowers[i]));
    }
    return out;
  }

  /** One row of the groups file: the member may already be there (from the column or an earlier row). */
  add(name: string, origin: string, email: string | undefined): void {
    const g = this.group(name, origin);
    if (email === undefined) return;
    g.index ??= new Set(g.members);
    if (g.index.has(email)) return;
    g.index.add(email);
    g.members.push(email);
  }

  build(): SourceGroup[] {
    return [...this.groups.values()].map((g) => ({ name: g.name, origin: g.origin, members: g.members }));
  }
}

export interface GroupsResult {
  readonly groups: readonly SourceGroup[];
  readonly skipped: readonly (SkippedEntry & { readonly line: number })[];
}

/**
 * Merges groups from the users' groups column and the optional groups file (`group,email` rows). Members are
 * only active, kept users: an inactive or quarantined person is never a desired member. Pure.
 */
export function buildGroups(users: UsersResult, groupsTable: CsvTable | undefined): GroupsResult {
  const builder = new GroupBuilder();
  for (const { user, groupsCell } of users.kept) {
    builder.addRow(groupsCell, user.origin, user.active ? user.email : undefined);
  }

  const skipped: (SkippedEntry & { line: number })[] = [];
  if (groupsTable) {
    if (groupsTable.header.length === 0) throw missingColumn(groupsTable, 'group', 'the groups file needs a header row: group,email');
    // Only the groups file names members by email: the column above knew each row's user already.
    const byEmail = new Map<string, SourceUser>(users.users.map((u) => [u.email, u]));
    const isMember = (email: string): boolean => byEmail.get(email)?.active === true;
    const gi = findColumn(groupsTable, 'group');
    const ei = findColumn(groupsTable, 'email');
    if (gi === -1) throw missingColumn(groupsTable, 'group', 'the groups file needs a header row: group,email');
    if (ei === -1) throw missingColumn(groupsTable, 'email', 'the groups file needs a header row: group,email');
    for (const { line, fields } of groupsTable.rows) {
      const origin = `${groupsTable.label}:${line}`;
      const skip = (reason: string): void => void skipped.push({ entry: origin, reason, line });
      const name = (fields[gi] ?? '').trim();
      const rawEmail = (fields[ei] ?? '').trim();
      if (name === '') {
        skip('missing group name');
        continue;
      }
      if (rawEmail === '') {
        skip('missing email');
        continue;
      }
      const email = normalizeEmail(rawEmail);
      if (!isValidEmail(email)) {
        skip(`invalid email "${rawEmail}"`);
        continue;
      }
      if (!users.emailsInFile.has(email)) {
        skip('not in users file');
        continue;
      }
      builder.add(name, origin, isMember(email) ? email : undefined);
    }
  }
  return { groups: builder.build(), skipped };
}
