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

/** What the reader has learned from the pages so far, besides the ids it has seen. */
interface Progress {
  pages: number;
  pageSize: number;
  totals: Totals;
  firstTotal: number | undefined;
  /** The latest total: it may grow while a list is read (resources appended at the end are read too). */
  total: number | undefined;
}

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
  readonly #p: Progress = { pages: 0, pageSize: 0, totals: 'absent', firstTotal: undefined, total: undefined };

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
    const n = ids.length;
    let repeated = 0;
    for (const id of ids) {
      if (this.#seen.has(id)) repeated++;
      else this.#seen.add(id);
    }
    if (repeated > 0) {
      this.#p.pages++;
      return repeated === n
        ? this.#incomplete(`the page at startIndex ${startIndex} repeats ${n} ${this.#noun} already read: the target ignores startIndex`, FIX.paging)
        : this.#incomplete(`the page at startIndex ${startIndex} repeats ${repeated} of its ${n} ${this.#noun}: the list moved while it was read`, FIX.changed);
    }
    return this.#judge(this.#p, startIndex, n, this.#seen.size, page.totalResults);
  }

  /**
   * The start of the page after the one at `startIndex` (requested, not yet observed) when what the pages so
   * far say proves it will be wanted: a real total counts resources on it, and a full page of new resources
   * at `startIndex` would get a `next` verdict pointing at it. Otherwise undefined. Records nothing. Lets the
   * client request that page while the one at `startIndex` is still on its way or being parsed. It is wrong
   * only when the page at `startIndex` then surprises (repeats, comes back short or longer than the learned
   * size, totals fall), and all of those but a longer page end the read.
   */
  ahead(startIndex: number): number | undefined {
    const p = this.#p;
    if (p.pages === 0 || p.totals !== 'total' || p.total === undefined) return undefined;
    const next = startIndex + p.pageSize;
    if (p.total < next) return undefined;
    const v = this.#judge({ ...p }, startIndex, p.pageSize, this.#seen.size + p.pageSize, p.total);
    return v.kind === 'next' && v.startIndex === next ? next : undefined;
  }

  /** The verdict on a page of `n` new resources (`read` in all with them) and its totalResults; updates `p` with what it taught. */
  #judge(p: Progress, startIndex: number, n: number, read: number, total: number | undefined): PageVerdict {
    p.pages++;

    const totals = this.#classify(p, n, total);
    if (totals !== undefined) return totals;
    if (p.pages === 1) {
      // A first page shorter than asked while the total says more: the server caps pages silently.
      p.pageSize = n < this.#requested && total !== undefined && total > n ? n : Math.max(n, this.#requested);
    }
    const counted = p.totals === 'total' || p.totals === 'ambiguous' ? p.total : undefined;

    if (n === 0 || n < p.pageSize) {
      if (counted !== undefined && read < counted) {
        const what = n === 0 ? 'an empty page' : `a short page (${n} of ${p.pageSize})`;
        return this.#incomplete(`${what} at startIndex ${startIndex} ended the list after ${read} ${this.#noun}, but totalResults says ${counted}`, FIX.paging);
      }
      return { kind: 'done' };
    }
    // A full page: there may be more.
    if (p.totals === 'total' && counted !== undefined) {
      if (read > counted) return this.#incomplete(`the target listed ${read} ${this.#noun} but totalResults says ${counted}`, FIX.paging);
      if (read === counted) return { kind: 'done' };
    }
    // Endless pages: a list may grow a little while it is read, not by a page per page.
    const first = p.firstTotal;
    const cap = p.totals === 'total' && first !== undefined ? Math.ceil(first / p.pageSize) + 1 : this.#maxPages;
    if (p.pages >= cap) {
      const past = p.totals === 'total' ? ` past its first totalResults (${String(first)})` : '';
      return this.#incomplete(`the target kept sending full pages of ${this.#noun}${past}: ${p.pages} pages (${read} ${this.#noun}) and no end`, FIX.paging);
    }
    return { kind: 'next', startIndex: startIndex + n };
  }

  /** Learns how totalResults behaves; an incomplete verdict when it contradicts itself. */
  #classify(p: Progress, n: number, total: number | undefined): PageVerdict | undefined {
    if (total === undefined) {
      // A server that stops sending totals mid-list says nothing more about completeness.
      if (p.totals === 'ambiguous') p.totals = 'absent';
      return undefined;
    }
    if (p.pages === 1) {
      p.firstTotal = total;
      p.total = total;
      p.totals = total === n ? 'ambiguous' : 'total';
      return undefined;
    }
    switch (p.totals) {
      case 'ambiguous':
        // Page 2 tells: its own length again means per-page counts; the first figure (or more) means a total.
        if (total === n) {
          p.totals = 'perPage';
          return undefined;
        }
        p.totals = 'total';
        return this.#followTotal(p, total);
      case 'total':
        return this.#followTotal(p, total);
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
  #followTotal(p: Progress, total: number): PageVerdict | undefined {
    const before = p.total ?? total;
    if (total < before) {
      return this.#incomplete(
        `totalResults fell from ${before} to ${total} between pages of ${this.#noun}: resources were removed while it was read`,
        FIX.changed,
      );
    }
    p.total = total;
    return undefined;
  }

  #incomplete(problem: string, fix: string): PageVerdict {
    return { kind: 'incomplete', problem, fix };
  }
}
