import type { LdapEntry } from './values.js';

/** One search as the reader asks for it; the connection layer maps it onto ldapts. */
export interface SearchSpec {
  readonly base: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: string;
  readonly attributes: readonly string[];
  /** Attributes to return as Buffers (binary GUIDs). */
  readonly binary?: readonly string[];
}

export interface SearchPage {
  readonly entries: readonly LdapEntry[];
  /** Referrals to other servers: not followed (counted in logs). */
  readonly references: readonly string[];
}

/**
 * The two calls the reader makes. The real one wraps an ldapts Client; unit tests feed recorded
 * responses (Windows AD's 1,000-entry pages, automatic `member;range=` splitting).
 */
export interface Directory {
  /** Simple paged results, page by page, as the server cuts them. Throws on any non-success result. */
  pages(spec: SearchSpec, pageSize: number): AsyncIterable<SearchPage>;
  /** One unpaged search (base-scope reads of `member;range=` steps). */
  search(spec: SearchSpec): Promise<readonly LdapEntry[]>;
}
