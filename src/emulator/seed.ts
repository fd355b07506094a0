import { ConfigError } from '../errors.js';
import type { Store } from './store.js';
import type { EmulatorSeed } from './types.js';

function badSeed(detail: string): ConfigError {
  return new ConfigError(
    `emulator seed: ${detail}`,
    [{ path: 'seed', message: detail }],
    'the seed is {"users":[{"userName","givenName","familyName"}],"groups":[{"displayName","members":["email"]}]}',
  );
}

/**
 * Loads seed users (joined unless `pending: true`) and groups. Amplitude group members that are not
 * seed users are invited, as POST /Groups would do; on the rfc profile they are an error.
 */
export function applySeed(store: Store, seed: EmulatorSeed): void {
  if (seed === null || typeof seed !== 'object') throw badSeed('must be an object');
  if (seed.users !== undefined && !Array.isArray(seed.users)) throw badSeed('users must be an array');
  if (seed.groups !== undefined && !Array.isArray(seed.groups)) throw badSeed('groups must be an array');
  for (const [i, u] of (seed.users ?? []).entries()) {
    if (typeof u?.userName !== 'string' || u.userName.trim() === '') throw badSeed(`users[${i}] has no userName`);
    if (store.findUserByName(u.userName)) throw badSeed(`users[${i}] ${u.userName} is a duplicate`);
    store.addUser({
      userName: u.userName.trim(),
      givenName: u.givenName ?? null,
      familyName: u.familyName ?? null,
      pending: store.profile === 'amplitude' && u.pending === true,
      externalId: u.externalId,
    });
  }
  for (const [i, g] of (seed.groups ?? []).entries()) {
    if (typeof g?.displayName !== 'string' || g.displayName.trim() === '') throw badSeed(`groups[${i}] has no displayName`);
    if (g.members !== undefined && !Array.isArray(g.members)) throw badSeed(`groups[${i}].members must be an array of emails`);
    const ids: string[] = [];
    for (const email of g.members ?? []) {
      let u = store.findUserByName(String(email));
      if (!u) {
        if (store.profile === 'rfc') throw badSeed(`groups[${i}] member ${String(email)} is not a seed user`);
        u = store.addUser({ userName: String(email), givenName: null, familyName: null, pending: true });
      }
      ids.push(u.id);
    }
    store.addGroup(g.displayName, ids);
  }
}
