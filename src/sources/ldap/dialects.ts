import type { LdapSourceConfig } from './options.js';

/** AD's `userAccountControl` ACCOUNTDISABLE flag. */
export const UAC_ACCOUNTDISABLE = 2;
/** AD's LDAP_MATCHING_RULE_IN_CHAIN: matches through every level of nesting, server-side. */
export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';
/** Values per `member;range=` step. Windows' MaxValRange is 1,500; a server may hand out fewer. */
export const MEMBER_RANGE_STEP = 1500;

/** Everything the reader needs, with the dialect's defaults filled in where the config left a gap. */
export interface LdapSettings {
  readonly dialect: LdapSourceConfig['dialect'];
  readonly usersBase: string;
  readonly usersScope: 'sub' | 'one';
  readonly userFilter: string;
  readonly idAttr: string;
  readonly emailAttr: string;
  readonly givenNameAttr: string;
  readonly familyNameAttr: string;
  /** AD: read `userPrincipalName` when the email attribute is empty. */
  readonly upnFallback: boolean;
  /** Set: disabled = matches this filter (one extra search). Unset on AD: `userAccountControl` bit 2. */
  readonly disabledFilter: string | undefined;
  /** AD: read `accountExpires`; a past expiry makes the account inactive, like a disabled one. */
  readonly honorAccountExpiry: boolean;
  /** openldap with groups: `uid`, to resolve posixGroup `memberUid` values (not read when nothing needs it). */
  readonly loginAttr: string | undefined;
  /** Attributes returned as Buffers (binary GUIDs/SIDs). */
  readonly binaryAttrs: readonly string[];
  readonly groups:
    | {
        readonly base: string;
        /** Every group considered for nesting. */
        readonly classFilter: string;
        /** Narrows which groups are synced (AND-ed with classFilter); undefined = all. */
        readonly syncFilter: string | undefined;
        readonly nested: boolean;
        readonly inChain: boolean;
        /** DN-valued member attributes; AD's `member` is read in ranges. */
        readonly memberAttrs: readonly string[];
        readonly memberUidAttr: string | undefined;
        readonly ranged: boolean;
      }
    | undefined;
  readonly pageSize: number;
}

const BINARY_ID_ATTRS = new Set(['objectguid', 'objectsid', 'msds-consistencyguid']);

export function resolveSettings(cfg: LdapSourceConfig): LdapSettings {
  const ad = cfg.dialect === 'active-directory';
  const a = cfg.attributes;
  const idAttr = a.id ?? (ad ? 'objectGUID' : 'entryUUID');
  const g = cfg.groups;
  return {
    dialect: cfg.dialect,
    usersBase: cfg.users.base,
    usersScope: cfg.users.scope,
    userFilter: cfg.users.filter ?? (ad ? '(&(objectCategory=person)(objectClass=user))' : '(objectClass=inetOrgPerson)'),
    idAttr,
    emailAttr: a.email ?? 'mail',
    givenNameAttr: a.givenName ?? 'givenName',
    familyNameAttr: a.familyName ?? 'sn',
    upnFallback: a.upnFallback,
    disabledFilter: a.disabledFilter,
    honorAccountExpiry: ad && (a.honorAccountExpiry ?? true),
    loginAttr: ad || !g ? undefined : 'uid',
    binaryAttrs: BINARY_ID_ATTRS.has(idAttr.toLowerCase()) ? [idAttr] : [],
    groups: g
      ? {
          base: g.base ?? cfg.users.base,
          classFilter: ad ? '(objectClass=group)' : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))',
          syncFilter: g.filter,
          nested: g.nested,
          inChain: ad && g.inChain,
          memberAttrs: ad ? ['member'] : ['member', 'uniqueMember'],
          memberUidAttr: ad ? undefined : 'memberUid',
          ranged: ad,
        }
      : undefined,
    pageSize: cfg.pageSize,
  };
}

/** `(&A B)` without double-wrapping; both parts are complete filters. */
export function andFilter(...parts: string[]): string {
  const wrapped = parts.map((p) => (p.trim().startsWith('(') ? p.trim() : `(${p.trim()})`));
  return wrapped.length === 1 ? wrapped[0]! : `(&${wrapped.join('')})`;
}
