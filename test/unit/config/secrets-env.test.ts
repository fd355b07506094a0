import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/index.js';
import { ConfigError, type SourceError } from '../../../src/errors.js';
import { createLdapSource } from '../../../src/sources/ldap/index.js';

/**
 * Secrets as they arrive on real hosts (a token file saved by Notepad, a Kubernetes Secret in an env var with
 * its newline), the SCIMSYNC_LOG_LEVEL override, unreadable paths, and settings that are valid but hurt.
 */

const KEY = 'scim-key-7a1f0c9e';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function secretFile(name: string, bytes: Buffer | string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
}
const csvWithTarget = (target: string) => `source: { type: csv, users: ./u.csv }\ntarget: ${target}\n`;
function problems(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(yaml, { path: join(dir, 'config.yaml'), env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('target.tokenFile: trimmed, then checked', () => {
  it('drops a BOM and surrounding whitespace and newlines (Notepad, echo, an editor)', async () => {
    const f = await secretFile('notepad-token', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${KEY}  \r\n\r\n`)]));
    const c = parseConfig(csvWithTarget(`{ url: "https://x.example/", tokenFile: ${f} }`), { path: join(dir, 'c.yaml'), env: {} });
    expect(c.config.target.token).toBe(KEY);
    expect(c.secrets).toEqual([KEY]);
    expect(c.tokenSource).toBe(`file ${f}`);
  });

  it('a token that still holds whitespace is a ConfigError naming target.tokenFile and the file, never the token', async () => {
    const f = await secretFile('two-words', `Bearer ${KEY}\n`);
    const e = problems(csvWithTarget(`{ url: "https://x.example/", tokenFile: ${f} }`));
    expect(e.issues).toEqual([
      {
        path: 'target.tokenFile',
        message: `${f}: the token contains whitespace or a control character (at character 7 of 24) — write only the key into the file`,
      },
    ]);
    expect(e.message).not.toContain(KEY);
  });

  it('a control character inside (a pasted key with a line break in the middle) is refused too', async () => {
    const f = await secretFile('split', `${KEY.slice(0, 4)}\n${KEY.slice(4)}\n`);
    expect(problems(csvWithTarget(`{ url: "https://x.example/", tokenFile: ${f} }`)).issues[0]?.message).toMatch(
      /contains whitespace or a control character \(at character 5 of/,
    );
  });

  it('a bind password keeps its spaces: only a BOM and one trailing newline go', async () => {
    const f = await secretFile('ldap-pw', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' pass word \n')]));
    const yaml = `source: { type: ldap, url: "ldap://127.0.0.1:389", dialect: openldap, users: { base: "dc=x" }, bindDN: "cn=a,dc=x", bindPasswordFile: ${f} }\ntarget: { url: "https://x.example/", token: ${KEY} }\n`;
    const c = parseConfig(yaml, { path: join(dir, 'c.yaml'), env: {} });
    expect(c.config.source).toMatchObject({ bindPassword: ' pass word ' });
  });

  it('a tokenFile that is a directory names the path and the fix', async () => {
    const d = join(dir, 'secret-dir');
    await mkdir(d);
    expect(problems(csvWithTarget(`{ url: "https://x.example/", tokenFile: ${d} }`)).issues).toEqual([
      { path: 'target.tokenFile', message: `${d}: is a directory, not a file — point target.tokenFile at the file inside that directory` },
    ]);
  });
});

describe('target.token from the environment or the config', () => {
  it('a Kubernetes Secret in an env var keeps its newline: trimmed; the source is the variable', () => {
    const c = parseConfig(csvWithTarget('{ url: "https://x.example/", token: "${SCIM_TOKEN}" }'), { path: 'c.yaml', env: { SCIM_TOKEN: `${KEY}\n` } });
    expect(c.config.target.token).toBe(KEY);
    expect(c.secrets).toEqual([KEY]);
    expect(c.tokenSource).toBe('environment variable SCIM_TOKEN');
  });

  it('whitespace inside a token from a variable names the variable, not the token', () => {
    const e = problems(csvWithTarget('{ url: "https://x.example/", token: "${SCIM_TOKEN}" }'), { SCIM_TOKEN: `${KEY} ${KEY}` });
    expect(e.issues).toEqual([
      {
        path: 'target.token',
        message:
          'the token from environment variable SCIM_TOKEN contains whitespace or a control character (at character 18 of 35) — set it to the SCIM key alone',
      },
    ]);
    expect(e.message).not.toContain(KEY);
  });

  it('a literal token is named by the config file', () => {
    const c = parseConfig(csvWithTarget(`{ url: "https://x.example/", token: ${KEY} }`), { path: 'conf/c.yaml', env: {} });
    expect(c.tokenSource).toBe('target.token in conf/c.yaml');
    expect(problems(csvWithTarget('{ url: "https://x.example/", token: "k\u00e9y" }')).issues[0]?.message).toBe(
      `the token from target.token in ${join(dir, 'config.yaml')} contains a non-ASCII character (at character 2 of 3) — set it to the SCIM key alone`,
    );
  });
});

describe('SCIMSYNC_LOG_LEVEL', () => {
  it('an unknown level is a config problem listing the levels (not a logger stack trace)', () => {
    const e = problems(csvWithTarget(`{ url: "https://x.example/", token: ${KEY} }`), { SCIMSYNC_LOG_LEVEL: 'verbose' });
    expect(e.issues).toEqual([
      {
        path: 'SCIMSYNC_LOG_LEVEL',
        message: '"verbose" is not a log level — use one of trace, debug, info, warn, error, fatal, silent (or unset it to use log.level)',
      },
    ]);
  });

  it('a known level passes', () => {
    expect(
      parseConfig(csvWithTarget(`{ url: "https://x.example/", token: ${KEY} }`), { path: 'c.yaml', env: { SCIMSYNC_LOG_LEVEL: 'debug' } }).config.log.level,
    ).toBe('info');
  });
});

describe('warnings: valid settings that will hurt', () => {
  const rate = (perMinute: number, profile = 'amplitude') =>
    parseConfig(csvWithTarget(`{ url: "https://x.example/", token: ${KEY}, profile: ${profile}, rateLimit: { perMinute: ${perMinute} } }`), {
      path: 'c.yaml',
      env: {},
    }).warnings;

  it('a rate above 100/min on the amplitude profile warns that Amplitude allows 100 per org and 429 stalls follow', () => {
    expect(rate(150)).toEqual([
      'target.rateLimit.perMinute is 150, but Amplitude allows 100 requests per minute per org: expect 429 responses and stalls while the client backs off — set it to 90 or less',
    ]);
  });

  it('100 or less, or another profile, is no warning', () => {
    expect(rate(100)).toEqual([]);
    expect(rate(90)).toEqual([]);
    expect(rate(600, 'rfc')).toEqual([]);
  });
});

describe('other configured paths: the config file, source.tls.ca', () => {
  it('a directory given with -c names the path and the fix', async () => {
    const d = join(dir, 'conf.d');
    await mkdir(d);
    const e = await loadConfig(d, {}).then(
      () => undefined,
      (err: unknown) => err as ConfigError,
    );
    expect(e?.message).toBe(`${d}: config file cannot be read: is a directory, not a file`);
    expect(e?.fix).toBe('point -c at the file inside that directory');
  });

  it('a missing source.tls.ca names the file and the key before any connection is made', async () => {
    const ca = join(dir, 'no-ca.pem');
    const yaml = `source: { type: ldap, url: "ldaps://127.0.0.1:1", dialect: openldap, users: { base: "dc=x" }, tls: { ca: ./no-ca.pem } }\ntarget: { url: "https://x.example/", token: ${KEY} }\n`;
    const { config } = parseConfig(yaml, { path: join(dir, 'c.yaml'), env: {} });
    if (config.source.type !== 'ldap') throw new Error('expected an LDAP source');
    const e = await createLdapSource(config.source)
      .read()
      .then(
        () => undefined,
        (err: unknown) => err as SourceError,
      );
    expect(e?.message).toBe(`cannot read the LDAP CA file ${ca}: file not found`);
    expect(e?.fix).toBe('create the PEM file of the CA there, or fix source.tls.ca (a relative path is relative to the config file)');
  });
});
