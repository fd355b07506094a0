import { createHash, hash } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The daemon reads the same files every run: the state and the target snapshot, 14 and 11 MB at 100,000
 * users, which between its runs nothing else usually writes, and a CSV source (10.7 MB), which changes when
 * the HR system exports again. Parsing and checking them was most of the CPU of a no-op run. With parses kept
 * (`keepParses`, called once by the daemon), each read still reads every file whole, but reuses the value
 * parsed from, or written as, the same bytes: the same SHA-256 digest (under 10 ms for 14 MB). Any other bytes
 * (an edit, a restore, a `state` command, a new export) are parsed and checked as always, so the reuse can
 * never stand in for a file that changed.
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

/** The last value of each file (by absolute path) or key of one kind, with the digest of the inputs it stands for. */
export class KeptParses<T> {
  readonly #byKey = new Map<string, { readonly digest: string; readonly value: T }>();

  constructor() {
    all.add(this);
  }

  /** `parse(bytes)`, or the value kept for these very bytes of `path`. A parse that throws keeps nothing. */
  parse(path: string, bytes: Buffer, parse: (bytes: Buffer) => T): T {
    if (!enabled) return parse(bytes);
    return this.#reuse(resolve(path), digestOf(bytes), () => parse(bytes));
  }

  /**
   * `parse()`, or the value kept under `key` when it was made from the very same `inputs` (the bytes of each
   * file and the settings that decide the parse, in order): for a value made from more than one input. One
   * value per key, so a changed setting replaces the value rather than adding one.
   */
  parseOf(key: string, inputs: readonly (string | Uint8Array)[], parse: () => T): T {
    if (!enabled) return parse();
    return this.#reuse(key, digestOfAll(inputs), parse);
  }

  #reuse(key: string, digest: string, parse: () => T): T {
    const kept = this.#byKey.get(key);
    if (kept !== undefined && kept.digest === digest) return kept.value;
    const value = parse();
    this.#byKey.set(key, { digest, value });
    return value;
  }

  /** After `bytes` were written to `path`: `value` is what parsing them gives. */
  wrote(path: string, bytes: Buffer, value: T): void {
    if (enabled) this.#byKey.set(resolve(path), { digest: digestOf(bytes), value });
  }

  clear(): void {
    this.#byKey.clear();
  }
}

function digestOf(bytes: Buffer): string {
  return hash('sha256', bytes);
}

/** Each input's length before its bytes: ["ab", "c"] and ["a", "bc"] must not digest alike. */
function digestOfAll(inputs: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const input of inputs) {
    const bytes = typeof input === 'string' ? Buffer.from(input) : input;
    h.update(`${bytes.byteLength}:`).update(bytes);
  }
  return h.digest('hex');
}
