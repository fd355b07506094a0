import { SourceError } from '../../errors.js';
import type { Directory } from './directory.js';
import { MEMBER_RANGE_STEP } from './dialects.js';
import { strings, type LdapEntry } from './values.js';

/** `member;range=1500-2999` or `member;range=1500-*`. */
const RANGE_RE = /^([^;]+);range=(\d+)-(\d+|\*)$/i;

interface RangedValues {
  readonly values: string[];
  readonly low: number;
  /** undefined = `*`: the last range. */
  readonly high: number | undefined;
}

function rangedOf(entry: LdapEntry, attr: string): RangedValues | undefined {
  for (const key of Object.keys(entry)) {
    const m = RANGE_RE.exec(key);
    if (!m || m[1]!.toLowerCase() !== attr.toLowerCase()) continue;
    return { values: strings(entry, key), low: Number(m[2]), high: m[3] === '*' ? undefined : Number(m[3]) };
  }
  return undefined;
}

/** The attribute spec to request for the first range step of a group search. */
export function firstRangeSpec(attr: string, step = MEMBER_RANGE_STEP): string {
  return `${attr};range=0-${step - 1}`;
}

/**
 * All values of a multi-valued attribute that AD may hand out in ranges. The entry may carry the
 * plain attribute (all values: small groups, or Samba when not asked for ranges) or
 * `attr;range=lo-hi`; then further base-scope reads fetch `attr;range=hi+1-…` until a range ends in `*`.
 * The next step starts after what the server actually returned, so a server cap below the asked step
 * (MaxValRange) is fine.
 */
export async function readRangedValues(dir: Directory, entry: LdapEntry, attr: string, step = MEMBER_RANGE_STEP): Promise<string[]> {
  let ranged = rangedOf(entry, attr);
  if (!ranged) return strings(entry, attr);
  const out = [...ranged.values];
  let steps = 0;
  while (ranged.high !== undefined) {
    const low = ranged.high + 1;
    const spec = `${attr};range=${low}-${low + step - 1}`;
    const [next] = await dir.search({ base: entry.dn, scope: 'base', filter: '(objectClass=*)', attributes: [spec] });
    if (!next) {
      throw new SourceError(`reading ${attr} of "${entry.dn}": the entry vanished between range reads; nothing was synced`, {
        fix: 'run again (the group was deleted or moved during the read)',
      });
    }
    const got = rangedOf(next, attr);
    // Samba answers a window past the last value with no attribute at all: the previous range was the end.
    if (!got) break;
    if (got.low !== low || (got.high !== undefined && got.high < low)) {
      throw new SourceError(
        `reading ${attr} of "${entry.dn}": asked for values from ${low}, the server answered range ${got.low}-${got.high ?? '*'}; nothing was synced`,
        {
          fix: 'this server does not follow AD ranged retrieval; report it with the server type and version',
        },
      );
    }
    out.push(...got.values);
    ranged = got;
    if (++steps > 100_000) throw new SourceError(`reading ${attr} of "${entry.dn}": too many range steps`, { fix: 'report this server behaviour' });
  }
  return out;
}
