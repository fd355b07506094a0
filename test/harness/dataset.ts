/**
 * The directory the LDAP integration tests read, described once and rendered for both servers
 * (slapd LDIF for slapadd, JSON for samba-seed.py). Tests import the same description to compute
 * what the source must return, so expectations are derived from the seed, not hard-coded twice.
 */

export interface SeedUser {
  /** Short login: slapd `uid`, AD `sAMAccountName`. */
  readonly login: string;
  /** RDN value: slapd uses uid=login, AD uses CN=cn (non-ASCII CNs exercise DN handling). */
  readonly cn: string;
  readonly givenName: string;
  readonly sn: string;
  /** As stored: some are mixed-case on purpose. Absent = a user without mail. */
  readonly mail?: string;
  readonly disabled: boolean;
  /** Which OU: `people` is in scope, `external` is another OU outside the user base. */
  readonly ou: 'people' | 'external';
}

export interface SeedGroup {
  readonly cn: string;
  readonly kind: 'groupOfNames' | 'groupOfUniqueNames' | 'posixGroup';
  /** Member users by login, member groups by cn. posixGroup only supports users (memberUid). */
  readonly users: readonly string[];
  readonly groups: readonly string[];
  /** AD has a single `group` class: the OpenLDAP-only kinds are skipped for Samba. */
  readonly openldapOnly?: boolean;
}

export interface Dataset {
  readonly users: readonly SeedUser[];
  readonly groups: readonly SeedGroup[];
}

/** Enough users for a group past AD's 1,500-value `member` range. */
export const BULK_USERS = 1_600;
/** The user the mail-change test renames (and restores); other tests must not depend on its mail. */
export const RENAME_LOGIN = 'renamer';

/**
 * Active Directory only: accounts with `accountExpires` set (a Windows FILETIME: 100-ns intervals since
 * 1601-01-01 UTC), in their own OU and group (`expiry-team`) so no other test counts them. The values are
 * written out here, not computed by the code under test.
 */
export interface ExpiryUser {
  readonly login: string;
  readonly mail: string;
  /** Absent: left to the DC's default (never). */
  readonly accountExpires?: string;
  /** Expired by the real clock of any test run between 2001 and 2999. */
  readonly expired: boolean;
}
export const EXPIRY_USERS: readonly ExpiryUser[] = [
  { login: 'exp-past', mail: 'exp.past@example.com', accountExpires: '126227808000000000', expired: true }, // 2001-01-01T00:00:00Z
  { login: 'exp-future', mail: 'exp.future@example.com', accountExpires: '441166176000000000', expired: false }, // 2999-01-01T00:00:00Z
  { login: 'exp-never', mail: 'exp.never@example.com', accountExpires: '0', expired: false },
  { login: 'exp-default', mail: 'exp.default@example.com', expired: false },
];
export const EXPIRY_GROUP = 'expiry-team';

const pad = (n: number): string => String(n).padStart(4, '0');

export function buildDataset(nUsers = BULK_USERS): Dataset {
  const users: SeedUser[] = [];
  for (let i = 1; i <= nUsers; i++) {
    const login = `u${pad(i)}`;
    const noMail = i > nUsers - 5; // the last five have no mail
    users.push({
      login,
      cn: login,
      givenName: `Given${i}`,
      sn: `Family${i}`,
      // every 50th mail is stored mixed-case: the source must lower-case it
      ...(noMail ? {} : { mail: i % 50 === 0 ? `U${pad(i)}@Example.COM` : `${login}@example.com` }),
      disabled: i % 100 === 7,
      ou: 'people',
    });
  }
  users.push(
    { login: 'zoe', cn: 'Zoë Ångström', givenName: 'Zoë', sn: 'Ångström', mail: 'zoe.angstrom@example.com', disabled: false, ou: 'people' },
    { login: 'jose', cn: 'José Núñez', givenName: 'José', sn: 'Núñez', mail: 'jose.nunez@example.com', disabled: false, ou: 'people' },
    { login: RENAME_LOGIN, cn: 'Rena Mer', givenName: 'Rena', sn: 'Mer', mail: 'rena.mer@example.com', disabled: false, ou: 'people' },
  );
  for (let i = 1; i <= 3; i++) {
    users.push({ login: `ext${i}`, cn: `ext${i}`, givenName: 'Ext', sn: `Ernal${i}`, mail: `ext${i}@partner.example`, disabled: false, ou: 'external' });
  }
  const range = (a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, k) => `u${pad(a + k)}`);
  const noMailUser = `u${pad(nUsers)}`;
  const groups: SeedGroup[] = [
    // three levels: engineering > platform > sre
    { cn: 'engineering', kind: 'groupOfNames', users: range(1, 10), groups: ['platform'] },
    { cn: 'platform', kind: 'groupOfNames', users: range(11, 20), groups: ['sre'] },
    // sre holds the awkward members: disabled (u0107), no mail, another OU
    { cn: 'sre', kind: 'groupOfNames', users: [...range(21, 25), 'zoe', 'u0107', noMailUser, 'ext1'], groups: [] },
    // a cycle
    { cn: 'cycle-a', kind: 'groupOfNames', users: ['u0030'], groups: ['cycle-b'] },
    { cn: 'cycle-b', kind: 'groupOfNames', users: ['u0031'], groups: ['cycle-a'] },
    { cn: 'sales', kind: 'groupOfNames', users: ['jose', ...range(40, 44)], groups: [] },
    // more than 1,500 members: AD hands these out in ranges
    { cn: 'everyone', kind: 'groupOfNames', users: users.filter((u) => u.ou === 'people').map((u) => u.login), groups: [] },
    { cn: 'posix-devs', kind: 'posixGroup', users: ['u0050', 'u0051', 'zoe'], groups: [], openldapOnly: true },
    { cn: 'unique-ops', kind: 'groupOfUniqueNames', users: ['u0060', 'u0061'], groups: ['sales'], openldapOnly: true },
  ];
  return { users, groups };
}

/** What a correct source returns for a group: flattened, in-scope, enabled users with mail (lower-cased). */
export function expectedMembers(ds: Dataset, groupCn: string, opts: { openldap: boolean }): string[] {
  const byCn = new Map(ds.groups.filter((g) => opts.openldap || !g.openldapOnly).map((g) => [g.cn, g]));
  const byLogin = new Map(ds.users.map((u) => [u.login, u]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (cn: string): void => {
    if (seen.has(cn)) return;
    seen.add(cn);
    const g = byCn.get(cn);
    if (!g) return;
    for (const login of g.users) {
      const u = byLogin.get(login);
      if (u && u.ou === 'people' && u.mail && !u.disabled) out.add(u.mail.toLowerCase());
    }
    for (const child of g.groups) walk(child);
  };
  walk(groupCn);
  return [...out].sort();
}
