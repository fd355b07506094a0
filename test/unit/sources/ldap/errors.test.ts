import { toSearchOptions } from '../../../../src/sources/ldap/connection.js';
import { describe, expect, it } from 'vitest';
import { InvalidCredentialsError, StrongAuthRequiredError, TimeLimitExceededError } from 'ldapts';
import { connectError, searchError } from '../../../../src/sources/ldap/errors.js';

const ctx = { url: 'ldaps://dc1.example.com:636', bindDN: 'svc-scim@example.com', ca: '/etc/scimsync/ca.pem' };
const adBind = (data: string): InvalidCredentialsError =>
  new InvalidCredentialsError(`80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data ${data}, v4563\u0000`);

describe('connectError', () => {
  it.each([
    ['52e', 'wrong password (AD data 52e)', /bind password/],
    ['533', 'the account is disabled (AD data 533)', /enable the service account/],
    ['532', 'the password has expired (AD data 532)', /new password/],
    ['773', 'the password must be changed before first use (AD data 773)', /must change password/],
    ['775', 'the account is locked out (AD data 775)', /unlock/],
  ])('explains AD bind sub-code %s', (code, what, fix) => {
    const err = connectError(adBind(code), ctx);
    expect(err.message).toBe(`LDAP bind as "svc-scim@example.com" to dc1.example.com:636 refused: ${what}`);
    expect(err.fix).toMatch(fix);
    expect(err.code).toBe('SCIMSYNC_SOURCE_READ');
  });

  it('falls back to invalid credentials for non-AD servers', () => {
    expect(connectError(new InvalidCredentialsError(), ctx).message).toBe(
      'LDAP bind as "svc-scim@example.com" to dc1.example.com:636 refused: invalid credentials',
    );
  });

  it('asks for TLS when the server requires strong auth', () => {
    expect(connectError(new StrongAuthRequiredError(), { url: 'ldap://dc1:389' }).fix).toMatch(/ldaps:\/\/ or .*startTLS/);
  });

  it('names the certificate and the host on a name mismatch', () => {
    const e = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const err = connectError(e, {
      ...ctx,
      cert: { subject: 'CN=DC1.corp.local', issuer: 'CN=corp CA', altNames: 'DNS:dc1.corp.local', validTo: 'Jan 1 2030' },
    });
    expect(err.message).toBe(
      'TLS to dc1.example.com:636 failed: the server certificate (subject CN=DC1.corp.local, issuer CN=corp CA, names DNS:dc1.corp.local, valid to Jan 1 2030) does not name "dc1.example.com" (ERR_TLS_CERT_ALTNAME_INVALID)',
    );
  });

  it('says unreachable for refused connections and connect timeouts', () => {
    expect(connectError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), ctx).message).toBe(
      'cannot reach the LDAP server at dc1.example.com:636 (ENOTFOUND)',
    );
    expect(connectError(new Error('Connection timeout'), ctx).message).toBe('cannot reach the LDAP server at dc1.example.com:636 (connection timed out)');
  });
});

describe('searchError', () => {
  const sctx = { url: 'ldap://ldap1:389', what: 'groups', base: 'ou=groups,dc=x', entriesSoFar: 40, timeoutMs: 5000 };
  it('maps the time limit and client timeouts', () => {
    expect(searchError(new TimeLimitExceededError(), sctx).message).toBe(
      `reading groups under "ou=groups,dc=x" from ldap1:389 hit the server's time limit after 40 entries (scimsync asks for source.timeoutMs = ${sctx.timeoutMs}; the server may allow less); nothing was synced`,
    );
    expect(searchError(new Error('SearchRequest: Operation timed out'), sctx).message).toMatch(/timed out after 40 entries \(source\.timeoutMs = 5000\)/);
  });
});

describe('the time limit asked of the server', () => {
  it('follows source.timeoutMs instead of ldapts’ own 10 s default', () => {
    const spec = { base: 'dc=x', scope: 'sub' as const, filter: '(uid=*)', attributes: ['uid'] };
    expect(toSearchOptions(spec, 30_000).timeLimit).toBe(30);
    expect(toSearchOptions(spec, 45_500).timeLimit).toBe(46);
    expect(toSearchOptions(spec, 200).timeLimit).toBe(1);
  });
});
