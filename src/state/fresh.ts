import { STATE_FORMAT_VERSION, type SyncState } from './types.js';

/** An empty state for `target`: nothing managed yet, serial 0. */
export function freshState(target: string, lineage: string): SyncState {
  return { version: STATE_FORMAT_VERSION, lineage, serial: 0, target, users: {}, groups: {} };
}

/** Two spellings of one base URL (case of scheme/host, trailing slash) are the same target. */
export function sameTarget(a: string, b: string): boolean {
  return normaliseTarget(a) === normaliseTarget(b);
}

function normaliseTarget(url: string): string {
  try {
    return new URL(url.trim()).href.replace(/\/+$/, '');
  } catch {
    return url.trim().replace(/\/+$/, '');
  }
}
