import type { ListPage } from './profiles/parse.js';

/**
 * Deciding, page by page, whether a SCIM list has been read completely. Pure.
 *
 * Deployed servers misreport `totalResults` (the page's length instead of the total), ignore `startIndex`,
 * cap the page size silently, return an empty page early or never stop (reference/scim-server-quirks.md).
 * So completeness is decided from the pages themselves, with `totalResults` as a cross-check:
 * - a page that is full (at the size the server actually uses, learned from the first page) may have a
 *   successor: read on; an empty or short page ends the list;
 * - `totalResults` never ends a read on its own. It may save the request after a full last page only when
 *   it is corroborated: stable across pages and not merely the first page's length;
 * - whatever the pages and totals say that cannot both be true (an early empty page, a page that repeats
 *   earlier resources, more resources than counted, totals that change, too many pages) makes the read
 *   incomplete: the caller stops the run before any write.
 */

/** Without usable totals, a list longer than this many pages is taken as endless (a million resources at 100). */
export const MAX_PAGES_WITHOUT_TOTALS = 10_000;

export type PageVerdict =
  | { readonly kind: 'next'; readonly startIndex: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'incomplete'; readonly problem: string; readonly fix: string };

/** How the server's `totalResults` has behaved so far. */
type Totals =
  /** First page: totalResults equalled the page's length (a one-page list, or a per-page count). */
  | 'ambiguous'
  /** A real total: stable across pages. */
  | 'total'
  /** The count of each page (WSO2, SCIMple, scimmy, …): useless for completeness, ignored. */
  | 'perPage'
  /** Not sent. */
  | 'absent';

const FIX = {
  paging: 'the target does not page correctly, so scimsync cannot prove it read every resource; report it to the SCIM service vendor (nothing was written)',
  changed: 'the target changed while it was being read; run again (nothing was written)',
} as const;

export class PageReader {
  readonly #noun: string;
  readonly #requested: number;
  readonly #maxPages: number;
  readonly #seen = new Set<string>();
  #pages = 0;
  #pageSize = 0;
  #totals: Totals = 'absent';
  #firstTotal: number | undefined;
  /** The latest total: it may grow while a list is read (resources appended at the end are read too). */
  #total: number | undefined;

  /** `noun` names the resources in messages ("users"); `requested` is the page size asked for. */
  constructor(noun: string, requested: number, maxPagesWithoutTotals = MAX_PAGES_WITHOUT_TOTALS) {
    this.#noun = noun;
    this.#requested = requested;
    this.#maxPages = maxPagesWithoutTotals;
  }

  /** Resources read so far (distinct ids). */
  get count(): number {
    return this.#seen.size;
  }

  /** One page, read at `startIndex`, whose resources have these ids (in order). */
  observe(startIndex: number, ids: readonly string[], page: ListPage): PageVerdict {
    this.#pages++;
    const n = ids.length;
    let repeated = 0;
    for (const id of ids) {
      if (this.#seen.has(id)) repeated++;
      else this.#seen.add(id);
    }
    if (repeated > 0) {
      return repeated === n
        ? this.#incomplete(`the page at startIndex ${startIndex} repeats ${n} ${this.#noun} already read: the target ignores startIndex`, FIX.paging)
        : this.#incomplete(`the page at startIndex ${startIndex} repeats ${repeated} of its ${n} ${this.#noun}: the list moved while it was read`, FIX.changed);
    }
    const read = this.#seen.size;
    const total = page.totalResults;

    const totals = this.#classify(n, total);
    if (totals !== undefined) return totals;
    if (this.#pages === 1) {
      // A first page shorter than asked while the total says more: the server caps pages silently.
      this.#pageSize = n < this.#requested && total !== undefined && total > n ? n : Math.max(n, this.#requested);
    }
    const counted = this.#totals === 'total' || this.#totals === 'ambiguous' ? this.#total : undefined;

    if (n === 0 || n < this.#pageSize) {
      if (counted !== undefined && read < counted) {
        const what = n === 0 ? 'an empty page' : `a short page (${n} of ${this.#pageSize})`;
        return this.#incomplete(`${what} at startIndex ${startIndex} ended the list after ${read} ${this.#noun}, but totalResults says ${counted}`, FIX.paging);
      }
      return { kind: 'done' };
    }
    // A full page: there may be more.
    if (this.#totals === 'total' && counted !== undefined) {
      if (read > counted) return this.#incomplete(`the target listed ${read} ${this.#noun} but totalResults says ${counted}`, FIX.paging);
      if (read === counted) return { kind: 'done' };
    }
    // Endless pages: a list may grow a little while it is read, not by a page per page.
    const first = this.#firstTotal;
    const cap = this.#totals === 'total' && first !== undefined ? Math.ceil(first / this.#pageSize) + 1 : this.#maxPages;
    if (this.#pages >= cap) {
      const past = this.#totals === 'total' ? ` past its first totalResults (${String(first)})` : '';
      return this.#incomplete(`the target kept sending full pages of ${this.#noun}${past}: ${this.#pages} pages (${read} ${this.#noun}) and no end`, FIX.paging);
    }
    return { kind: 'next', startIndex: startIndex + n };
  }

  /** Learns how totalResults behaves; an incomplete verdict when it contradicts itself. */
  #classify(n: number, total: number | undefined): PageVerdict | undefined {
    if (total === undefined) {
      // A server that stops sending totals mid-list says nothing more about completeness.
      if (this.#totals === 'ambiguous') this.#totals = 'absent';
      return undefined;
    }
    if (this.#pages === 1) {
      this.#firstTotal = total;
      this.#total = total;
      this.#totals = total === n ? 'ambiguous' : 'total';
      return undefined;
    }
    switch (this.#totals) {
      case 'ambiguous':
        // Page 2 tells: its own length again means per-page counts; the first figure (or more) means a total.
        if (total === n) {
          this.#totals = 'perPage';
          return undefined;
        }
        this.#totals = 'total';
        return this.#followTotal(total);
      case 'total':
        return this.#followTotal(total);
      case 'perPage':
        if (total === n) return undefined;
        return this.#incomplete(`totalResults ${total} on a page of ${n} ${this.#noun} is neither a total nor the page's count`, FIX.paging);
      case 'absent':
        return undefined;
    }
  }

  /**
   * A total that grows is a list appended to while it is read: what was appended is read too, and anything
   * inserted earlier shows up as a repeated resource. A total that shrinks means resources were removed
   * before the read position, so one may have been skipped unseen: incomplete.
   */
  #followTotal(total: number): PageVerdict | undefined {
    const before = this.#total ?? total;
    if (total < before) {
      return this.#incomplete(`totalResults fell from ${before} to ${total} between pages of ${this.#noun}: resources were removed while it was read`, FIX.changed);
    }
    this.#total = total;
    return undefined;
  }

  #incomplete(problem: string, fix: string): PageVerdict {
    return { kind: 'incomplete', problem, fix };
  }
}
