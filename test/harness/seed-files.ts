import { EXPIRY_GROUP, EXPIRY_USERS, type Dataset, type SeedUser } from './dataset.js';

/** Facts the tests need about where things live in each seeded server. */
export const OPENLDAP_BASE = 'dc=example,dc=com';
export const AD_BASE = 'DC=example,DC=com';

export const openldapDn = {
  people: `ou=people,${OPENLDAP_BASE}`,
  external: `ou=external,${OPENLDAP_BASE}`,
  groups: `ou=groups,${OPENLDAP_BASE}`,
  user: (u: Pick<SeedUser, 'login' | 'ou'>): string => `uid=${u.login},ou=${u.ou},${OPENLDAP_BASE}`,
  group: (cn: string): string => `cn=${cn},ou=groups,${OPENLDAP_BASE}`,
};

export const adDn = {
  sync: `OU=Sync,${AD_BASE}`,
  people: `OU=People,OU=Sync,${AD_BASE}`,
  external: `OU=External,OU=Sync,${AD_BASE}`,
  groups: `OU=Groups,OU=Sync,${AD_BASE}`,
  /** EXPIRY_USERS and EXPIRY_GROUP: outside People and Groups, read only by the expiry test. */
  expiry: `OU=Expiry,OU=Sync,${AD_BASE}`,
  user: (u: Pick<SeedUser, 'cn' | 'ou'>): string => `CN=${u.cn},OU=${u.ou === 'people' ? 'People' : 'External'},OU=Sync,${AD_BASE}`,
  group: (cn: string): string => `CN=${cn},OU=Groups,OU=Sync,${AD_BASE}`,
};

/** LDIF requires base64 (`attr:: …`) for values that are not plain ASCII. */
function line(attr: string, value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && !value.startsWith(' ') && !value.startsWith(':') && !value.startsWith('<')
    ? `${attr}: ${value}`
    : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/**
 * slapadd input. Disabled users carry `employeeType: disabled` (the openldap test config uses
 * `disabledFilter: (employeeType=disabled)`). Service accounts: `cn=sync` (unlimited) and `cn=limited`
 * (slapd's 500-entry size limit, see start-slapd.sh).
 */
export function renderOpenLdapLdif(ds: Dataset, hashes: { svc: string; limited: string }): string {
  const out: string[] = [];
  const entry = (lines: string[]): void => {
    out.push(lines.join('\n'), '');
  };
  entry([`dn: ${OPENLDAP_BASE}`, 'objectClass: top', 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: example']);
  for (const ou of ['people', 'external', 'groups', 'service']) {
    entry([`dn: ou=${ou},${OPENLDAP_BASE}`, 'objectClass: organizationalUnit', `ou: ${ou}`]);
  }
  for (const [cn, hash] of [
    ['sync', hashes.svc],
    ['limited', hashes.limited],
  ] as const) {
    entry([
      `dn: cn=${cn},ou=service,${OPENLDAP_BASE}`,
      'objectClass: person',
      'objectClass: simpleSecurityObject',
      `cn: ${cn}`,
      `sn: ${cn}`,
      `userPassword: ${hash}`,
    ]);
  }
  ds.users.forEach((u, i) => {
    const lines = [
      `dn: ${openldapDn.user(u)}`,
      'objectClass: inetOrgPerson',
      'objectClass: posixAccount',
      `uid: ${u.login}`,
      line('cn', u.cn),
      line('givenName', u.givenName),
      line('sn', u.sn),
      `uidNumber: ${10_000 + i}`,
      'gidNumber: 10000',
      `homeDirectory: /home/${u.login}`,
    ];
    if (u.mail) lines.push(`mail: ${u.mail}`);
    if (u.disabled) lines.push('employeeType: disabled');
    entry(lines);
  });
  const byLogin = new Map(ds.users.map((u) => [u.login, u]));
  const userDn = (login: string): string => {
    const u = byLogin.get(login);
    if (!u) throw new Error(`dataset: unknown user ${login}`);
    return openldapDn.user(u);
  };
  for (const g of ds.groups) {
    const lines = [`dn: ${openldapDn.group(g.cn)}`, `objectClass: ${g.kind}`, `cn: ${g.cn}`];
    if (g.kind === 'posixGroup') {
      lines.push('gidNumber: 20000', ...g.users.map((l) => `memberUid: ${l}`));
    } else {
      const attr = g.kind === 'groupOfUniqueNames' ? 'uniqueMember' : 'member';
      lines.push(...g.users.map((l) => `${attr}: ${userDn(l)}`), ...g.groups.map((c) => `${attr}: ${openldapDn.group(c)}`));
    }
    entry(lines);
  }
  return out.join('\n');
}

/** Input for samba-seed.py: DNs resolved here so the Python side stays dumb. */
export function renderSambaSeed(ds: Dataset, realm: string): string {
  const byLogin = new Map(ds.users.map((u) => [u.login, u]));
  // 544: normal account, password not required; enabled, so only accountExpires can make them inactive.
  const expiryDn = (login: string): string => `CN=${login},${adDn.expiry}`;
  const expiryUsers = EXPIRY_USERS.map((u) => ({
    dn: expiryDn(u.login),
    sAMAccountName: u.login,
    userPrincipalName: `${u.login}@${realm}`,
    givenName: 'Exp',
    sn: u.login,
    mail: u.mail,
    userAccountControl: '544',
    ...(u.accountExpires === undefined ? {} : { accountExpires: u.accountExpires }),
  }));
  const expiryGroup = { dn: `CN=${EXPIRY_GROUP},${adDn.expiry}`, sAMAccountName: EXPIRY_GROUP, member: EXPIRY_USERS.map((u) => expiryDn(u.login)) };
  return JSON.stringify({
    ous: [adDn.sync, adDn.people, adDn.external, adDn.groups, adDn.expiry],
    users: [
      ...ds.users.map((u) => ({
        dn: adDn.user(u),
        sAMAccountName: u.login,
        userPrincipalName: `${u.login}@${realm}`,
        givenName: u.givenName,
        sn: u.sn,
        ...(u.mail ? { mail: u.mail } : {}),
        // 512 normal account, +2 disabled, +32 password not required (no password is set offline)
        userAccountControl: String(u.disabled ? 546 : 544),
      })),
      ...expiryUsers,
    ],
    groups: [
      ...ds.groups
        .filter((g) => !g.openldapOnly)
        .map((g) => ({
          dn: adDn.group(g.cn),
          sAMAccountName: g.cn,
          member: [...g.users.map((l) => adDn.user(byLogin.get(l)!)), ...g.groups.map((c) => adDn.group(c))],
        })),
      expiryGroup,
    ],
  });
}
