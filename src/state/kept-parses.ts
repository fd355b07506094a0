import { hash } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The daemon reads the same two files every run: the state and the target snapshot, 14 and 11 MB at 100,000
 * users, and between its runs nothing else usually writes them. Parsing and checking them was about a second of
 * CPU of a three-second run. With parses kept (`keepParses`, called once by the daemon), each read still
 * reads the whole file, but reuses the value parsed from, or written as, the same bytes: the same SHA-256
 * digest (under 10 ms for 14 MB). Any other bytes (an edit, a restore, a `state` command between runs) are
 * parsed and checked as always, so the reuse can never stand in for a file that changed.
 *
 * Off by default: a one-shot run reads each file once and would only pay for the digests.
 */
let enabled = false;

/** Switches kept parses on for this process (the daemon). */
export function keepParses(on = true): void {
  enabled = on;
  if (!on) for (const kept of all) kept.clear();
}

const all = new Set<{ clear(): void }>();

/** The last value of each file (by absolute path) of one kind, with the digest of the bytes it stands for. */
export class KeptParses<T> {
  readonly #byPath = new Map<string, { readonly digest: string; readonly value: T }>();

  constructor() {
    all.add(this);
  }

  /** `parse(bytes)`, or the value kept for these very bytes of `path`. A parse that throws keeps nothing. */
  parse(path: string, bytes: Buffer, parse: (bytes: Buffer) => T): T {
    if (!enabled) return parse(bytes);
    const key = resolve(path);
    const digest = digestOf(bytes);
    const kept = this.#byPath.get(key);
    if (kept !== undefined && kept.digest === digest) return kept.value;
    const value = parse(bytes);
    this.#byPath.set(key, { digest, value });
    return value;
  }

  /** After `bytes` were written to `path`: `value` is what parsing them gives. */
  wrote(path: string, bytes: Buffer, value: T): void {
    if (enabled) this.#byPath.set(resolve(path), { digest: digestOf(bytes), value });
  }

  clear(): void {
    this.#byPath.clear();
  }
}

function digestOf(bytes: Buffer): string {
  return hash('sha256', bytes);
}
