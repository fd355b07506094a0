import { StateError } from '../errors.js';
import { STATE_FORMAT_VERSION, type SyncState } from './types.js';
import { parseStateV1 } from './schema.js';

/**
 * One step per format version: `MIGRATIONS[n]` turns a version-n document into version n+1. Empty while
 * version 1 is the only one; when v2 arrives, add `1: (doc) => ({ ...doc, version: 2, ... })`.
 */
const MIGRATIONS: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>> = {};

const REBUILD_FIX = (file: string) =>
  `restore a backup of ${file}, or run \`scimsync state rebuild -c CONFIG\` to rebuild it from the target (it keeps this file aside)`;

/** Brings a parsed state document to the current format and checks its shape. Never guesses. */
export function migrateState(raw: unknown, file: string): SyncState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file} is corrupt: not a JSON object`, REBUILD_FIX(file));
  }
  let doc = raw as Record<string, unknown>;
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file} is corrupt: no valid format version`, REBUILD_FIX(file));
  }
  if (version > STATE_FORMAT_VERSION) {
    throw new StateError(
      'SCIMSYNC_STATE_CORRUPT',
      `state file ${file} has format version ${version}, newer than this scimsync understands (${STATE_FORMAT_VERSION})`,
      'upgrade scimsync to the version that wrote this file (or newer); do not edit the file by hand',
    );
  }
  for (let v = version; v < STATE_FORMAT_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file}: no migration from format version ${v}`, REBUILD_FIX(file));
    doc = step(doc);
  }
  const parsed = parseStateV1(doc);
  if (!parsed.ok) {
    throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file} is corrupt: ${parsed.problem}`, REBUILD_FIX(file));
  }
  return parsed.state;
}

export { REBUILD_FIX };
