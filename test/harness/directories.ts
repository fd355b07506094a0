/**
 * Connection facts of the directory servers the globalSetup started, for any test file:
 *
 *   import { getSambaAd } from '../../harness/directories.js';
 *   const ad = getSambaAd();                 // DirectoryFacts | undefined
 *   describe.skipIf(!ad)('…', () => { … ad!.url, ad!.bindDN, ad!.bindPassword, ad!.ca … });
 *
 * The globalSetup only starts a server when a selected test file mentions `getSlapd` / `getSambaAd`
 * and imports this module. The seeded data is described by ./dataset.ts (buildDataset()).
 */
import { inject } from 'vitest';
import type { DirectoryFacts } from './start-directories.js';

export type { DirectoryFacts } from './start-directories.js';
export { buildDataset, expectedMembers, RENAME_LOGIN, BULK_USERS, EXPIRY_GROUP, EXPIRY_USERS } from './dataset.js';

export type DirectoryAvailability = { available: true; facts: DirectoryFacts } | { available: false; reason: string };
export interface DirectoriesContext {
  readonly slapd: DirectoryAvailability;
  readonly samba: DirectoryAvailability;
}

declare module 'vitest' {
  export interface ProvidedContext {
    directories: DirectoriesContext;
  }
}

function pick(which: keyof DirectoriesContext): DirectoryFacts | undefined {
  const ctx = inject('directories') as DirectoriesContext | undefined;
  const a = ctx?.[which];
  if (!a) {
    process.stderr.write(`[directories] ${which}: no globalSetup ran (vitest.config.ts globalSetup: test/harness/directories.setup.ts)\n`);
    return undefined;
  }
  if (!a.available) {
    process.stderr.write(`[directories] ${which} tests skipped: ${a.reason}\n`);
    return undefined;
  }
  return a.facts;
}

/** slapd on 127.0.0.1:3890 (ldap, StartTLS) / 3891 (ldaps), or undefined when not available. */
export function getSlapd(): DirectoryFacts | undefined {
  return pick('slapd');
}

/** Samba AD DC on 127.0.0.1:389 (ldap, StartTLS) / 636 (ldaps), or undefined when not available. */
export function getSambaAd(): DirectoryFacts | undefined {
  return pick('samba');
}

/** Why getSlapd()/getSambaAd() returned undefined, for skip messages. */
export function directorySkipReason(which: keyof DirectoriesContext): string | undefined {
  const a = (inject('directories') as DirectoriesContext | undefined)?.[which];
  return a && !a.available ? a.reason : a ? undefined : 'no globalSetup ran';
}
