import type { Directory, SearchPage, SearchSpec } from '../../../../src/sources/ldap/directory.js';
import type { LdapEntry } from '../../../../src/sources/ldap/values.js';

/**
 * A Directory that replays recorded server behaviour. `maxPage` mimics Windows AD's MaxPageSize
 * (1,000): the server cuts pages at that size whatever the client asked; `failAfterPages` mimics a
 * result code or a dropped connection in the middle of a paged search.
 */
export function recordedDirectory(opts: {
  entries?: (spec: SearchSpec) => readonly LdapEntry[];
  maxPage?: number;
  failAfterPages?: { pages: number; error: unknown };
  trailingEmptyPage?: boolean;
  base?: (spec: SearchSpec) => readonly LdapEntry[];
}): Directory & { pageSizes: number[]; baseSearches: SearchSpec[] } {
  const pageSizes: number[] = [];
  const baseSearches: SearchSpec[] = [];
  return {
    pageSizes,
    baseSearches,
    async *pages(spec: SearchSpec, pageSize: number): AsyncIterable<SearchPage> {
      const all = opts.entries?.(spec) ?? [];
      const size = Math.min(pageSize, opts.maxPage ?? Infinity);
      let sent = 0;
      for (let i = 0; i < all.length; i += size) {
        if (opts.failAfterPages && sent === opts.failAfterPages.pages) throw opts.failAfterPages.error;
        const page = all.slice(i, i + size);
        pageSizes.push(page.length);
        sent++;
        yield { entries: page, references: [] };
      }
      if (opts.trailingEmptyPage) {
        pageSizes.push(0);
        yield { entries: [], references: [] };
      }
    },
    async search(spec: SearchSpec): Promise<readonly LdapEntry[]> {
      baseSearches.push(spec);
      return opts.base?.(spec) ?? [];
    },
  };
}

export function user(i: number, extra: Record<string, string | string[]> = {}): LdapEntry {
  const login = `u${String(i).padStart(4, '0')}`;
  return {
    dn: `CN=${login},OU=People,DC=example,DC=com`,
    objectGUID: Buffer.from(Array.from({ length: 16 }, (_, k) => (i * 7 + k) & 0xff)),
    mail: `${login}@example.com`,
    givenName: `Given${i}`,
    sn: `Family${i}`,
    userAccountControl: '512',
    ...extra,
  };
}
