import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-file.js';

/**
 * lowdb adapter for the state file. It stores text: the store serialises at flush time (a consistent
 * snapshot) and parses with its own validation, so lowdb supplies the read/write seam and we own atomicity
 * (temp + fsync + rename, mode 0600), which lowdb's JSONFile only half does (no fsync, umask mode).
 */
export class StateFileAdapter implements Adapter<string> {
  readonly path: string;
  /** Completed writes (logs, and tests that check batching). */
  writes = 0;

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(text: string): Promise<void> {
    await writeFileAtomic(this.path, text);
    this.writes += 1;
  }
}
