import { type SkippedEntry, type SourceGroup, type SourceUser, isValidEmail, normalizeEmail } from '../../model/index.js';
import { findColumn, missingColumn, type CsvTable } from './table.js';
import type { UsersResult } from './users.js';

/** Accumulates groups by case-insensitive name, keeping the first spelling and origin seen. */
class GroupBuilder {
  private readonly groups = new Map<string, { name: string; origin: string; members: Set<string> }>();

  add(name: string, origin: string, email: string | undefined): void {
    const key = name.toLowerCase();
    let g = this.groups.get(key);
    if (!g) {
      g = { name, origin, members: new Set() };
      this.groups.set(key, g);
    }
    if (email !== undefined) g.members.add(email);
  }

  build(): SourceGroup[] {
    return [...this.groups.values()].map((g) => ({ name: g.name, origin: g.origin, members: [...g.members] }));
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
  const byEmail = new Map<string, SourceUser>(users.users.map((u) => [u.email, u]));
  const isMember = (email: string): boolean => byEmail.get(email)?.active === true;

  for (const [email, { names, origin }] of users.columnGroups) {
    for (const name of names) builder.add(name, origin, isMember(email) ? email : undefined);
  }

  const skipped: (SkippedEntry & { line: number })[] = [];
  if (groupsTable) {
    if (groupsTable.header.length === 0) throw missingColumn(groupsTable, 'group', 'the groups file needs a header row: group,email');
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
