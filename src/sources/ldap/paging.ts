import { SourceError } from '../../errors.js';
import type { Directory, SearchSpec } from './directory.js';
import { searchError } from './errors.js';
import { dnKey, type LdapEntry } from './values.js';

export interface ReadAllContext {
  readonly url: string;
  readonly what: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ReadAllResult {
  readonly entries: LdapEntry[];
  readonly pages: number;
  readonly references: number;
}

/**
 * Read every page of a paged search into memory, or throw. A server may cut pages smaller than asked
 * (AD's MaxPageSize is 1,000) or end with an empty page (Samba): only the server's cookie ends the
 * search. Any error mid-way throws a SourceError and discards what was read: a short list would look
 * like leavers.
 */
export async function readAll(dir: Directory, spec: SearchSpec, pageSize: number, ctx: ReadAllContext): Promise<ReadAllResult> {
  const entries: LdapEntry[] = [];
  const seen = new Set<string>();
  let pages = 0;
  let references = 0;
  try {
    for await (const page of dir.pages(spec, pageSize)) {
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
        entries.push(e);
      }
    }
  } catch (err) {
    throw searchError(err, { url: ctx.url, what: ctx.what, base: spec.base, entriesSoFar: entries.length, timeoutMs: ctx.timeoutMs });
  }
  return { entries, pages, references };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SourceError('LDAP read aborted', { fix: 'the run was cancelled (shutdown or timeout); it will run again on schedule' });
  }
}
