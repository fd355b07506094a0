/**
 * The real Directory: an ldapts Client, connected over ldap://, ldaps:// or StartTLS and bound.
 * Verification is on unless the config says otherwise; on a certificate failure a second handshake
 * that sends nothing (no bind) reads the certificate so the error can say which one and which names.
 */
import { readFile } from 'node:fs/promises';
import { fileAccessProblem } from '../../config/index.js';
import tls, { type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { SourceError } from '../../errors.js';
import type { Directory, SearchPage, SearchSpec } from './directory.js';
import { connectError, isTlsError, type CertFacts } from './errors.js';
import type { LdapSourceConfig } from './options.js';
import type { LdapEntry } from './values.js';

/** ldapts is loaded when an LDAP source connects: a run from a CSV file never pays its start-up. */
function loadLdapts(): Promise<typeof import('ldapts')> {
  return import('ldapts');
}

export interface OpenDirectory extends Directory {
  close(): Promise<void>;
}

async function loadCa(path: string | undefined): Promise<Buffer[] | undefined> {
  if (!path) return undefined;
  try {
    return [await readFile(path)];
  } catch (err) {
    const p = fileAccessProblem(err, path, 'source.tls.ca', 'the PEM file of the CA');
    throw new SourceError(`cannot read the LDAP CA file ${path}: ${p.why}`, { cause: err, fix: p.fix });
  }
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SourceError(`source.url "${url}" is not a URL`, { code: 'SCIMSYNC_SOURCE_INVALID', fix: 'use ldap://host:389 or ldaps://host:636' });
  }
  if (u.protocol !== 'ldap:' && u.protocol !== 'ldaps:') {
    throw new SourceError(`source.url "${url}" must start with ldap:// or ldaps://`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'use ldap://host:389 or ldaps://host:636',
    });
  }
  return u;
}

function certFacts(c: PeerCertificate | undefined): CertFacts | undefined {
  if (!c || !c.subject) return undefined;
  const dn = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
      .join(', ');
  return {
    subject: dn(c.subject as unknown as Record<string, unknown>),
    issuer: dn(c.issuer as unknown as Record<string, unknown>),
    altNames: c.subjectaltname ?? '',
    validTo: c.valid_to,
  };
}

/** Handshake without verification and without LDAP traffic (ldaps) or with only StartTLS, to read the cert. */
async function probeCertificate(u: URL, startTLS: boolean, timeoutMs: number): Promise<CertFacts | undefined> {
  const port = Number(u.port || (u.protocol === 'ldaps:' ? 636 : 389));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!startTLS) {
    return new Promise((resolve) => {
      const s = tls.connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs });
      const done = (v: CertFacts | undefined): void => {
        s.destroy();
        resolve(v);
      };
      s.once('secureConnect', () => done(certFacts(s.getPeerCertificate())));
      s.once('error', () => done(undefined));
      s.once('timeout', () => done(undefined));
    });
  }
  let captured: TLSSocket | undefined;
  const { Client } = await loadLdapts();
  const client = new Client({
    url: `ldap://${u.host}`,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    createSecureConnection: ((opts: ConnectionOptions) => {
      captured = tls.connect({ ...opts, rejectUnauthorized: false });
      return captured;
    }) as unknown as typeof tls.connect,
  });
  try {
    await client.startTLS({ rejectUnauthorized: false });
    return certFacts(captured?.getPeerCertificate());
  } catch {
    return undefined;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * ldapts asks the server for a 10 s time limit on every search unless told otherwise, so a slow search (AD's
 * in-chain rule on a busy DC, an unindexed filter) failed with "time limit exceeded" while the admin's
 * source.timeoutMs still allowed 30 s. The server gets the same budget as the client instead.
 */
export function toSearchOptions(
  spec: SearchSpec,
  timeoutMs: number,
): {
  scope: 'base' | 'one' | 'sub';
  filter: string;
  attributes: string[];
  explicitBufferAttributes: string[];
  timeLimit: number;
} {
  return {
    scope: spec.scope,
    filter: spec.filter,
    attributes: [...spec.attributes],
    explicitBufferAttributes: [...(spec.binary ?? [])],
    timeLimit: Math.ceil(timeoutMs / 1000),
  };
}

export async function openDirectory(cfg: LdapSourceConfig): Promise<OpenDirectory> {
  const u = parseUrl(cfg.url);
  const secure = u.protocol === 'ldaps:';
  if (secure && cfg.tls.startTLS) {
    throw new SourceError('source.tls.startTLS cannot be combined with an ldaps:// URL', {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'use ldap://host:389 with startTLS: true, or ldaps://host:636 with startTLS: false',
    });
  }
  if (cfg.bindDN && !cfg.bindPassword) {
    // An empty password is an "unauthenticated bind" that servers accept as anonymous: the read would
    // silently see fewer entries, and fewer entries look like leavers.
    throw new SourceError(`source.bindDN "${cfg.bindDN}" is set but the bind password is empty`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'set source.bindPassword (or bindPasswordFile / ${ENV}); remove bindDN to bind anonymously',
    });
  }
  const ca = await loadCa(cfg.tls.ca);
  const tlsOptions: ConnectionOptions = { rejectUnauthorized: cfg.tls.rejectUnauthorized, ...(ca ? { ca } : {}) };
  // ldapts 8.2 speaks TLS at once whenever tlsOptions is set, even for ldap://: only pass it for ldaps://.
  const { Client } = await loadLdapts();
  const client = new Client({ url: cfg.url, timeout: cfg.timeoutMs, connectTimeout: cfg.timeoutMs, ...(secure ? { tlsOptions } : {}) });
  const ctx = { url: cfg.url, bindDN: cfg.bindDN, ca: cfg.tls.ca, startTLS: cfg.tls.startTLS };
  try {
    if (cfg.tls.startTLS) await client.startTLS({ ...tlsOptions, host: u.hostname });
    if (cfg.bindDN) await client.bind(cfg.bindDN, cfg.bindPassword);
    // Anonymous: nothing has touched the network yet; surface connection problems here, not mid-read.
    else if (!cfg.tls.startTLS) await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
  } catch (err) {
    await client.unbind().catch(() => undefined);
    const cert = isTlsError(err) ? await probeCertificate(u, cfg.tls.startTLS, Math.min(cfg.timeoutMs, 5_000)) : undefined;
    throw connectError(err, { ...ctx, cert });
  }

  return {
    async *pages(spec: SearchSpec, pageSize: number): AsyncIterable<SearchPage> {
      for await (const r of client.searchPaginated(spec.base, { ...toSearchOptions(spec, cfg.timeoutMs), paged: { pageSize } })) {
        yield { entries: r.searchEntries as unknown as LdapEntry[], references: r.searchReferences };
      }
    },
    async search(spec: SearchSpec): Promise<readonly LdapEntry[]> {
      const r = await client.search(spec.base, toSearchOptions(spec, cfg.timeoutMs));
      return r.searchEntries as unknown as LdapEntry[];
    },
    async close(): Promise<void> {
      await client.unbind().catch(() => undefined);
    },
  };
}
