/**
 * Reading attribute values out of ldapts entries. Servers choose the case of attribute names
 * (`entryUUID`, `entryuuid`), and ldapts returns one value as a scalar and several as an array.
 */

export type AttrValue = string | Buffer | readonly (string | Buffer)[];
export interface LdapEntry {
  readonly dn: string;
  readonly [attr: string]: AttrValue;
}

function find(entry: LdapEntry, attr: string): AttrValue | undefined {
  const direct = entry[attr];
  if (direct !== undefined) return direct;
  const want = attr.toLowerCase();
  for (const key of Object.keys(entry)) if (key.toLowerCase() === want) return entry[key];
  return undefined;
}

export function values(entry: LdapEntry, attr: string): (string | Buffer)[] {
  const v = find(entry, attr);
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as (string | Buffer)[])] : [v as string | Buffer];
}

export function strings(entry: LdapEntry, attr: string): string[] {
  return values(entry, attr).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** First non-empty string value, trimmed; undefined if none. */
export function firstString(entry: LdapEntry, attr: string): string | undefined {
  for (const s of strings(entry, attr)) {
    const t = s.trim();
    if (t) return t;
  }
  return undefined;
}

/** objectGUID bytes -> the canonical AD string (first three groups little-endian), lower-case. */
export function guidToString(b: Buffer): string {
  if (b.length !== 16) throw new RangeError(`a GUID has 16 bytes, got ${b.length}`);
  const h = [...b].map((x) => x.toString(16).padStart(2, '0'));
  return [h[3]! + h[2]! + h[1]! + h[0]!, h[5]! + h[4]!, h[7]! + h[6]!, h[8]! + h[9]!, h.slice(10).join('')].join('-');
}

/** objectSid bytes -> `S-1-5-21-…`. */
export function sidToString(b: Buffer): string {
  const n = b[1] ?? 0;
  const subs: number[] = [];
  for (let i = 0; i < n; i++) subs.push(b.readUInt32LE(8 + 4 * i));
  return `S-${b[0]}-${b.readUIntBE(2, 6)}-${subs.join('-')}`;
}

/** A binary id attribute as text; other ids are taken as the server wrote them. */
export function idToString(attr: string, v: string | Buffer): string {
  if (!Buffer.isBuffer(v)) return v.trim();
  const a = attr.toLowerCase();
  if (a === 'objectsid') return sidToString(v);
  if (v.length === 16) return guidToString(v);
  return v.toString('hex');
}

/** 100-ns intervals from 1601-01-01 (FILETIME's epoch) to 1970-01-01 (Date's). */
const FILETIME_AT_UNIX_EPOCH = 116_444_736_000_000_000n;
/** The largest int64: with 0, what AD writes for "never expires". */
const FILETIME_NEVER = 0x7fff_ffff_ffff_ffffn;

/**
 * AD `accountExpires` (a Windows FILETIME: 100-ns intervals since 1601-01-01 UTC) → the instant the account
 * expires, or undefined for never (0, the largest int64, absent). A value that is not a FILETIME also reads
 * as never: an unreadable date must not turn a user into a leaver.
 */
export function parseAccountExpires(v: string | undefined): Date | undefined {
  if (v === undefined || !/^\d{1,19}$/.test(v)) return undefined;
  const ft = BigInt(v);
  if (ft === 0n || ft >= FILETIME_NEVER) return undefined;
  return new Date(Number((ft - FILETIME_AT_UNIX_EPOCH) / 10_000n));
}

/**
 * A key to compare DNs written by different parts of a server (entry DN vs `member` value):
 * case-insensitive, spaces around separators dropped. Escaped separators (`\,`) are kept as written.
 */
export function dnKey(dn: string): string {
  // Fast path (most DNs, and this runs for every entry and member value): no space next to a separator.
  if (!SPACED_SEPARATOR.test(dn)) return dn.trim().toLowerCase();
  return dn
    .replace(/\s*(?<!\\)([,=+])\s*/g, '$1')
    .trim()
    .toLowerCase();
}

const SPACED_SEPARATOR = /\s[,=+]|[,=+]\s/;

/** groupOfUniqueNames values may carry an optional UID: `cn=x,dc=y#'0101'B`. */
export function stripUniqueMemberUid(v: string): string {
  return v.replace(/#'[01]*'B$/, '');
}

