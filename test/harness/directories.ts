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
  return factsOrSkip(which, (inject('directories') as DirectoriesContext | undefined)?.[which], Boolean(process.env.CI));
}

/**
 * The running server's facts, or undefined (its tests skip, with the reason on stderr). Under CI a test that
 * needs a server must never skip quietly: a missing one throws, so the file fails to load and the run fails.
 */
export function factsOrSkip(which: string, a: DirectoryAvailability | undefined, ci: boolean): DirectoryFacts | undefined {
  if (a?.available) return a.facts;
  const reason = a ? a.reason : 'no globalSetup ran (vitest.config.ts globalSetup: test/harness/directories.setup.ts)';
  if (ci) throw new Error(`CI must run the ${which} tests, but ${which} is not available: ${reason}`);
  process.stderr.write(`[directories] ${which} tests skipped: ${reason}\n`);
  return undefined;
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
