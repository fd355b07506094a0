import type { Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-file.js';
import { readRegularFile, stateIoError } from './fs-guard.js';

/**
 * lowdb adapter for the state file. It stores text: the store serialises at flush time (a consistent
 * snapshot) and parses with its own validation, so lowdb supplies the read/write seam and we own atomicity
 * (temp + fsync + rename, mode 0600), which lowdb's JSONFile only half does (no fsync, umask mode).
 * Every file-system failure is a StateError naming the file and the fix.
 */
export class StateFileAdapter implements Adapter<string> {
  readonly path: string;
  /** Completed writes (logs, and tests that check batching). */
  writes = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** The file's text; null only if the file does not exist (an empty file is '', which is corrupt). */
  async read(): Promise<string | null> {
    return (await readRegularFile(this.path, 'read state file'))?.text ?? null;
  }

  async write(text: string): Promise<void> {
    try {
      await writeFileAtomic(this.path, text);
    } catch (err) {
      // The temp file never replaced the state: what is on disk is the last complete write.
      throw stateIoError(err, this.path, 'write state file', '; the file on disk is the last complete write');
    }
    this.writes += 1;
  }
}
