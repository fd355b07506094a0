import { describe, expect, it } from 'vitest';
import { nextStartIndex } from '../../../src/scim/pagination.js';
import { parseListPage, type ListPage } from '../../../src/scim/profiles/parse.js';

const items = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));
const page = (raw: unknown): ListPage => {
  const p = parseListPage(raw);
  if (typeof p === 'string') throw new Error(p);
  return p;
};

describe('nextStartIndex', () => {
  it("advances by the resources returned, not by Amplitude's echoed itemsPerPage", () => {
    // Amplitude's documented example: itemsPerPage 100 with a single resource.
    const p = page({ startIndex: 1, itemsPerPage: 100, totalResults: 150, Resources: items(100) });
    expect(nextStartIndex(1, 100, p)).toBe(101);
    const last = page({ startIndex: 101, itemsPerPage: 100, totalResults: 150, Resources: items(50) });
    expect(nextStartIndex(101, 100, last)).toBeUndefined();
  });

  it('stops exactly at totalResults (a full last page needs no extra request)', () => {
    expect(nextStartIndex(101, 100, page({ totalResults: 200, Resources: items(100) }))).toBeUndefined();
  });

  it('stops on an empty page even if totalResults claims more', () => {
    expect(nextStartIndex(201, 100, page({ totalResults: 500, Resources: [] }))).toBeUndefined();
  });

  it('stops on a short page when totalResults is absent', () => {
    expect(nextStartIndex(1, 100, page({ Resources: items(99) }))).toBeUndefined();
    expect(nextStartIndex(1, 100, page({ Resources: items(100) }))).toBe(101);
  });

  it('keeps reading when a server caps pages below the request but totalResults says more remain', () => {
    expect(nextStartIndex(1, 100, page({ totalResults: 120, Resources: items(50) }))).toBe(51);
  });

  it('treats an empty list with no Resources as complete', () => {
    expect(page({ totalResults: 0 })).toEqual({ totalResults: 0, resources: [] });
    expect(nextStartIndex(1, 100, page({ totalResults: 0 }))).toBeUndefined();
  });

  it('reads totalResults sent as a string', () => {
    expect(page({ totalResults: '3', Resources: items(3) }).totalResults).toBe(3);
  });

  it('refuses a list that claims results but has no Resources, or is not an object', () => {
    expect(parseListPage({ totalResults: 5 })).toMatch(/no Resources/);
    expect(parseListPage({ totalResults: 5, Resources: 'x' })).toMatch(/not a list/);
    expect(parseListPage('<html>')).toMatch(/not a JSON object/);
  });
});
