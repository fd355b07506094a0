import type { LdapSourceConfig } from '../../../src/sources/ldap/index.js';
import type { DirectoryFacts } from '../../harness/directories.js';

/** A source config for the seeded servers; tests override what they exercise. */
export function configFor(f: DirectoryFacts, over: Partial<LdapSourceConfig> = {}): LdapSourceConfig {
  const ad = f.kind === 'active-directory';
  return {
    type: 'ldap',
    url: f.url,
    bindDN: ad ? f.bindUPN! : f.bindDN,
    bindPassword: f.bindPassword,
    tls: { startTLS: false, rejectUnauthorized: true, insecureHosts: [] },
    dialect: f.kind,
    users: { base: f.usersBase, scope: 'sub' },
    groups: { base: f.groupsBase, nested: true, inChain: false },
    attributes: ad ? { upnFallback: false } : { upnFallback: false, disabledFilter: '(employeeType=disabled)' },
    pageSize: 500,
    timeoutMs: 15_000,
    ...over,
  };
}
