/**
 * Deterministic, pure-JS hashing for state (pushedHash) and plan basis (actualHash, configHash).
 * Not cryptographic: it detects change, it does not authenticate. Two 32-bit lanes (cyrb53's mixing, kept
 * at the full 64 bits) over UTF-16 code units: fast on multi-megabyte strings and identical on every platform.
 */
import type { UserAttributes } from './types.js';

/** The two 32-bit lanes of the hash of `s` (high, low). */
function hashLanes(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h2 >>> 0, h1 >>> 0];
}

function hex(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

function hashString(s: string): string {
  const [hi, lo] = hashLanes(s);
  return hex(hi, lo);
}

/**
 * 16 hex characters identifying a multiset of strings whatever their order: the sum (mod 2^32, per lane) of
 * the items' hashes, then hashed with the count. No sort: the hash of 100,000 users and 500,000 group
 * members costs one pass over them.
 */
export function unorderedHash(items: Iterable<string>): string {
  let hi = 0;
  let lo = 0;
  let n = 0;
  for (const item of items) {
    const [a, b] = hashLanes(item);
    hi = (hi + a) >>> 0;
    lo = (lo + b) >>> 0;
    n++;
  }
  return hashString(`${n}:${hex(hi, lo)}`);
}

function writeCanonical(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(JSON.stringify(value.toString()));
      return;
    case 'object':
      break;
    default:
      // functions and symbols have no JSON form; JSON.stringify drops them too.
      out.push('null');
      return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      writeCanonical(value[i], out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  out.push('{');
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    // Same rule as JSON.stringify: an undefined property is absent, so {a:1} and {a:1,b:undefined} hash alike.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    writeCanonical(v, out);
  }
  out.push('}');
}

/** JSON with object keys sorted at every level, so equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  writeCanonical(value, out);
  return out.join('');
}

/** 16 hex characters identifying `value` by content (key order never matters). */
export function stableHash(value: unknown): string {
  return hashString(canonicalJson(value));
}

/** The hash recorded as pushedHash: only the attributes scimsync sends take part. */
export function hashUserAttributes(a: UserAttributes): string {
  // Hot path (once per user per run): the canonical JSON of {userName, givenName, familyName, externalId}
  // written directly, keys in sorted order; equal to stableHash of that object, tested.
  const ext = a.externalId === undefined ? '' : `"externalId":${JSON.stringify(a.externalId)},`;
  return hashString(`{${ext}"familyName":${JSON.stringify(a.familyName)},"givenName":${JSON.stringify(a.givenName)},"userName":${JSON.stringify(a.userName)}}`);
}
