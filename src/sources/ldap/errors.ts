/**
 * Turn what ldapts and Node throw into one-line SourceErrors with a fix. Pure: the caller passes what
 * it knows (url, bind identity, CA path, certificate facts); no secret is ever an input here.
 */
import { SourceError } from '../../errors.js';

export interface ErrorContext {
  readonly url: string;
  readonly bindDN?: string | undefined;
  readonly ca?: string | undefined;
  readonly startTLS?: boolean;
  /** Facts of the server certificate, when a diagnostic handshake could read them. */
  readonly cert?: CertFacts | undefined;
}

export interface CertFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly altNames: string;
  readonly validTo: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** Node's certificate verification codes (tls / OpenSSL). */
const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** AD puts a sub-code in the bind error text: `... AcceptSecurityContext error, data 52e, v4563`. */
const AD_BIND_SUBCODES: Record<string, { what: string; fix: string }> = {
  '525': { what: 'the account does not exist', fix: 'check source.bindDN (a DN or a UPN such as svc-scim@example.com)' },
  '52e': { what: 'wrong password (AD data 52e)', fix: 'set the bind password again (source.bindPassword or its file) and check the bind DN' },
  '530': { what: 'logon is not permitted at this time (AD data 530)', fix: "lift the account's logon-hours restriction" },
  '531': { what: 'logon is not permitted from this computer (AD data 531)', fix: "lift the account's workstation restriction" },
  '532': { what: 'the password has expired (AD data 532)', fix: 'set a new password for the service account (and consider "password never expires" for it)' },
  '533': { what: 'the account is disabled (AD data 533)', fix: 'enable the service account in Active Directory' },
  '701': { what: 'the account has expired (AD data 701)', fix: "extend the service account's expiry date" },
  '773': {
    what: 'the password must be changed before first use (AD data 773)',
    fix: 'set a new password for the service account and clear "must change password at next logon"',
  },
  '775': { what: 'the account is locked out (AD data 775)', fix: 'unlock the service account, then check what keeps sending a wrong password' },
};

function codeOf(err: unknown): string | number | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' || typeof c === 'number' ? c : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return url;
  }
}

export function isTlsError(err: unknown): boolean {
  const c = codeOf(err);
  return typeof c === 'string' && (CERT_CODES.has(c) || c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS'));
}

function certText(cert: CertFacts | undefined): string {
  if (!cert) return 'the server certificate';
  return `the server certificate (subject ${cert.subject}, issuer ${cert.issuer}, names ${cert.altNames || 'none'}, valid to ${cert.validTo})`;
}

function tlsError(err: unknown, ctx: ErrorContext): SourceError {
  const code = String(codeOf(err));
  const host = hostOf(ctx.url);
  const how = ctx.startTLS ? 'StartTLS' : 'TLS';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new SourceError(`${how} to ${host} failed: ${certText(ctx.cert)} does not name "${new URL(ctx.url).hostname}" (${code})`, {
      cause: err,
      fix: 'connect with a host name listed in the certificate (source.url), or reissue the certificate with that name',
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new SourceError(`${how} to ${host} failed: ${certText(ctx.cert)} is outside its validity period (${code})`, {
      cause: err,
      fix: 'renew the server certificate (or fix the clock of this machine)',
    });
  }
  if (CERT_CODES.has(code)) {
    const trusted = ctx.ca ? `the CA in ${ctx.ca}` : "the system's trusted CAs";
    return new SourceError(`${how} to ${host} failed: ${certText(ctx.cert)} is not signed by ${trusted} (${code})`, {
      cause: err,
      fix: ctx.ca
        ? `put the PEM of the CA that issued the server certificate in ${ctx.ca} (source.tls.ca)`
        : 'set source.tls.ca to the PEM file of the CA that issued the server certificate',
    });
  }
  return new SourceError(`${how} handshake with ${host} failed (${code}: ${messageOf(err).split('\n')[0]})`, {
    cause: err,
    fix: ctx.startTLS
      ? 'check that the server supports StartTLS on this port'
      : 'check that the port speaks LDAPS (usually 636); for ldap:// ports use source.tls.startTLS instead',
  });
}

/** Errors while connecting, upgrading to TLS or binding. */
export function connectError(err: unknown, ctx: ErrorContext): SourceError {
  if (err instanceof SourceError) return err;
  const code = codeOf(err);
  const msg = messageOf(err);
  const host = hostOf(ctx.url);
  if (isTlsError(err)) return tlsError(err, ctx);
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || /Connection timeout/i.test(msg)) {
    return new SourceError(`cannot reach the LDAP server at ${host} (${typeof code === 'string' ? code : 'connection timed out'})`, {
      cause: err,
      fix: 'check source.url (host and port), that the server is running, and that no firewall blocks this machine',
    });
  }
  if (code === 49) {
    const sub = /data ([0-9a-f]{3})/i.exec(msg)?.[1]?.toLowerCase();
    const known = sub ? AD_BIND_SUBCODES[sub] : undefined;
    const who = ctx.bindDN ?? 'anonymous';
    if (known) return new SourceError(`LDAP bind as "${who}" to ${host} refused: ${known.what}`, { cause: err, fix: known.fix });
    return new SourceError(`LDAP bind as "${who}" to ${host} refused: invalid credentials`, {
      cause: err,
      fix: 'check source.bindDN and the bind password (source.bindPassword or its file)',
    });
  }
  if (code === 8 || code === 13) {
    return new SourceError(`the LDAP server at ${host} refuses a simple bind over an unencrypted connection`, {
      cause: err,
      fix: 'use ldaps:// or set source.tls.startTLS: true',
    });
  }
  if (code === 2 && ctx.startTLS) {
    return new SourceError(`the LDAP server at ${host} refused StartTLS`, {
      cause: err,
      fix: 'enable TLS on the server, or use ldaps:// if it listens on a separate port',
    });
  }
  return new SourceError(`cannot open an LDAP session with ${host}: ${msg.split('\n')[0]}`, {
    cause: err,
    fix: 'check source.url, source.bindDN and source.tls',
  });
}

export interface SearchContext {
  readonly url: string;
  /** `users`, `groups`, `disabled users`, `members of <dn>`. */
  readonly what: string;
  readonly base: string;
  readonly entriesSoFar: number;
  readonly timeoutMs: number;
}

/** Errors during a search. Any of them stops the run: a partial read must never look like leavers. */
export function searchError(err: unknown, ctx: SearchContext): SourceError {
  if (err instanceof SourceError) return err;
  const code = codeOf(err);
  const msg = messageOf(err);
  const host = hostOf(ctx.url);
  const where = `reading ${ctx.what} under "${ctx.base}" from ${host}`;
  const after = `after ${ctx.entriesSoFar} entries`;
  switch (code) {
    case 4:
      return new SourceError(`${where} hit the server's size limit ${after}; nothing was synced`, {
        cause: err,
        fix: 'raise the size limit for the bind account (OpenLDAP: limits dn.exact="<bindDN>" size.prtotal=unlimited; AD: MaxResultSetSize) or narrow users.base/filter',
      });
    case 3:
      return new SourceError(
        `${where} hit the server's time limit ${after} (scimsync asks for source.timeoutMs = ${ctx.timeoutMs}; the server may allow less); nothing was synced`,
        {
          cause: err,
          fix: 'raise source.timeoutMs, or the time limit for the bind account (AD: MaxQueryDuration), or narrow the search (base, filter); add an index for the filter attributes',
        },
      );
    case 11:
      return new SourceError(`${where} hit an administrative limit ${after}; nothing was synced`, {
        cause: err,
        fix: 'raise the limit for the bind account (AD: MaxPageSize/MaxResultSetSize in the LDAP policy) or lower source.pageSize',
      });
    case 32:
      return new SourceError(`${where} failed: the base "${ctx.base}" does not exist`, {
        cause: err,
        fix: 'check users.base / groups.base against the directory (DN spelling, OU names)',
      });
    case 50:
      return new SourceError(`${where} failed: the bind account may not read there`, { cause: err, fix: 'grant the bind account read access to that subtree' });
    case 12:
      return new SourceError(`${where} failed: the server does not support paged results`, {
        cause: err,
        fix: 'enable the simple paged results control (1.2.840.113556.1.4.319) on the server',
      });
    case 87:
      return new SourceError(`${where} failed: the server rejected the filter`, {
        cause: err,
        fix: 'check users.filter, groups.filter and attributes.disabledFilter syntax',
      });
    default:
      break;
  }
  if (/Operation timed out/i.test(msg)) {
    return new SourceError(`${where} timed out ${after} (source.timeoutMs = ${ctx.timeoutMs}); nothing was synced`, {
      cause: err,
      fix: 'raise source.timeoutMs or lower source.pageSize',
    });
  }
  if (/Connection closed|Socket error|socket connection not established/i.test(msg) || (typeof code === 'string' && NETWORK_CODES.has(code))) {
    return new SourceError(`${where} failed: the connection was lost ${after}; nothing was synced`, {
      cause: err,
      fix: 'check the server and the network, then run again',
    });
  }
  if (/filter|paren|escaped|extensible/i.test(msg) && code === undefined) {
    return new SourceError(`${where} failed: invalid LDAP filter (${msg.split('\n')[0]})`, {
      cause: err,
      fix: 'check users.filter, groups.filter and attributes.disabledFilter syntax',
    });
  }
  return new SourceError(`${where} failed ${after}: ${msg.split('\n')[0]}`, { cause: err, fix: 'check the server logs; the run was stopped before any write' });
}
