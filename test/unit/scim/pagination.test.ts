import { describe, expect, it } from 'vitest';
import { PageReader, type PageVerdict } from '../../../src/scim/pagination.js';
import { parseListPage, type ListPage } from '../../../src/scim/profiles/parse.js';

/** What one server answers for a page request: the ids on the page and its totalResults (undefined: absent). */
type Server = (startIndex: number, count: number) => { ids: string[]; total: number | undefined };

const ids = (from: number, n: number): string[] => Array.from({ length: Math.max(0, n) }, (_, i) => `u${from + i}`);

/** An honest server holding `n` resources, optionally capping pages at `cap`. */
const honest =
  (n: number, cap = 100): Server =>
  (start, count) => ({ ids: ids(start, Math.min(count, cap, n - start + 1)), total: n });

/**
 * Reads like the client does; returns the last verdict, the requests made and the resources read. With
 * `readAhead`, also requests the page PageReader.ahead names while each page is on its way (client.ts #list):
 * `requests` then counts those too, whether they were used or not.
 */
function readAll(server: Server, maxPages?: number, readAhead = false): { verdict: PageVerdict; requests: number; read: number } {
  const reader = new PageReader('users', 100, maxPages);
  let start = 1;
  let requests = 1;
  while (requests < 100_000) {
    const ahead = readAhead ? reader.ahead(start) : undefined;
    if (ahead !== undefined) requests++;
    const { ids: pageIds, total } = server(start, 100);
    const raw = { ...(total === undefined ? {} : { totalResults: total }), itemsPerPage: 100, Resources: pageIds.map((id) => ({ id })) };
    const verdict = reader.observe(start, pageIds, page(raw));
    if (verdict.kind !== 'next') return { verdict, requests, read: reader.count };
    start = verdict.startIndex;
    if (start !== ahead) requests++;
  }
  throw new Error('the reader never stopped');
}

const page = (raw: unknown): ListPage => {
  const p = parseListPage(raw);
  if (typeof p === 'string') throw new Error(p);
  return p;
};

describe('PageReader against honest servers: exactly ⌈n/100⌉ requests', () => {
  it.each([
    [0, 1],
    [20, 1],
    [250, 3],
    [200, 2],
    [10_000, 100],
  ])('%i resources: %i requests, all read', (n, requests) => {
    expect(readAll(honest(n))).toEqual({ verdict: { kind: 'done' }, requests, read: n });
  });

  it('exactly one full page: one extra request, since totalResults = the page length could be a per-page count', () => {
    expect(readAll(honest(100))).toEqual({ verdict: { kind: 'done' }, requests: 2, read: 100 });
  });

  it('a server that silently caps pages below what was asked: the page size is learned from the first page', () => {
    expect(readAll(honest(120, 50))).toEqual({ verdict: { kind: 'done' }, requests: 3, read: 120 });
  });

  it('no totalResults at all: full pages read on, a short page ends the list', () => {
    const server: Server = (start, count) => ({ ids: ids(start, Math.min(count, 230 - start + 1)), total: undefined });
    expect(readAll(server)).toEqual({ verdict: { kind: 'done' }, requests: 3, read: 230 });
  });
});

describe('PageReader against misbehaving servers', () => {
  it('totalResults = the page length (WSO2, SCIMple, scimmy): pages decide, the whole list is read', () => {
    const perPage: Server = (start, count) => {
      const got = ids(start, Math.min(count, 250 - start + 1));
      return { ids: got, total: got.length };
    };
    expect(readAll(perPage)).toEqual({ verdict: { kind: 'done' }, requests: 3, read: 250 });
  });

  it('startIndex ignored (every request answers the first 100, totalResults 100): incomplete, after 2 requests', () => {
    const r = readAll(() => ({ ids: ids(1, 100), total: 100 }));
    expect(r.requests).toBe(2);
    expect(r.verdict).toMatchObject({
      kind: 'incomplete',
      problem: 'the page at startIndex 101 repeats 100 users already read: the target ignores startIndex',
    });
  });

  it('an empty page while totalResults says more remain: incomplete', () => {
    const emptyAt2: Server = (start, count) => (start > 100 ? { ids: [], total: 250 } : honest(250)(start, count));
    expect(readAll(emptyAt2)).toEqual({
      verdict: expect.objectContaining({
        kind: 'incomplete',
        problem: 'an empty page at startIndex 101 ended the list after 100 users, but totalResults says 250',
      }),
      requests: 2,
      read: 100,
    });
  });

  it('a short page while totalResults says more remain: incomplete', () => {
    const short: Server = (start, count) => (start > 100 ? { ids: ids(start, 30), total: 250 } : honest(250)(start, count));
    expect(readAll(short).verdict).toMatchObject({ kind: 'incomplete', problem: expect.stringContaining('a short page (30 of 100) at startIndex 101') });
  });

  it('pages that never end, with a real total: incomplete as soon as the pages pass it', () => {
    const endless: Server = (start) => ({ ids: ids(start, 100), total: 250 });
    expect(readAll(endless)).toMatchObject({ verdict: { kind: 'incomplete', problem: 'the target listed 300 users but totalResults says 250' }, requests: 3 });
  });

  it('pages that never end, without usable totals: incomplete at the page cap', () => {
    const endless: Server = (start) => ({ ids: ids(start, 100), total: 100 });
    expect(readAll(endless, 50)).toMatchObject({
      verdict: { kind: 'incomplete', problem: expect.stringContaining('50 pages (5000 users) and no end') },
      requests: 50,
    });
  });

  it('pages that never end, whose total always moves a page on: incomplete at ⌈first total / page⌉ + 1 pages', () => {
    const moving: Server = (start) => ({ ids: ids(start, 100), total: Math.max(250, start - 1 + 200) });
    expect(readAll(moving)).toMatchObject({
      verdict: { kind: 'incomplete', problem: 'the target kept sending full pages of users past its first totalResults (250): 4 pages (400 users) and no end' },
      requests: 4,
    });
  });

  it('a total that falls between pages (resources removed while read, one may be skipped): incomplete', () => {
    const shrinking: Server = (start, count) => ({ ids: ids(start, Math.min(count, 249 - start + 1)), total: start === 1 ? 250 : 249 });
    expect(readAll(shrinking).verdict).toMatchObject({
      kind: 'incomplete',
      problem: 'totalResults fell from 250 to 249 between pages of users: resources were removed while it was read',
    });
  });

  it('a total that grows between pages (a user appended while read): the newcomer is read too, complete', () => {
    const growing: Server = (start, count) => {
      const n = start === 1 ? 250 : 251;
      return { ids: ids(start, Math.min(count, n - start + 1)), total: n };
    };
    expect(readAll(growing)).toEqual({ verdict: { kind: 'done' }, requests: 3, read: 251 });
  });

  it('a page that overlaps the previous one (the list shifted): incomplete', () => {
    const shifted: Server = (start, count) => ({ ids: ids(start === 1 ? 1 : start - 1, count), total: 250 });
    expect(readAll(shifted).verdict).toMatchObject({ kind: 'incomplete', problem: expect.stringContaining('repeats 1 of its 100 users') });
  });
});

describe('PageReader.ahead: the page to request while the current one is on its way', () => {
  const perPage: Server = (start, count) => {
    const got = ids(start, Math.min(count, 250 - start + 1));
    return { ids: got, total: got.length };
  };
  const growing: Server = (start, count) => {
    const n = start === 1 ? 250 : 251;
    return { ids: ids(start, Math.min(count, n - start + 1)), total: n };
  };
  it.each([
    ['honest, 250', honest(250)],
    ['honest, exactly 100 (total = page length)', honest(100)],
    ['honest, 10,000', honest(10_000)],
    ['capped at 50, 120', honest(120, 50)],
    ['no totals, 230', (start: number, count: number) => ({ ids: ids(start, Math.min(count, 230 - start + 1)), total: undefined })],
    ['per-page totals, 250', perPage],
    ['startIndex ignored', () => ({ ids: ids(1, 100), total: 100 })],
    ['endless, total always a page on', (start: number) => ({ ids: ids(start, 100), total: Math.max(250, start - 1 + 200) })],
    ['endless, real total', (start: number) => ({ ids: ids(start, 100), total: 250 })],
    ['growing total', growing],
  ] as [string, Server][])('%s: the same verdict and the same number of requests as a sequential read', (_name, server) => {
    expect(readAll(server, 50, true)).toEqual(readAll(server, 50));
  });

  it('names the next page only once a real total counts resources on it', () => {
    const reader = new PageReader('users', 100);
    expect(reader.ahead(1)).toBeUndefined();
    reader.observe(1, ids(1, 100), page({ totalResults: 250, Resources: ids(1, 100).map((id) => ({ id })) }));
    expect(reader.ahead(101)).toBe(201);
    // ahead records nothing: asked again, the same answer.
    expect(reader.ahead(101)).toBe(201);
    reader.observe(101, ids(101, 100), page({ totalResults: 250, Resources: ids(101, 100).map((id) => ({ id })) }));
    // 250 resources: none on a page at 301.
    expect(reader.ahead(201)).toBeUndefined();
  });

  it.each([
    ['a short page', (start: number, count: number) => (start > 100 ? { ids: ids(start, 30), total: 250 } : honest(250)(start, count))],
    ['a page that repeats one', (start: number, count: number) => ({ ids: ids(start === 1 ? 1 : start - 1, count), total: 250 })],
    ['a total that falls', (start: number, count: number) => ({ ids: ids(start, Math.min(count, 249 - start + 1)), total: start === 1 ? 250 : 249 })],
  ] as [string, Server][])('%s at 101 (the read stops): one request more than a sequential read, no more', (_name, server) => {
    const sequential = readAll(server);
    expect(sequential.verdict.kind).toBe('incomplete');
    expect(readAll(server, undefined, true)).toEqual({ ...sequential, requests: sequential.requests + 1 });
  });
});

describe('parseListPage', () => {
  it('treats an empty list with no Resources as complete', () => {
    expect(page({ totalResults: 0 })).toEqual({ totalResults: 0, resources: [] });
  });

  it('reads totalResults sent as a string', () => {
    expect(page({ totalResults: '3', Resources: ids(1, 3) }).totalResults).toBe(3);
  });

  it('refuses a list that claims results but has no Resources, or is not an object', () => {
    expect(parseListPage({ totalResults: 5 })).toMatch(/no Resources/);
    expect(parseListPage({ totalResults: 5, Resources: 'x' })).toMatch(/not a list/);
    expect(parseListPage('<html>')).toMatch(/not a JSON object/);
  });
});
