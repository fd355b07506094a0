import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSource } from '../../../../src/sources/csv/index.js';
import { DEFAULT_STATUS_VALUES, statusTable } from '../../../../src/sources/csv/status.js';
import type { StatusValues } from '../../../../src/sources/csv/status.js';

const COLUMNS = { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'Status', groups: 'groups' };
let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-status-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(rows: string[], statusValues?: StatusValues) {
  const users = join(dir, `users-${++files}.csv`);
  await writeFile(users, ['id,email,Status', ...rows].join('\n') + '\n');
  return createCsvSource({ type: 'csv', users, columns: COLUMNS, delimiter: ',', encoding: 'utf-8', ...(statusValues ? { statusValues } : {}) }).read();
}

describe('the CSV status column (source.statusValues)', () => {
  it("reads an HR export's own words by default, trimmed and in any case; empty is active", async () => {
    const words = ['Employed', ' CURRENT ', 'enabled', '', 'Terminated', 'Leaver', 'left', 'Former', 'suspended', 'Deactivated', 'DISABLED', 'Inactive'];
    const snap = await read(words.map((w, i) => `E${i},p${i}@example.com,${w}`));
    expect(snap.skipped).toEqual([]);
    expect(snap.users.map((u) => u.active)).toEqual([true, true, true, true, false, false, false, false, false, false, false, false]);
  });

  it('an unmapped value is skipped with file:line, the email and id it names, and the fix; the email is quarantined', async () => {
    const snap = await read(['E1,ann@example.com,On Leave', 'E2,bob@example.com,yes']);
    expect(snap.users.map((u) => u.email)).toEqual(['bob@example.com']);
    expect(snap.quarantined).toEqual(['ann@example.com']);
    expect(snap.skipped).toEqual([
      {
        entry: expect.stringMatching(/^users-.*\.csv:2$/) as unknown as string,
        reason: 'unknown status "On Leave" in column Status',
        email: 'ann@example.com',
        sourceId: 'E1',
        fix: 'map it in source.statusValues: add "on leave" under active or inactive',
      },
    ]);
  });

  it('configured values extend the defaults (case-insensitive, trimmed) and win over a built-in value', async () => {
    const snap = await read(['E1,ann@example.com,On Leave', 'E2,bob@example.com,Sabbatical', 'E3,cat@example.com,Suspended', 'E4,dan@example.com,no'], {
      active: [' ON LEAVE ', 'suspended'],
      inactive: ['sabbatical'],
    });
    expect(snap.skipped).toEqual([]);
    expect(snap.users.map((u) => [u.email, u.active])).toEqual([
      ['ann@example.com', true],
      ['bob@example.com', false],
      ['cat@example.com', true],
      ['dan@example.com', false],
    ]);
  });

  it('the built-in lists are disjoint, and an empty cell stays active whatever is configured', () => {
    const active = new Set<string>(DEFAULT_STATUS_VALUES.active);
    expect(DEFAULT_STATUS_VALUES.inactive.filter((v) => active.has(v))).toEqual([]);
    expect(statusTable({ active: [], inactive: ['x'] }).get('')).toBe(true);
  });
});
