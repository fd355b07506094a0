/**
 * The `source` section for `type: ldap`. Structurally identical to the type `src/config` exports;
 * declared here until that module exists so the LDAP source compiles on its own.
 */
export interface LdapSourceConfig {
  type: 'ldap';
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** A DN or (Active Directory) a UPN such as `svc-scim@example.com`. Absent = anonymous. */
  bindDN?: string;
  bindPassword?: string;
  tls: {
    /** Absolute path of a PEM file with the CA(s) that signed the server certificate. */
    ca?: string;
    /** Upgrade an `ldap://` connection with the StartTLS extended operation before binding. */
    startTLS: boolean;
    /** Certificate and host name verification. Only ever false for a named test host. */
    rejectUnauthorized: boolean;
  };
  dialect: 'active-directory' | 'openldap';
  users: { base: string; filter?: string; scope: 'sub' | 'one' };
  groups?: { base?: string; filter?: string; nested: boolean; inChain: boolean };
  attributes: {
    id?: string;
    email?: string;
    givenName?: string;
    familyName?: string;
    /** AD: use userPrincipalName when `mail` is empty. */
    upnFallback: boolean;
    /** An LDAP filter matching disabled accounts (combined with the user filter). */
    disabledFilter?: string;
  };
  pageSize: number;
  timeoutMs: number;
}
