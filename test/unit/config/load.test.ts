import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, loadConfig, parseConfig, type LdapSourceConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'tok-env-5f1c9a';
const ENV = { SCIM_TOKEN: TOKEN };

const MINIMAL = `
source: { type: csv, users: ./users.csv }
target: { url: "https://core.amplitude.com/scim/1/", token: "\${SCIM_TOKEN}" }
`;

/** parseConfig that must fail; returns the ConfigError. */
function problems(yaml: string, env: NodeJS.ProcessEnv = ENV, path = 'config.yaml'): ConfigError {
  try {
    parseConfig(yaml, { path, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
const issueMap = (e: ConfigError) => Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
const withTarget = (target: string) => `source: { type: csv, users: ./u.csv }\ntarget: ${target}\n`;

describe('parseConfig: defaults and resolution', () => {
  it('fills every default, resolves paths against the config file and lists the secret', () => {
    const loaded = parseConfig(MINIMAL, { path: '/etc/scimsync/config.yaml', env: ENV });
    expect(loaded.path).toBe('/etc/scimsync/config.yaml');
    expect(loaded.secrets).toEqual([TOKEN]);
    expect(loaded.config).toEqual({
      source: {
        type: 'csv',
        users: '/etc/scimsync/users.csv',
        columns: { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' },
        encoding: 'utf-8',
      },
      target: {
        url: 'https://core.amplitude.com/scim/1/',
        token: TOKEN,
        profile: 'amplitude',
        rateLimit: { perMinute: 90, concurrency: 2 },
        maxMembersPerPatch: 100,
        tls: { rejectUnauthorized: true, insecureHosts: [] },
        timeoutMs: 30000,
        maxResponseBytes: 33554432,
        maxRetryAfterSeconds: 120,
        maxRetryTimeSeconds: 600,
      },
      sync: {
        deprovision: 'delete',
        onEmailChange: 'delete-old',
        manageAllUsers: false,
        groups: { enabled: true, include: ['*'], exclude: [] },
        protect: [],
        safety: { maxDeletes: 25, maxDeletePercent: 10, maxGroupDeletes: 5, maxMemberRemovals: 50, maxMemberRemovalPercent: 20 },
        fullReadEvery: '24h',
      },
      state: { path: '/etc/scimsync/.scimsync/state.json' },
      schedule: '*/15 * * * *',
      daemon: { listen: '127.0.0.1:9464', shutdownTimeoutMs: 30000 },
      log: { level: 'info' },
    });
  });

  it('hash: sha256 hex, unchanged by the secret, changed by any setting', () => {
    const a = parseConfig(MINIMAL, { path: '/c/config.yaml', env: ENV });
    const b = parseConfig(MINIMAL, { path: '/c/config.yaml', env: { SCIM_TOKEN: 'another-token' } });
    const c = parseConfig(`${MINIMAL}sync: { deprovision: none }\n`, { path: '/c/config.yaml', env: ENV });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    // Key order in the YAML does not matter.
    const reordered = `target: { token: "\${SCIM_TOKEN}", url: "https://core.amplitude.com/scim/1/" }\nsource: { users: ./users.csv, type: csv }\n`;
    expect(parseConfig(reordered, { path: '/c/config.yaml', env: ENV }).hash).toBe(a.hash);
  });

  it('loadConfig reads the file and resolves relative paths (and tokenFile) against its directory', async () => {
    const loaded = await loadConfig(join(FIXTURES, 'relative.yaml'), {});
    const src = loaded.config.source;
    expect(src.type === 'csv' && [src.users, src.groups]).toEqual([join(FIXTURES, 'data/users.csv'), join(FIXTURES, 'data/groups.csv')]);
    expect(loaded.config.state.path).toBe(resolve(FIXTURES, '../state/state.json'));
    expect(loaded.config.target.token).toBe('tok-from-file-1234');
    expect(loaded.config.target).not.toHaveProperty('tokenFile');
    expect(loaded.secrets).toEqual(['tok-from-file-1234']);
  });

  it('an LDAP source comes out in the exact shape the LDAP source expects', async () => {
    const loaded = await loadConfig(join(FIXTURES, 'ldap.yaml'), ENV);
    const expected: LdapSourceConfig = {
      type: 'ldap',
      url: 'ldaps://dc1.example.com',
      bindDN: 'CN=svc-scimsync,OU=Service,DC=example,DC=com',
      bindPassword: 'ldap-pw-from-file',
      tls: { ca: join(FIXTURES, 'ca.pem'), startTLS: false, rejectUnauthorized: true, insecureHosts: [] },
      dialect: 'active-directory',
      users: { base: 'OU=People,DC=example,DC=com', scope: 'sub' },
      groups: { base: 'OU=Groups,DC=example,DC=com', nested: true, inChain: true },
      attributes: { email: 'userPrincipalName', upnFallback: false },
      pageSize: 500,
      timeoutMs: 30000,
    };
    expect(loaded.config.source).toEqual(expected);
    expect(loaded.secrets).toEqual([TOKEN, 'ldap-pw-from-file']);
    expect(JSON.stringify(loaded.hash)).not.toContain('ldap-pw');
  });

  it('the example config/csv.yaml is valid', async () => {
    const loaded = await loadConfig(join(ROOT, 'config/csv.yaml'), ENV);
    expect(loaded.config.source.type).toBe('csv');
    expect(loaded.config.target.token).toBe(TOKEN);
  });

  it('a missing config file names the path', async () => {
    await expect(loadConfig(join(FIXTURES, 'nope.yaml'), ENV)).rejects.toThrow(`${join(FIXTURES, 'nope.yaml')}: config file not found`);
  });
});

describe('parseConfig: ${VAR} substitution', () => {
  it('replaces variables in any string, inside lists too, and $${ escapes', () => {
    const yaml = `${MINIMAL}sync: { protect: ["\${ADMIN}", "lit-$\${NOT_A_VAR}"] }\nstate: { path: "\${DIR}/state.json" }\n`;
    const c = parseConfig(yaml, { path: '/c/config.yaml', env: { ...ENV, ADMIN: 'root@example.com', DIR: '/var/lib/scimsync' } }).config;
    expect(c.sync.protect).toEqual(['root@example.com', 'lit-${NOT_A_VAR}']);
    expect(c.state.path).toBe('/var/lib/scimsync/state.json');
  });

  it('an unset secret variable suggests the *File alternative; other paths suggest writing the value', () => {
    const e = problems(`${MINIMAL}state: { path: "\${STATE_DIR}/s.json" }\n`, {});
    expect(e.issues).toEqual([
      { path: 'target.token', message: 'environment variable SCIM_TOKEN is not set — export it or use target.tokenFile' },
      { path: 'state.path', message: 'environment variable STATE_DIR is not set — export it or write the value into the config' },
    ]);
    expect(e.message).toMatch(/^config\.yaml: 2 problems: target\.token: environment variable SCIM_TOKEN is not set/);
  });

  it('a malformed reference is reported', () => {
    expect(issueMap(problems(`${MINIMAL}state: { path: "\${not valid}" }\n`))['state.path']).toMatch(/"\$\{not valid\}" is not a valid variable reference/);
  });
});

describe('parseConfig: secret files', () => {
  const secret = (f: string) => join(FIXTURES, 'secrets', f);
  it('trims one trailing LF or CRLF', () => {
    const c = parseConfig(withTarget(`{ url: "https://x.example/", tokenFile: ${secret('ldap-password')} }`), { path: '/c/config.yaml', env: {} });
    expect(c.config.target.token).toBe('ldap-pw-from-file');
  });

  it.each([
    [
      'missing',
      `{ url: "https://x.example/", tokenFile: ${secret('nope')} }`,
      'target.tokenFile',
      `${secret('nope')}: file not found — create the secret file there, or fix target.tokenFile (a relative path is relative to the config file)`,
    ],
    ['empty', `{ url: "https://x.example/", tokenFile: ${secret('empty')} }`, 'target.tokenFile', `${secret('empty')} is empty — write the secret into it`],
    ['both', `{ url: "https://x.example/", token: abcdef, tokenFile: ${secret('scim-token')} }`, 'target.token', 'set either token or tokenFile, not both'],
    ['neither', '{ url: "https://x.example/" }', 'target.token', 'required — set token: ${SCIM_TOKEN} or tokenFile: /run/secrets/scim'],
  ])('%s token file', (_n, target, path, message) => {
    expect(problems(withTarget(target)).issues).toEqual([{ path, message }]);
  });

  it('LDAP: bindDN needs exactly one password; a password needs a bindDN', () => {
    const ldap = (extra: string) =>
      `source: { type: ldap, url: "ldap://127.0.0.1:389", dialect: openldap, users: { base: "dc=x" }, ${extra} }\ntarget: { url: "https://x.example/", token: t0k3n }\n`;
    expect(problems(ldap('bindDN: "cn=admin,dc=x"')).issues).toEqual([
      { path: 'source.bindPassword', message: 'required when bindDN is set — set bindPassword: ${LDAP_PASSWORD} or bindPasswordFile' },
    ]);
    expect(problems(ldap('bindPassword: hunter22')).issues).toEqual([
      { path: 'source.bindDN', message: 'required when a bind password is set — set bindDN or remove the password for an anonymous bind' },
    ]);
    expect(problems(ldap(`bindDN: "cn=admin,dc=x", bindPasswordFile: ${secret('nope')}`)).issues).toEqual([
      {
        path: 'source.bindPasswordFile',
        message: `${secret('nope')}: file not found — create the secret file there, or fix source.bindPasswordFile (a relative path is relative to the config file)`,
      },
    ]);
    const anon = parseConfig(ldap(''), { path: '/c/config.yaml', env: {} });
    expect(anon.secrets).toEqual(['t0k3n']);
  });

  it('secret values never appear in error messages', () => {
    const env = { SCIM_TOKEN: 'sekrit-value-123', PW: 'pw-value-456' };
    const yaml = `source: { type: ldap, url: "ftp://dc", bindDN: x, bindPassword: "\${PW}", dialect: nope, users: { base: b } }
target: { url: "http://evil.example/", token: "\${SCIM_TOKEN}", timeoutMs: "\${SCIM_TOKEN}" }
`;
    const e = problems(yaml, env);
    const text = JSON.stringify({ m: e.message, i: e.issues, f: e.fix });
    expect(text).not.toContain('pw-value-456');
    expect(text).not.toContain('sekrit');
    // A substituted value in the wrong place is shown as written.
    expect(issueMap(e)['target.timeoutMs']).toBe('must be a number, got "${SCIM_TOKEN}"');
    // A secret in the wrong type is described, not quoted.
    expect(issueMap(problems(withTarget('{ url: "https://x.example/", token: 123456789 }')))['target.token']).toBe('must be a string, got a value');
  });
});

describe('parseConfig: target URL and TLS rules', () => {
  it.each([
    ['https://core.amplitude.com/scim/1/', true],
    ['http://localhost:8080/scim/', true],
    ['http://LOCALHOST/', true],
    ['http://127.0.0.1:1/', true],
    ['http://127.200.3.4/', true],
    ['http://[::1]:9000/', true],
    ['http://example.com/', false],
    ['http://10.0.0.1/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['http://localhost.example.com/', false],
    ['http://[::2]/', false],
  ])('%s allowed: %s', (url, ok) => {
    const yaml = withTarget(`{ url: "${url}", token: t0k3n }`);
    if (ok) expect(parseConfig(yaml, { path: '/c/config.yaml', env: {} }).config.target.url).toBe(url);
    else expect(issueMap(problems(yaml))['target.url']).toMatch(/^http:\/\/ is refused for .*: the token would travel in clear — use https:\/\//);
  });

  it.each([
    ['not a url', 'is not a valid URL — e.g. https://core.amplitude.com/scim/1/'],
    ['ftp://x.example/', 'must be an https:// URL, got ftp://'],
    ['https://user:pass@x.example/', 'must not contain credentials — put the token in token or tokenFile'],
  ])('%s is refused', (url, message) => {
    expect(problems(withTarget(`{ url: "${url}", token: t0k3n }`)).issues).toEqual([{ path: 'target.url', message }]);
  });

  it('rejectUnauthorized: false only for a host named in insecureHosts', () => {
    const e = problems(withTarget('{ url: "https://scim.internal:8443/", token: t0k3n, tls: { rejectUnauthorized: false } }'));
    expect(e.issues).toEqual([
      {
        path: 'target.tls.rejectUnauthorized',
        message: 'false is allowed only for a host named in target.tls.insecureHosts — add insecureHosts: ["scim.internal"] or fix the certificate',
      },
    ]);
    const other = problems(withTarget('{ url: "https://scim.internal/", token: t0k3n, tls: { rejectUnauthorized: false, insecureHosts: [other.host] } }'));
    expect(other.issues.map((i) => i.path)).toEqual(['target.tls.rejectUnauthorized']);
    const ok = parseConfig(withTarget('{ url: "https://scim.internal/", token: t0k3n, tls: { rejectUnauthorized: false, insecureHosts: [SCIM.internal] } }'), {
      path: '/c/config.yaml',
      env: {},
    });
    expect(ok.config.target.tls).toEqual({ rejectUnauthorized: false, insecureHosts: ['SCIM.internal'] });
  });
});

describe('parseConfig: every problem at once, by path, with a fix', () => {
  it('lists all problems, with "did you mean" for typos at any depth', () => {
    const yaml = `source: { type: csv, userz: ./u.csv, colums: {} }
target: { url: "https://x.example/", token: t0k3n, rateLimit: { perMinute: -1, concurency: 3 } }
sync: { deprovision: remove, safety: { maxDeletePercent: 150 } }
schedule: "* * *"
daemon: { listen: "nope" }
log: { level: loud }
extra: 1
`;
    const e = problems(yaml);
    expect(e.message.startsWith('config.yaml: 11 problems: ')).toBe(true);
    expect(e.fix).toMatch(/scimsync\.schema\.json/);
    expect(issueMap(e)).toEqual({
      'source.users': 'required — set it to a string',
      'source.userz': 'unknown key — did you mean "users"?',
      'source.colums': 'unknown key — did you mean "columns"?',
      'target.rateLimit.perMinute': 'must be at least 0, got -1',
      'target.rateLimit.concurency': 'unknown key — did you mean "concurrency"?',
      'sync.deprovision': 'must be one of "delete" | "deactivate" | "none", got "remove"',
      'sync.safety.maxDeletePercent': 'must be at most 100, got 150',
      schedule: 'has 3 fields; a cron expression has 5 (or 6, seconds first) — e.g. "*/15 * * * *"',
      'daemon.listen': 'must be host:port, e.g. "127.0.0.1:9464" or "[::1]:9464"',
      'log.level': 'must be one of "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent", got "loud"',
      extra: 'unknown key — remove it (valid here: source, target, sync, state, schedule, daemon, log)',
    });
  });

  it('source.statusValues: a value in both lists is a problem at its path; a valid pair is kept as written', () => {
    const yaml = `source: { type: csv, users: ./u.csv, statusValues: { active: [Employed, "On Leave"], inactive: [Terminated, " on leave "] } }
target: { url: "https://x.example/", token: t0k3n }
`;
    expect(issueMap(problems(yaml))).toEqual({
      'source.statusValues.inactive[1]': '"on leave" is also listed under active — a status value is either active or inactive; remove it from one list',
    });
    const ok = parseConfig(yaml.replace(', " on leave "', ''), { path: '/c/config.yaml', env: {} });
    expect(ok.config.source).toMatchObject({ statusValues: { active: ['Employed', 'On Leave'], inactive: ['Terminated'] } });
    const partial = parseConfig(yaml.replace('active: [Employed, "On Leave"], inactive: [Terminated, " on leave "]', 'inactive: [gone]'), {
      path: '/c/config.yaml',
      env: {},
    });
    expect(partial.config.source).toMatchObject({ statusValues: { active: [], inactive: ['gone'] } });
  });

  it('unknown keys inside the LDAP variant are checked against the LDAP keys', () => {
    const yaml = `source: { type: ldap, url: "ldaps://dc", dialect: openldap, users: { base: b, filtr: "(x)" }, pagesize: 10 }
target: { url: "https://x.example/", token: t0k3n }
`;
    expect(issueMap(problems(yaml))).toEqual({
      'source.users.filtr': 'unknown key — did you mean "filter"?',
      'source.pagesize': 'unknown key — did you mean "pageSize"?',
    });
  });

  it('a missing or unknown source type names the choices', () => {
    expect(problems(withTarget('{ url: "https://x/", token: t }').replace('type: csv', 'type: sql')).issues).toEqual([
      { path: 'source.type', message: 'must be one of "csv" | "ldap", got "sql"' },
    ]);
    expect(issueMap(problems('target: { url: "https://x/", token: t }\n'))).toEqual({ source: 'required — set it to a mapping' });
  });

  it.each([
    ['*/15 * * * *', true],
    ['0 */5 * * * *', true],
    ['0 3 * * 1-5', true],
    ['61 * * * *', false],
    ['* * * * * * *', false],
  ])('schedule %j valid: %s', (schedule, ok) => {
    const yaml = `${MINIMAL}schedule: "${schedule}"\n`;
    if (ok) expect(parseConfig(yaml, { path: '/c/config.yaml', env: ENV }).config.schedule).toBe(schedule);
    else expect(Object.keys(issueMap(problems(yaml)))).toEqual(['schedule']);
  });

  it.each([
    [
      'LDAP url scheme',
      'source: { type: ldap, url: "https://dc", dialect: openldap, users: { base: b } }',
      'source.url',
      'must be an ldap:// or ldaps:// URL — e.g. ldaps://dc1.example.com',
    ],
    [
      'startTLS on ldaps',
      'source: { type: ldap, url: "ldaps://dc", tls: { startTLS: true }, dialect: openldap, users: { base: b } }',
      'source.tls.startTLS',
      'startTLS is for ldap:// URLs — remove it or use ldap://',
    ],
    [
      'pageSize range',
      'source: { type: ldap, url: "ldap://dc", dialect: openldap, users: { base: b }, pageSize: 0 }',
      'source.pageSize',
      'must be at least 1, got 0',
    ],
    [
      'concurrency type',
      'source: { type: csv, users: u.csv }\ntarget: { url: "https://x/", token: t, rateLimit: { concurrency: "2" } }',
      'target.rateLimit.concurrency',
      'must be a number, got "2"',
    ],
    ['empty users path', 'source: { type: csv, users: "" }', 'source.users', 'must not be empty'],
    [
      'delimiter quote',
      'source: { type: csv, users: u.csv, delimiter: "\\"" }',
      'source.delimiter',
      'must not contain a quote or a newline — use "," or ";" or "\\t"',
    ],
  ])('%s', (_n, sourceYaml, path, message) => {
    const yaml = sourceYaml.includes('target:') ? sourceYaml : `${sourceYaml}\ntarget: { url: "https://x/", token: t }\n`;
    expect(problems(yaml).issues).toEqual([{ path, message }]);
  });
});

describe('parseConfig: YAML problems', () => {
  it('a syntax error names file:line:col', () => {
    const e = problems('source:\n  type: csv\n  users: @x\ntarget: {}\n', ENV, 'conf/scimsync.yaml');
    expect(e.message).toBe('conf/scimsync.yaml:3:10: YAML syntax error: Plain value cannot start with reserved character @');
    expect(e.issues).toEqual([{ path: 'conf/scimsync.yaml:3:10', message: 'YAML syntax error: Plain value cannot start with reserved character @' }]);
    expect(e.fix).toBe('fix the YAML at that line and column');
  });

  it('a duplicate key is an error at its line', () => {
    expect(problems(`${MINIMAL}log: { level: info }\nlog: { level: debug }\n`).message).toMatch(
      /^config\.yaml:5:1: YAML syntax error: Map keys must be unique/,
    );
  });

  it.each([
    ['', 'config.yaml: the config file is empty'],
    ['# only a comment\n', 'config.yaml: the config file is empty'],
    ['- a\n- b\n', 'config.yaml: the config must be a mapping of keys (source, target, ...)'],
  ])('%j', (yaml, message) => {
    expect(problems(yaml).message).toBe(message);
  });
});

describe('JSON Schema', () => {
  it('the committed config/scimsync.schema.json equals configJsonSchema() (run `scimsync schema --out` to refresh)', () => {
    const committed = readFileSync(join(ROOT, 'config/scimsync.schema.json'), 'utf8');
    expect(committed).toBe(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  });

  it('documents the input: strict objects, source variants, defaults as optional', () => {
    const s = configJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: { source: { oneOf: { properties: { type: { const: string } } }[] }; target: { required: string[]; properties: Record<string, unknown> } };
    };
    expect(s.required).toEqual(['source', 'target']);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.source.oneOf.map((o) => o.properties.type.const)).toEqual(['csv', 'ldap']);
    expect(s.properties.target.required).toEqual(['url']);
    expect(Object.keys(s.properties.target.properties)).toContain('tokenFile');
  });
});
