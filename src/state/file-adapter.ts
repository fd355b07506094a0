import type { Adapter } from 'lowdb';
import { StateError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { sameTarget } from './fresh.js';
import { readRegularFileBytes, stateIoError } from './fs-guard.js';
import { utf8Text } from '../utf8-text.js';
import { KeptParses } from '../kept-parses.js';
import { migrateState, REBUILD_FIX } from './migrate.js';
import type { SyncState } from './types.js';

/** The daemon's states as parsed or written (kept-parses.ts): a run whose file is unchanged skips the parse. */
const keptStates = new KeptParses<SyncState>();

/**
 * lowdb adapter for the state file: the store holds a typed `Low<SyncState>`, and this adapter is the seam
 * lowdb is designed to be extended at. It owns what lowdb's JSONFile does not:
 *  - read: a missing file is null (lowdb then keeps its default, a fresh state); anything else is parsed,
 *    validated and migrated, and refused if it belongs to another target;
 *  - write: atomic (temp + fsync + rename, mode 0600), where JSONFile never fsyncs and leaves the mode to the umask.
 * Every file-system failure is a StateError naming the file and the fix.
 */
export class StateFileAdapter implements Adapter<SyncState> {
  readonly path: string;
  readonly #target: string | undefined;
  /** Completed writes (logs, and tests that check batching). */
  writes = 0;

  /** With `target`, a state made for another target is refused on read. */
  constructor(path: string, options: { readonly target?: string | undefined } = {}) {
    this.path = path;
    this.#target = options.target;
  }

  async read(): Promise<SyncState | null> {
    const file = await readRegularFileBytes(this.path, 'read state file');
    if (file === undefined) return null;
    const state = keptStates.parse(this.path, file.bytes, (bytes) => parseStateText(utf8Text(bytes), this.path));
    if (this.#target !== undefined) assertSameTarget(state, this.path, this.#target);
    return state;
  }

  async write(state: SyncState): Promise<void> {
    const bytes = Buffer.from(`${JSON.stringify(state)}\n`);
    try {
      await writeFileAtomic(this.path, bytes);
    } catch (err) {
      // The temp file never replaced the state: what is on disk is the last complete write.
      throw stateIoError(err, this.path, 'write state file', '; the file on disk is the last complete write');
    }
    keptStates.wrote(this.path, bytes, state);
    this.writes += 1;
  }
}

function parseStateText(text: string, file: string): SyncState {
  // Only a missing file is a fresh start. An empty one (killed mid-write by an editor, a full disk, a bad
  // restore) lost the ownership record: starting fresh would stop deprovisioning every leaver.
  if (text.trim() === '') {
    throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file} is corrupt: it is empty (${text.length} bytes)`, REBUILD_FIX(file));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateError('SCIMSYNC_STATE_CORRUPT', `state file ${file} is corrupt: not valid JSON`, REBUILD_FIX(file), err);
  }
  return migrateState(raw, file);
}

function assertSameTarget(state: SyncState, file: string, target: string): void {
  if (sameTarget(state.target, target)) return;
  throw new StateError(
    'SCIMSYNC_STATE_OTHER_TARGET',
    `state file ${file} belongs to target ${state.target}, not ${target}`,
    'give each target its own state.path in the config (one state file per target); if the target really moved, ' +
      'run `scimsync state rebuild -c CONFIG` (it keeps the old file aside)',
  );
}
