/**
 * The benchmarks' organisation at scale: USERS people, each in PER_USER of GROUPS groups, as a users.csv
 * (the source) and as an emulator seed (the target already in step with it).
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const email = (i: number): string => `user${String(i).padStart(6, '0')}@example.com`;
export const groupName = (g: number): string => `group-${String(g).padStart(4, '0')}`;

export interface Shape {
  readonly users: number;
  readonly groups: number;
  readonly perUser: number;
}

/** User i is in groups i, i+k, … (mod groups): every group gets users*perUser/groups members. */
export function groupsOf(s: Shape, i: number): number[] {
  return Array.from({ length: s.perUser }, (_, k) => (i + k * Math.ceil(s.groups / s.perUser)) % s.groups);
}

/** Changes to the organisation beyond leavers: people who joined (indices from `users` on), people whose groups changed. */
export interface Edits {
  readonly joiners?: number;
  readonly regrouped?: ReadonlyMap<number, readonly number[]>;
}

/**
 * users.csv without the people in `leavers`, with `edits`. Written beside and renamed into place, so that a
 * daemon reading the file while a benchmark changes it sees the old file or the new one, never half of one.
 */
export async function writeUsersCsv(dir: string, s: Shape, leavers: ReadonlySet<number> = new Set(), edits: Edits = {}): Promise<void> {
  const csv = ['id,email,givenName,familyName,groups'];
  for (let i = 0; i < s.users + (edits.joiners ?? 0); i++) {
    if (leavers.has(i)) continue;
    const groups = edits.regrouped?.get(i) ?? groupsOf(s, i);
    csv.push(`E${i},${email(i)},Given${i},Family${i},${groups.map(groupName).join(';')}`);
  }
  const path = join(dir, 'users.csv');
  await writeFile(`${path}.tmp`, csv.join('\n') + '\n');
  await rename(`${path}.tmp`, path);
}

/** seed.json for `scimsync emulator --seed`: the same people and memberships, already there. */
export async function writeSeed(dir: string, s: Shape): Promise<string> {
  const members: string[][] = Array.from({ length: s.groups }, () => []);
  for (let i = 0; i < s.users; i++) for (const g of groupsOf(s, i)) members[g]!.push(email(i));
  const path = join(dir, 'seed.json');
  await writeFile(
    path,
    JSON.stringify({
      users: Array.from({ length: s.users }, (_, i) => ({ userName: email(i), givenName: `Given${i}`, familyName: `Family${i}` })),
      groups: members.map((m, g) => ({ displayName: groupName(g), members: m })),
    }),
  );
  return path;
}
