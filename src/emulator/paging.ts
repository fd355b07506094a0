import { LIST_URN } from './render.js';
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
 * The response `itemsPerPage` is the page size asked for on Amplitude (its documented quirk) and the
 * number of resources returned on an RFC server.
 */
export function listResponse(profile: EmulatorProfile, page: Page, total: number, resources: unknown[]): Record<string, unknown> {
  return {
    schemas: [LIST_URN],
    startIndex: page.startIndex,
    itemsPerPage: profile === 'amplitude' ? page.size : resources.length,
    totalResults: total,
    Resources: resources,
  };
}
