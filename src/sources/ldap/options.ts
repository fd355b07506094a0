/** The `source` section for `type: ldap`, as validated by src/config (zod schema). */
export type { LdapSourceConfig } from '../../config/index.js';
