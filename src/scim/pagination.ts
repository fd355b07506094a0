import type { ListPage } from './profiles/parse.js';

/**
 * Where the next list page starts, or undefined when the listing is complete. Pure.
 *
 * - Advance by the number of resources returned, never by the response's `itemsPerPage` (Amplitude echoes
 *   the requested size there, whatever it returned).
 * - Stop on an empty page, or once the next index is past `totalResults`.
 * - A short page ends the listing when `totalResults` is absent. When `totalResults` says more remain, a short
 *   page means the server caps pages below what was asked (RFC 7644 §3.4.2.4 allows it): keep reading, since
 *   stopping there would return a partial list.
 */
export function nextStartIndex(startIndex: number, requested: number, page: ListPage): number | undefined {
  const returned = page.resources.length;
  if (returned === 0) return undefined;
  const next = startIndex + returned;
  if (page.totalResults === undefined) return returned < requested ? undefined : next;
  return next > page.totalResults ? undefined : next;
}
