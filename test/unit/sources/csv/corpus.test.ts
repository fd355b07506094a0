import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CsvSourceConfig } from '../../../../src/config/index.js';
import { SourceError } from '../../../../src/errors.js';
import type { DesiredSnapshot } from '../../../../src/model/types.js';
import { createCsvSource } from '../../../../src/sources/csv/index.js';

/**
 * The bad-input corpus: one fixture per way an HR export goes wrong. Each case pins the exact outcome, with
 * file and line, and (for snapshots) checks that no skipped or quarantined person is among `users`, which
 * is what keeps a bad row from turning into a deletion.
 */

const DIR = fileURLToPath(new URL('../../../fixtures/csv/', import.meta.url));
const at = (f: string): string => join(DIR, f);

const COLUMNS: CsvSourceConfig['columns'] = { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' };

/** `[email, sourceId, givenName, familyName, active, origin]` */
type U = [string, string, string, string, boolean, string];
interface Outcome {
  users: U[];
  groups?: [name: string, members: string[], origin: string][];
  skipped?: [entry: string, reason: string][];
  quarantined?: string[];
  /** Emails that appear in the file but must not be desired users. */
  absent?: string[];
}
interface Case {
  name: string;
  users: string;
  groups?: string;
  delimiter?: string;
  columns?: Partial<CsvSourceConfig['columns']>;
  expect: Outcome | { error: string; fix?: RegExp };
}

const BAD_ACTIVE = (v: string) => `unknown status "${v}" in column active`;

const CASES: Case[] = [
  {
    name: 'a well-formed export with ids, groups and a leaver',
    users: 'valid-basic.csv',
    expect: {
      users: [
        ['ada@example.com', 'E1', 'Ada', 'Lovelace', true, 'valid-basic.csv:2'],
        ['grace@example.com', 'E2', 'Grace', 'Hopper', true, 'valid-basic.csv:3'],
        ['alan@example.com', 'E3', 'Alan', 'Turing', false, 'valid-basic.csv:4'],
      ],
      groups: [
        ['Engineering', ['ada@example.com', 'grace@example.com'], 'valid-basic.csv:2'],
        ['Admins', ['ada@example.com'], 'valid-basic.csv:2'],
        ['Research', [], 'valid-basic.csv:4'],
      ],
    },
  },
  {
    name: 'UTF-8 BOM before the first header name',
    users: 'bom.csv',
    expect: { users: [['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'bom.csv:2']] },
  },
  {
    name: 'CRLF line ends, a CRLF inside a quoted field, and a bad row after it keeps its physical line',
    users: 'crlf.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada', 'Love\nlace', true, 'crlf.csv:2'],
        ['alan@example.com', 'alan@example.com', 'Alan', 'Turing', true, 'crlf.csv:5'],
      ],
      skipped: [['crlf.csv:4', BAD_ACTIVE('maybe')]],
      quarantined: ['grace@example.com'],
      absent: ['grace@example.com'],
    },
  },
  {
    name: 'quoted commas, quoted newlines and doubled quotes',
    users: 'quoted.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada, Countess', 'Lovelace', true, 'quoted.csv:2'],
        ['grace@example.com', 'grace@example.com', 'Grace\nMurray', 'Hopper "Amazing"', true, 'quoted.csv:3'],
      ],
      groups: [
        ['Eng, Core', ['ada@example.com'], 'quoted.csv:2'],
        ['Admins', ['ada@example.com'], 'quoted.csv:2'],
      ],
      skipped: [['quoted.csv:5', 'invalid email "not-an-email"']],
      quarantined: ['not-an-email'],
    },
  },
  {
    name: 'no header row: the first person is taken as the header and the email column is missing',
    users: 'missing-header.csv',
    expect: {
      error: `${at('missing-header.csv')}: column "email" not found in the header (found: ada@example.com, Ada, Lovelace)`,
      fix: /source\.columns\.email/,
    },
  },
  {
    name: 'headers named differently from the defaults',
    users: 'renamed-columns.csv',
    expect: {
      error: `${at('renamed-columns.csv')}: column "email" not found in the header (found: Mail, First Name, Last Name)`,
      fix: /set source\.columns\.email/,
    },
  },
  {
    name: 'the same headers mapped with source.columns (case-insensitive match)',
    users: 'renamed-columns.csv',
    columns: { email: 'mail', givenName: 'First Name', familyName: 'Last Name' },
    expect: { users: [['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'renamed-columns.csv:2']] },
  },
  {
    name: 'a mapped column that the header does not have',
    users: 'renamed-columns.csv',
    columns: { email: 'Mail', givenName: 'Given' },
    expect: {
      error: `${at('renamed-columns.csv')}: column "Given" not found in the header (found: Mail, First Name, Last Name)`,
      fix: /source\.columns\.givenName/,
    },
  },
  {
    name: 'invalid and missing emails',
    users: 'invalid-email.csv',
    expect: {
      users: [['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'invalid-email.csv:2']],
      skipped: [
        ['invalid-email.csv:3', 'invalid email "bob(at)example.com"'],
        ['invalid-email.csv:4', 'missing email'],
        ['invalid-email.csv:5', 'invalid email "bob@"'],
      ],
      quarantined: ['bob(at)example.com', 'bob@'],
    },
  },
  {
    name: 'duplicate emails: an identical repeat is kept once, a conflicting pair is quarantined',
    users: 'duplicate-email.csv',
    expect: {
      users: [
        ['ada@example.com', 'E1', 'Ada', 'Lovelace', true, 'duplicate-email.csv:2'],
        ['alan@example.com', 'E4', 'Alan', 'Turing', true, 'duplicate-email.csv:6'],
      ],
      skipped: [
        ['duplicate-email.csv:3', 'email grace@example.com appears on lines 3, 5 with different data'],
        ['duplicate-email.csv:4', 'duplicate of duplicate-email.csv:2 (identical row, kept once)'],
        ['duplicate-email.csv:5', 'email grace@example.com appears on lines 3, 5 with different data'],
      ],
      quarantined: ['grace@example.com'],
      absent: ['grace@example.com'],
    },
  },
  {
    name: 'one id for two emails quarantines both',
    users: 'duplicate-id.csv',
    expect: {
      users: [['grace@example.com', 'E2', 'Grace', 'Hopper', true, 'duplicate-id.csv:3']],
      skipped: [
        ['duplicate-id.csv:2', 'id "E1" is used for different emails on lines 2, 4'],
        ['duplicate-id.csv:4', 'id "E1" is used for different emails on lines 2, 4'],
      ],
      quarantined: ['ada.lovelace@example.com', 'ada@example.com'],
      absent: ['ada@example.com', 'ada.lovelace@example.com'],
    },
  },
  {
    name: 'an empty file',
    users: 'empty.csv',
    expect: { error: `${at('empty.csv')}: no users: refusing to treat an empty source as 'everyone left'`, fix: /check the export/ },
  },
  {
    name: 'a header and no rows',
    users: 'header-only.csv',
    expect: { error: `${at('header-only.csv')}: no users: refusing to treat an empty source as 'everyone left'`, fix: /check the export/ },
  },
  {
    name: 'every row bad is still an empty source',
    users: 'all-rows-bad.csv',
    expect: { error: `${at('all-rows-bad.csv')}: no usable users: all 2 rows were skipped (first: all-rows-bad.csv:2: invalid email "nope")` },
  },
  {
    name: 'invalid UTF-8 (a Latin-1 byte) after valid multi-byte names',
    users: 'invalid-utf8.csv',
    expect: { error: `${at('invalid-utf8.csv')}:3: not valid UTF-8`, fix: /source\.encoding: windows-1252/ },
  },
  {
    name: 'extra, unmapped columns are ignored',
    users: 'extra-columns.csv',
    expect: { users: [['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'extra-columns.csv:2']] },
  },
  {
    name: 'blank, whitespace-only and all-empty lines are ignored without shifting line numbers',
    users: 'blank-lines.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'blank-lines.csv:3'],
        ['grace@example.com', 'grace@example.com', 'Grace', '', true, 'blank-lines.csv:8'],
      ],
      skipped: [['blank-lines.csv:9', 'invalid email "bad-row"']],
      quarantined: ['bad-row'],
    },
  },
  {
    name: 'whitespace around headers, emails and names (spaces and tabs) is trimmed',
    users: 'whitespace.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'whitespace.csv:2'],
        ['grace@example.com', 'grace@example.com', 'Grace', 'Hopper', true, 'whitespace.csv:3'],
      ],
    },
  },
  {
    name: 'upper-case emails are lower-cased, so a case-only repeat is an identical duplicate',
    users: 'uppercase-emails.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'uppercase-emails.csv:2'],
        ['grace@example.com', 'grace@example.com', 'Grace', 'Hopper', true, 'uppercase-emails.csv:4'],
      ],
      skipped: [['uppercase-emails.csv:3', 'duplicate of uppercase-emails.csv:2 (identical row, kept once)']],
    },
  },
  {
    name: 'formula-like names are kept as text, unchanged and not reported',
    users: 'formula.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', "=cmd|' /C calc'!A0", '+1', true, 'formula.csv:2'],
        ['grace@example.com', 'grace@example.com', '-2+3', '@SUM(A1:A2)', true, 'formula.csv:3'],
      ],
    },
  },
  {
    name: 'active values in every accepted spelling, a bad one, and a good row for the same email',
    users: 'bad-active.csv',
    expect: {
      users: [
        ['a@example.com', 'a@example.com', 'A', 'One', true, 'bad-active.csv:2'],
        ['b@example.com', 'b@example.com', 'B', 'Two', false, 'bad-active.csv:3'],
        ['c@example.com', 'c@example.com', 'C', 'Three', false, 'bad-active.csv:4'],
        ['d@example.com', 'd@example.com', 'D', 'Four', false, 'bad-active.csv:5'],
        ['e@example.com', 'e@example.com', 'E', 'Five', true, 'bad-active.csv:6'],
        ['g@example.com', 'g@example.com', 'G', 'Seven', true, 'bad-active.csv:8'],
      ],
      skipped: [
        ['bad-active.csv:7', BAD_ACTIVE('maybe')],
        ['bad-active.csv:9', 'email f@example.com is quarantined: bad-active.csv:7 names it too and is invalid'],
      ],
      quarantined: ['f@example.com'],
      absent: ['f@example.com'],
    },
  },
  {
    name: 'groups file: merged with the column, case-insensitive names, only active kept members, per-row problems',
    users: 'groups-users.csv',
    groups: 'groups-file.csv',
    expect: {
      users: [
        ['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'groups-users.csv:2'],
        ['grace@example.com', 'grace@example.com', 'Grace', 'Hopper', false, 'groups-users.csv:3'],
        ['alan@example.com', 'alan@example.com', 'Alan', 'Turing', true, 'groups-users.csv:4'],
      ],
      groups: [
        ['Engineering', ['ada@example.com', 'alan@example.com'], 'groups-users.csv:2'],
        ['Sales', [], 'groups-file.csv:3'],
        ['Research', ['alan@example.com'], 'groups-file.csv:8'],
      ],
      skipped: [
        ['groups-users.csv:5', 'invalid email "bad"'],
        ['groups-users.csv:6', BAD_ACTIVE('perhaps')],
        ['groups-file.csv:4', 'not in users file'],
        ['groups-file.csv:5', 'missing group name'],
        ['groups-file.csv:6', 'invalid email "not-an-email"'],
        ['groups-file.csv:7', 'missing email'],
      ],
      quarantined: ['bad', 'kurt@example.com'],
      absent: ['kurt@example.com', 'ghost@example.com'],
    },
  },
  {
    name: 'groups file without its group,email header',
    users: 'groups-users.csv',
    groups: 'groups-no-header.csv',
    expect: { error: `${at('groups-no-header.csv')}: column "group" not found in the header (found: Sales, ada@example.com)`, fix: /group,email/ },
  },
  {
    name: 'an unclosed quote stops the read',
    users: 'unclosed-quote.csv',
    expect: {
      error: `${at('unclosed-quote.csv')}:4: cannot parse CSV: Quote Not Closed: the file ends inside a quoted field opened on line 3`,
      fix: /double quotes/,
    },
  },
  {
    name: 'a row with more fields than the header stops the read',
    users: 'inconsistent-columns.csv',
    expect: { error: `${at('inconsistent-columns.csv')}:3: row has 4 fields but the header has 3`, fix: /quote fields/ },
  },
  {
    name: 'a semicolon delimiter, with ;-separated groups inside quotes',
    users: 'semicolon.csv',
    delimiter: ';',
    expect: {
      users: [['ada@example.com', 'ada@example.com', 'Ada', 'Lovelace', true, 'semicolon.csv:2']],
      groups: [
        ['Eng', ['ada@example.com'], 'semicolon.csv:2'],
        ['Admins', ['ada@example.com'], 'semicolon.csv:2'],
      ],
    },
  },
];

function source(c: Case) {
  return createCsvSource({
    type: 'csv',
    users: at(c.users),
    ...(c.groups ? { groups: at(c.groups) } : {}),
    columns: { ...COLUMNS, ...c.columns },
    ...(c.delimiter ? { delimiter: c.delimiter } : {}),
    encoding: 'utf-8',
  });
}

function assertNothingWouldBeDeleted(snap: DesiredSnapshot, absent: readonly string[]): void {
  const emails = new Set(snap.users.map((u) => u.email));
  for (const q of snap.quarantined) expect(emails.has(q), `quarantined ${q} is a desired user`).toBe(false);
  for (const a of absent) expect(emails.has(a), `${a} is a desired user`).toBe(false);
  for (const g of snap.groups) for (const m of g.members) expect(snap.users.find((u) => u.email === m)?.active, `${g.name} member ${m}`).toBe(true);
}

describe('CSV source: bad-input corpus', () => {
  it('has at least 15 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const exp = c.expect;
    if ('error' in exp) {
      const err = await source(c)
        .read()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(SourceError);
      const se = err as SourceError;
      expect(se.message).toBe(exp.error);
      expect(se.code).toBe('SCIMSYNC_SOURCE_INVALID');
      if (exp.fix) expect(se.fix).toMatch(exp.fix);
      return;
    }
    const snap = await source(c).read();
    expect(snap.users.map((u): U => [u.email, u.sourceId, u.givenName, u.familyName, u.active, u.origin])).toEqual(exp.users);
    expect(snap.skipped.map((s) => [s.entry, s.reason])).toEqual(exp.skipped ?? []);
    expect(snap.quarantined).toEqual(exp.quarantined ?? []);
    if (exp.groups) expect(snap.groups.map((g) => [g.name, g.members, g.origin])).toEqual(exp.groups);
    assertNothingWouldBeDeleted(snap, exp.absent ?? []);
  });
});
