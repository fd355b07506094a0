import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';

/** An LDAP source config; `source` is the inside of the source mapping, in YAML flow style. */
const yaml = (source: string): string =>
  `source: { type: ldap, dialect: openldap, users: { base: "dc=x" }, ${source} }\ntarget: { url: "https://x.example/", token: t0k3n }\n`;
const bind = 'bindDN: "cn=svc,dc=x", bindPassword: s3cr3t-pw';

function issues(source: string): { path: string; message: string }[] {
  try {
    parseConfig(yaml(source), { path: 'config.yaml', env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues as { path: string; message: string }[];
  }
  return [];
}

describe('LDAP transport: a password never crosses a network in clear', () => {
  it('refuses a password bind over plain ldap:// to a remote host, naming source.url and both fixes', () => {
    expect(issues(`url: "ldap://dc1.example.com:389", ${bind}`)).toEqual([
      {
        path: 'source.url',
        message:
          'ldap:// without StartTLS is refused for dc1.example.com: the bind password would travel in clear — use ldaps:// or set source.tls.startTLS: true (plain ldap:// is allowed only for localhost, 127.0.0.0/8 and ::1)',
      },
    ]);
    expect(issues(`url: "LDAP://10.0.0.5", ${bind}`).map((i) => i.path)).toEqual(['source.url']);
    expect(issues(`url: "ldap://[fd00::5]:389", ${bind}`).map((i) => i.path)).toEqual(['source.url']);
    // Only the loopback spellings of 127/8 count: anything the resolver might send elsewhere is remote.
    expect(issues(`url: "ldap://127.1", ${bind}`).map((i) => i.path)).toEqual(['source.url']);
  });

  it.each([
    ['ldaps://', 'url: "ldaps://dc1.example.com"'],
    ['StartTLS', 'url: "ldap://dc1.example.com", tls: { startTLS: true }'],
    ['127.0.0.1', 'url: "ldap://127.0.0.1:3890"'],
    ['127.0.0.0/8', 'url: "ldap://127.8.9.10:389"'],
    ['localhost', 'url: "ldap://LocalHost:389"'],
    ['::1', 'url: "ldap://[::1]:389"'],
  ])('allows a password bind over %s', (_name, source) => {
    expect(issues(`${source}, ${bind}`)).toEqual([]);
  });

  it('allows an anonymous read over plain ldap:// (no password to protect)', () => {
    expect(issues('url: "ldap://dc1.example.com"')).toEqual([]);
  });

  it('rejectUnauthorized: false only for a host named in source.tls.insecureHosts', () => {
    const message = 'false is allowed only for a host named in source.tls.insecureHosts — add insecureHosts: ["dc1.example.com"] or fix the certificate';
    expect(issues(`url: "ldaps://DC1.example.com:636", ${bind}, tls: { rejectUnauthorized: false }`)).toEqual([
      { path: 'source.tls.rejectUnauthorized', message },
    ]);
    expect(issues(`url: "ldaps://dc1.example.com", tls: { rejectUnauthorized: false, insecureHosts: [dc2.example.com] }`)).toEqual([
      { path: 'source.tls.rejectUnauthorized', message },
    ]);
    // Loopback is no exception: turning checks off is always a named, per-host decision.
    expect(issues('url: "ldaps://127.0.0.1:3891", tls: { rejectUnauthorized: false }').map((i) => i.path)).toEqual(['source.tls.rejectUnauthorized']);
    const ok = parseConfig(
      yaml(`url: "ldap://dc1.example.com", ${bind}, tls: { startTLS: true, rejectUnauthorized: false, insecureHosts: [DC1.Example.com] }`),
      {
        path: 'config.yaml',
        env: {},
      },
    );
    expect(ok.config.source.type === 'ldap' && ok.config.source.tls).toEqual({ startTLS: true, rejectUnauthorized: false, insecureHosts: ['DC1.Example.com'] });
    expect(issues('url: "ldaps://[::1]:636", tls: { rejectUnauthorized: false, insecureHosts: ["::1"] }')).toEqual([]);
  });

  it('defaults insecureHosts to none', () => {
    const c = parseConfig(yaml('url: "ldaps://dc1.example.com"'), { path: 'config.yaml', env: {} });
    expect(c.config.source.type === 'ldap' && c.config.source.tls).toEqual({ startTLS: false, rejectUnauthorized: true, insecureHosts: [] });
  });
});

describe('LDAP honorAccountExpiry', () => {
  it('is left unset (the dialect decides) and may be turned off for Active Directory', () => {
    const ad = (extra: string) => yaml(`url: "ldaps://dc1", ${extra}`).replace('dialect: openldap', 'dialect: active-directory');
    const dflt = parseConfig(ad('attributes: {}'), { path: 'config.yaml', env: {} }).config.source;
    expect(dflt.type === 'ldap' && dflt.attributes.honorAccountExpiry).toBeUndefined();
    const off = parseConfig(ad('attributes: { honorAccountExpiry: false }'), { path: 'config.yaml', env: {} }).config.source;
    expect(off.type === 'ldap' && off.attributes.honorAccountExpiry).toBe(false);
  });

  it('is refused for OpenLDAP, which has no accountExpires', () => {
    expect(issues('url: "ldaps://dc1", attributes: { honorAccountExpiry: true }')).toEqual([
      {
        path: 'source.attributes.honorAccountExpiry',
        message: 'is for the active-directory dialect (accountExpires) — remove it, or mark such accounts with attributes.disabledFilter',
      },
    ]);
    expect(issues('url: "ldaps://dc1", attributes: { honorAccountExpiry: false }')).toEqual([]);
  });
});
