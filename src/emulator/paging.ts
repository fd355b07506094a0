import { LIST_URN, type Ctx } from './render.js';
import type { EmulatorProfile } from './types.js';

/** Both profiles cap a page at 100 (Amplitude documents it; the rfc profile advertises it). */
export const MAX_PAGE = 100;

export interface Page {
  /** 0-based offset. */
  offset: number;
  size: number;
  startIndex: number;
}

function int(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/**
 * Amplitude pages by `itemsPerPage` (also accepting the RFC's `count`); the rfc profile by `count`.
 * startIndex below 1 is 1 and a negative size is 0 (RFC 7644 §3.4.2.4).
 */
export function readPage(query: URLSearchParams, profile: EmulatorProfile): Page {
  const startIndex = Math.max(1, int(query.get('startIndex')) ?? 1);
  const requested = profile === 'amplitude' ? (int(query.get('itemsPerPage')) ?? int(query.get('count'))) : int(query.get('count'));
  const size = Math.min(MAX_PAGE, Math.max(0, requested ?? MAX_PAGE));
  return { offset: startIndex - 1, size, startIndex };
}

/**
 * One page of a list as a ListResponse, with the paging quirks that are switched on (quirks.ts).
 * `ghost(n)` renders a resource that does not exist, at 1-based position n (endless-pages).
 *
 * Without quirks the response `itemsPerPage` is the page size asked for on Amplitude (its documented quirk)
 * and the number of resources returned on an RFC server.
 */
export function listPage<T>(
  ctx: Ctx,
  query: URLSearchParams,
  all: readonly T[],
  render: (item: T) => unknown,
  ghost: (n: number) => unknown,
): Record<string, unknown> {
  const q = ctx.quirks;
  const asked = readPage(query, ctx.profile);
  let { offset, startIndex } = asked;
  // The cap is silent: nothing in the response says the server used a smaller page than the one asked for.
  let size = q.pageSizeCap === undefined ? asked.size : Math.min(asked.size, q.pageSizeCap);
  if (q.ignoresStartIndex) {
    // better-auth: no paging parameters at all, the first page whatever was asked, and it says it started at 1.
    offset = 0;
    startIndex = 1;
    size = Math.min(MAX_PAGE, q.pageSizeCap ?? MAX_PAGE);
  }
  const resources: unknown[] = all.slice(offset, offset + size).map(render);
  let total = all.length;
  if (q.endlessPages) {
    // Past the real resources the list goes on with ones never seen before, and the end always moves a page on.
    for (let n = offset + resources.length + 1; resources.length < size; n++) resources.push(ghost(n));
    total = Math.max(all.length, offset + resources.length + Math.max(size, 1));
  }
  if (q.emptyPageAt !== undefined && asked.startIndex === q.emptyPageAt) resources.length = 0;
  if (q.totalResultsPerPage || q.ignoresStartIndex) total = resources.length;
  return {
    schemas: [LIST_URN],
    startIndex,
    itemsPerPage: ctx.profile === 'amplitude' ? asked.size : resources.length,
    totalResults: total,
    Resources: resources,
  };
}
