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

/** First non-empty string value, trimmed; undefined if none. Runs for every attribute of every entry: no arrays. */
export function firstString(entry: LdapEntry, attr: string): string | undefined {
  const v = find(entry, attr);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return nonEmpty(v as string | Buffer);
  for (const x of v as readonly (string | Buffer)[]) {
    const t = nonEmpty(x);
    if (t !== undefined) return t;
  }
  return undefined;
}

function nonEmpty(v: string | Buffer): string | undefined {
  const t = (typeof v === 'string' ? v : v.toString('utf8')).trim();
  return t === '' ? undefined : t;
}

/** The first value as the server sent it (string or Buffer); undefined if none. */
export function firstValue(entry: LdapEntry, attr: string): string | Buffer | undefined {
  const v = find(entry, attr);
  return Array.isArray(v) ? (v as readonly (string | Buffer)[])[0] : (v as string | Buffer | undefined);
}

/** objectGUID bytes -> the canonical AD string (first three groups little-endian), lower-case. */
export function guidToString(b: Buffer): string {
  if (b.length !== 16) throw new RangeError(`a GUID has 16 bytes, got ${b.length}`);
  // One hex string and slices of it: the per-byte array this replaced cost 17 allocations per user.
  const h = b.toString('hex');
  const le = (from: number, to: number): string => {
    let out = '';
    for (let i = to - 2; i >= from; i -= 2) out += h.slice(i, i + 2);
    return out;
  };
  return `${le(0, 8)}-${le(8, 12)}-${le(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
