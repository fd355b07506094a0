import { describe, expect, it } from 'vitest';
import { factsOrSkip, type DirectoryFacts } from '../../harness/directories.js';

// The decision behind the real-server tests' skip (the harness's pick), on plain values: this file must not
// name the getters, or the globalSetup would start the servers for it.
describe('a real-server test that cannot get its server', () => {
  const facts = { url: 'ldap://127.0.0.1:3890' } as unknown as DirectoryFacts;

  it('gets the facts when the server runs, under CI or not', () => {
    expect(factsOrSkip('slapd', { available: true, facts }, true)).toBe(facts);
    expect(factsOrSkip('slapd', { available: true, facts }, false)).toBe(facts);
  });

  it('skips outside CI (undefined, the reason on stderr)', () => {
    expect(factsOrSkip('slapd', { available: false, reason: 'slapd is not installed' }, false)).toBeUndefined();
  });

  it('throws under CI, naming the server and the reason, so the run fails instead of skipping', () => {
    expect(() => factsOrSkip('samba', { available: false, reason: 'samba is not installed' }, true)).toThrow(
      'CI must run the samba tests, but samba is not available: samba is not installed',
    );
    expect(() => factsOrSkip('slapd', undefined, true)).toThrow(/no globalSetup ran/);
  });
});
