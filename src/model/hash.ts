/**
 * Deterministic, pure-JS hashing for state (pushedHash) and plan basis (actualHash, configHash).
 * Not cryptographic: it detects change, it does not authenticate. Two 32-bit lanes (cyrb53's mixing, kept
 * at the full 64 bits) over UTF-16 code units: fast on multi-megabyte strings and identical on every platform.
 */
import type { UserAttributes } from './types.js';

/**
 * The two 32-bit lanes of the hash, fed a piece at a time: feeding the pieces of a string one after another
 * gives exactly the lanes of the whole string, so hot paths hash "a\u0000b" or a JSON text without building it.
 */
class Lanes {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  /** Set by finish(): the lanes (high, low). */
  hi = 0;
  lo = 0;

  reset(): void {
    this.h1 = 0xdeadbeef;
    this.h2 = 0x41c6ce57;
  }

  code(ch: number): void {
    this.h1 = Math.imul(this.h1 ^ ch, 2654435761);
    this.h2 = Math.imul(this.h2 ^ ch, 1597334677);
  }

  str(s: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** JSON.stringify(s), fed without building it: one pass while s needs no escape, else the real text. */
  json(s: string): void {
    let h1 = Math.imul(this.h1 ^ 34, 2654435761);
    let h2 = Math.imul(this.h2 ^ 34, 1597334677);
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      // Quote, backslash, control characters and surrogates (lone ones are escaped): JSON.stringify's own text.
      if (ch < 0x20 || ch === 34 || ch === 92 || (ch >= 0xd800 && ch <= 0xdfff)) {
        this.str(JSON.stringify(s));
        return;
      }
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = Math.imul(h1 ^ 34, 2654435761);
    this.h2 = Math.imul(h2 ^ 34, 1597334677);
  }

  finish(): void {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.hi = h2 >>> 0;
    this.lo = h1 >>> 0;
  }
}

/** Scratch lanes for the one-shot hashes below: they run to the end without calling out, so one is enough. */
const scratch = new Lanes();

/** The hex digit of n (0-15) as a character code. */
function digit(n: number): number {
  return n < 10 ? 48 + n : 87 + n;
}

/** 16 hex characters, made as one string (not two toString/padStart pairs joined). */
function hex(hi: number, lo: number): string {
  return String.fromCharCode(
    digit(hi >>> 28),
    digit((hi >>> 24) & 15),
    digit((hi >>> 20) & 15),
    digit((hi >>> 16) & 15),
    digit((hi >>> 12) & 15),
    digit((hi >>> 8) & 15),
    digit((hi >>> 4) & 15),
    digit(hi & 15),
    digit(lo >>> 28),
    digit((lo >>> 24) & 15),
    digit((lo >>> 20) & 15),
    digit((lo >>> 16) & 15),
    digit((lo >>> 12) & 15),
    digit((lo >>> 8) & 15),
    digit((lo >>> 4) & 15),
    digit(lo & 15),
  );
}

/** Whether s is hex(hi, lo), compared digit by digit. */
function hexEquals(s: string, hi: number, lo: number): boolean {
  if (s.length !== 16) return false;
  for (let i = 0; i < 8; i++) {
    const shift = 28 - 4 * i;
    if (s.charCodeAt(i) !== digit((hi >>> shift) & 15) || s.charCodeAt(8 + i) !== digit((lo >>> shift) & 15)) return false;
  }
  return true;
}

function hashString(s: string): string {
  scratch.reset();
  scratch.str(s);
  scratch.finish();
  return hex(scratch.hi, scratch.lo);
}

/**
 * 16 hex characters identifying a multiset of strings whatever their order: the sum (mod 2^32, per lane) of
 * the items' hashes, then hashed with the count. No sort: the hash of 100,000 users and 500,000 group
 * members costs one pass over them.
 */
export function unorderedHash(items: Iterable<string>): string {
  const h = new UnorderedHasher();
  for (const item of items) h.field(item).end();
  return h.digest();
}

/**
 * unorderedHash fed field by field: each item is the fields given before its end(), joined by \u0000, and
 * the joined text is never built (100,000 users: no string per user). Equal to unorderedHash of the joined
 * items, tested.
 */
export class UnorderedHasher {
  private readonly lanes = new Lanes();
  private fields = 0;
  private hi = 0;
  private lo = 0;
  private n = 0;

  field(s: string): this {
    if (this.fields++ > 0) this.lanes.code(0);
    this.lanes.str(s);
    return this;
  }

  /** Closes the current item (an item with no field is the empty string). */
  end(): void {
    const l = this.lanes;
    l.finish();
    this.hi = (this.hi + l.hi) >>> 0;
    this.lo = (this.lo + l.lo) >>> 0;
    this.n++;
    l.reset();
    this.fields = 0;
  }

  digest(): string {
    return hashString(`${this.n}:${hex(this.hi, this.lo)}`);
  }
}

/** Where canonical JSON goes: `str` takes JSON text as it is, `json` a string to write as a JSON string. */
interface JsonSink {
  str(s: string): void;
  json(s: string): void;
}

/** Collects the text. */
class TextSink implements JsonSink {
  readonly out: string[] = [];
  str(s: string): void {
    this.out.push(s);
  }
  json(s: string): void {
    this.out.push(JSON.stringify(s));
  }
}

function writeCanonical(value: unknown, out: JsonSink): void {
  if (value === null || value === undefined) {
    out.str('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.json(value);
      return;
    case 'number':
      out.str(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.str(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.json(value.toString());
      return;
    case 'object':
      break;
    default:
      // functions and symbols have no JSON form; JSON.stringify drops them too.
      out.str('null');
      return;
  }
  if (Array.isArray(value)) {
    out.str('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.str(',');
      writeCanonical(value[i], out);
    }
    out.str(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  out.str('{');
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    // Same rule as JSON.stringify: an undefined property is absent, so {a:1} and {a:1,b:undefined} hash alike.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) out.str(',');
    first = false;
    out.json(k);
    out.str(':');
    writeCanonical(v, out);
  }
  out.str('}');
}

/** JSON with object keys sorted at every level, so equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  const sink = new TextSink();
  writeCanonical(value, sink);
  return sink.out.join('');
}

/** 16 hex characters identifying `value` by content (key order never matters). */
export function stableHash(value: unknown): string {
  // The canonical JSON fed to the lanes as it is written: a 100,000-user snapshot is hashed without its text.
  const lanes = new Lanes();
  writeCanonical(value, lanes);
  lanes.finish();
  return hex(lanes.hi, lanes.lo);
}

/** The hash recorded as pushedHash: only the attributes scimsync sends take part. */
export function hashUserAttributes(a: UserAttributes): string {
  feedUserAttributes(a.userName, a.givenName, a.familyName, a.externalId);
  return hex(scratch.hi, scratch.lo);
}

/**
 * Whether `hash` is hashUserAttributes of these attributes, made from the fields themselves: the question
 * asked of every unchanged user on every run, answered without an attributes object or a hash string.
 */
export function isUserAttributesHash(hash: string, userName: string, givenName: string, familyName: string, externalId: string | undefined): boolean {
  feedUserAttributes(userName, givenName, familyName, externalId);
  return hexEquals(hash, scratch.hi, scratch.lo);
}

/**
 * Hot path (once per user per run): the canonical JSON of {userName, givenName, familyName, externalId} fed
 * to the scratch lanes piece by piece, keys in sorted order, never built as a string; the hash equals
 * stableHash of that object, tested. Leaves the lanes in scratch.hi/lo.
 */
function feedUserAttributes(userName: string, givenName: string, familyName: string, externalId: string | undefined): void {
  const l = scratch;
  l.reset();
  if (externalId === undefined) l.str('{"familyName":');
  else {
    l.str('{"externalId":');
    l.json(externalId);
    l.str(',"familyName":');
  }
  l.json(familyName);
  l.str(',"givenName":');
  l.json(givenName);
  l.str(',"userName":');
  l.json(userName);
  l.code(125);
  l.finish();
}
