import { describe, expect, it } from 'vitest';
import { SizeLimitExceededError } from 'ldapts';
import { SourceError } from '../../../../src/errors.js';
import { readAll, readEach } from '../../../../src/sources/ldap/paging.js';
import type { Directory, SearchPage } from '../../../../src/sources/ldap/directory.js';
import { recordedDirectory, user } from './recorded.js';

const spec = { base: 'OU=People,DC=example,DC=com', scope: 'sub' as const, filter: '(objectClass=user)', attributes: ['mail'] };
const ctx = { url: 'ldap://dc1.example.com', what: 'users', timeoutMs: 1000 };
const users = Array.from({ length: 2500 }, (_, i) => user(i + 1));

describe('readAll (paged search)', () => {
  it('reads everything when Windows AD cuts pages at its 1,000-entry MaxPageSize below the asked size', async () => {
    const dir = recordedDirectory({ entries: () => users, maxPage: 1000 });
    const r = await readAll(dir, spec, 5000, ctx);
    expect(dir.pageSizes).toEqual([1000, 1000, 500]);
    expect(r.entries.map((e) => e.dn)).toEqual(users.map((u) => u.dn));
    expect(r.pages).toBe(3);
  });

  it("accepts Samba's extra empty final page", async () => {
    const dir = recordedDirectory({ entries: () => users.slice(0, 1000), trailingEmptyPage: true });
    const r = await readAll(dir, spec, 500, ctx);
    expect(r.entries).toHaveLength(1000);
    expect(r.pages).toBe(3);
  });

  it('throws a SourceError, never a short list, when the size limit hits mid-way', async () => {
    const dir = recordedDirectory({ entries: () => users, failAfterPages: { pages: 2, error: new SizeLimitExceededError('Size limit exceeded') } });
    const err = await readAll(dir, spec, 500, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe(
      `reading users under "OU=People,DC=example,DC=com" from dc1.example.com hit the server's size limit after 1000 entries; nothing was synced`,
    );
  });

  it('reports a connection lost mid-page', async () => {
    const lost = new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)');
    const dir = recordedDirectory({ entries: () => users, failAfterPages: { pages: 1, error: lost } });
    const err = (await readAll(dir, spec, 1000, ctx).catch((e: unknown) => e)) as SourceError;
    expect(err.message).toMatch(/the connection was lost after 1000 entries; nothing was synced$/);
  });

  it('refuses a server that repeats entries across pages (cookie not honoured)', async () => {
    const dir = recordedDirectory({ entries: () => [...users.slice(0, 10), ...users.slice(0, 10)] });
    const err = (await readAll(dir, spec, 10, ctx).catch((e: unknown) => e)) as SourceError;
    expect(err.message).toMatch(/returned "CN=u0001,OU=People,DC=example,DC=com" twice across pages/);
  });

  it('stops when the run is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const dir = recordedDirectory({ entries: () => users });
    await expect(readAll(dir, spec, 100, { ...ctx, signal: ac.signal })).rejects.toThrow(/aborted/);
  });

  it('asks for the next page before handing on the current one, so decoding overlaps the server', async () => {
    const dir = recordedDirectory({ entries: () => users.slice(0, 30) });
    // How many pages the directory had been asked for when each entry was decoded.
    const askedWhenDecoded: number[] = [];
    const r = await readEach(dir, spec, 10, ctx, (e, key) => {
      askedWhenDecoded.push(dir.pageSizes.length);
      return key;
    });
    expect(askedWhenDecoded).toEqual([...Array(10).fill(2), ...Array(10).fill(3), ...Array(10).fill(3)]);
    expect(r.entries[0]).toBe('cn=u0001,ou=people,dc=example,dc=com');
    expect(r.pages).toBe(3);
  });

  it('stops at an error in decoding and leaves the page asked for ahead unawaited without an unhandled rejection', async () => {
    const rejected: unknown[] = [];
    const onRejection = (e: unknown): void => {
      rejected.push(e);
    };
    process.on('unhandledRejection', onRejection);
    try {
      let failNext: (e: Error) => void = () => undefined;
      const dir: Directory = {
        async *pages(): AsyncIterable<SearchPage> {
          yield { entries: users.slice(0, 2), references: [] };
          // Page two is still in flight when the consumer gives up; then the connection drops.
          await new Promise<void>((_, reject) => (failNext = reject));
        },
        search: async () => [],
      };
      const err = await readEach(dir, spec, 2, ctx, () => {
        throw new Error('decode failed');
      }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/decode failed/);
      failNext(new Error('Connection closed before message response was received'));
      await new Promise((r) => setTimeout(r, 10));
      expect(rejected).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
