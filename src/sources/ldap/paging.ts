import { SourceError } from '../../errors.js';
import type { Directory, SearchPage, SearchSpec } from './directory.js';
import { searchError } from './errors.js';
import { dnKey, type LdapEntry } from './values.js';

export interface ReadAllContext {
  readonly url: string;
  readonly what: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ReadAllResult<T = LdapEntry> {
  readonly entries: T[];
  readonly pages: number;
  readonly references: number;
}

/**
 * Read every page of a paged search into memory, or throw. A server may cut pages smaller than asked
 * (AD's MaxPageSize is 1,000) or end with an empty page (Samba): only the server's cookie ends the
 * search. Any error mid-way throws a SourceError and discards what was read: a short list would look
 * like leavers.
 */
export function readAll(dir: Directory, spec: SearchSpec, pageSize: number, ctx: ReadAllContext): Promise<ReadAllResult> {
  return readEach(dir, spec, pageSize, ctx, (e) => e);
}

/**
 * readAll that turns each entry into what the caller keeps (`decode` gets the entry and its DN key) as
 * its page arrives. The next page is already asked for by then (readAhead), so decoding runs while the
 * server cuts the next page instead of after the whole read, and the raw entries die page by page.
 */
export async function readEach<T>(
  dir: Directory,
  spec: SearchSpec,
  pageSize: number,
  ctx: ReadAllContext,
  decode: (entry: LdapEntry, key: string) => T,
): Promise<ReadAllResult<T>> {
  const entries: T[] = [];
  const seen = new Set<string>();
  let pages = 0;
  let references = 0;
  try {
    for await (const page of readAhead(dir.pages(spec, pageSize))) {
      throwIfAborted(ctx.signal);
      pages++;
      references += page.references.length;
      for (const e of page.entries) {
        const key = dnKey(e.dn);
        // A server that restarts the result set (a lost cookie) would otherwise double-count entries.
        if (seen.has(key)) {
          throw new SourceError(`reading ${ctx.what} under "${spec.base}": the server returned "${e.dn}" twice across pages; nothing was synced`, {
            fix: 'the paged-results cookie was not honoured; check the server (or a load balancer switching servers between pages)',
          });
        }
        seen.add(key);
        entries.push(decode(e, key));
      }
    }
  } catch (err) {
    throw searchError(err, { url: ctx.url, what: ctx.what, base: spec.base, entriesSoFar: entries.length, timeoutMs: ctx.timeoutMs });
  }
  return { entries, pages, references };
}

/**
 * Pages with one request in flight ahead of the consumer: page n+1 is asked for the moment page n
 * arrives, before page n is handed on. A paged search is otherwise strict ping-pong (the server idles
 * while this process decodes, and the other way round).
 */
export async function* readAhead(pages: AsyncIterable<SearchPage>): AsyncGenerator<SearchPage> {
  const it = pages[Symbol.asyncIterator]();
  let next = it.next();
  // The request ahead may fail while the consumer is busy or after it stopped early (an error, an
  // abort): it is awaited below when still wanted, and must not count as an unhandled rejection.
  next.catch(() => undefined);
  for (;;) {
    const r = await next;
    if (r.done) return;
    next = it.next();
    next.catch(() => undefined);
    yield r.value;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SourceError('LDAP read aborted', { fix: 'the run was cancelled (shutdown or timeout); it will run again on schedule' });
  }
}
