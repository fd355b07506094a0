// The sources area's public surface: the port every source implements and the two sources.
export type { Source } from './port.js';
export { createCsvSource, splitGroups } from './csv/index.js';
export { createLdapSource, guidToString, type LdapSourceConfig } from './ldap/index.js';
