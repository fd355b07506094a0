/**
 * Start throwaway directory servers (slapd, Samba AD) for tests and benches. Used by the vitest
 * globalSetup (directories.setup.ts) and by bench/ldap.ts. Each server lives in its own temp dir and
 * is stopped by killing its pid.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildDataset, type Dataset } from './dataset.js';
import { adDn, AD_BASE, OPENLDAP_BASE, openldapDn, renderOpenLdapLdif, renderSambaSeed } from './seed-files.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));

/** Connection facts a test needs; plain JSON so vitest can `provide()` it to workers. */
export interface DirectoryFacts {
  readonly kind: 'openldap' | 'active-directory';
  readonly url: string;
  readonly ldapsUrl: string;
  /** Absolute path of the PEM CA that signed the server certificate. */
  readonly ca: string;
  readonly baseDN: string;
  /** A bind with full read access and no size limit. */
  readonly bindDN: string;
  readonly bindPassword: string;
  /** AD: the same account as a UPN. */
  readonly bindUPN?: string;
  /** A bind with write access (the mail-change test). slapd: rootdn; AD: Administrator. */
  readonly adminDN: string;
  readonly adminPassword: string;
  /** slapd only: a bind that keeps the default 500-entry size limit. */
  readonly limitedBindDN?: string;
  readonly limitedBindPassword?: string;
  readonly usersBase: string;
  readonly externalBase: string;
  readonly groupsBase: string;
  readonly dir: string;
  readonly pid: number;
}

export interface RunningDirectory {
  readonly facts: DirectoryFacts;
  stop(): Promise<void>;
}

export const SLAPD_BINARIES = ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapsearch'];
export const SAMBA_BINARIES = ['/usr/sbin/samba', '/usr/bin/samba-tool', '/usr/bin/ldapsearch'];

export function missingBinaries(paths: readonly string[]): string[] {
  return paths.filter((p) => !existsSync(p));
}

function parseEnvLines(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of stdout.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

/** RFC 2307 {SSHA}, what slappasswd produces, without spawning it. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

async function stopPid(pid: number, dir: string, keepDir: boolean): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // exited
  }
  if (!keepDir) await rm(dir, { recursive: true, force: true });
}

export interface SlapdOptions {
  readonly port?: number;
  readonly dataset?: Dataset;
  /** Pre-rendered LDIF (bench: 50,000 users); replaces the dataset. */
  readonly ldif?: string;
}

export async function startSlapd(opts: SlapdOptions = {}): Promise<RunningDirectory> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-slapd-'));
  const svcPw = 'svc-secret';
  const limitedPw = 'limited-secret';
  const ldif = opts.ldif ?? renderOpenLdapLdif(opts.dataset ?? buildDataset(), { svc: sshaHash(svcPw), limited: sshaHash(limitedPw) });
  await writeFile(join(dir, 'seed.ldif'), ldif);
  const port = opts.port ?? 3890;
  let stdout: string;
  try {
    ({ stdout } = await run(join(HERE, 'start-slapd.sh'), [dir, join(dir, 'seed.ldif')], {
      env: { ...process.env, PORT: String(port), BASE_DN: OPENLDAP_BASE },
      maxBuffer: 1 << 20,
    }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`slapd did not start on 127.0.0.1:${port}: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }
  const env = parseEnvLines(stdout);
  const pid = Number(env.SLAPD_PID);
  return {
    facts: {
      kind: 'openldap',
      url: env.LDAP_URL!,
      ldapsUrl: env.LDAPS_URL!,
      ca: env.LDAP_TLS_CA!,
      baseDN: OPENLDAP_BASE,
      bindDN: `cn=sync,ou=service,${OPENLDAP_BASE}`,
      bindPassword: svcPw,
      adminDN: env.LDAP_ROOT_DN!,
      adminPassword: env.LDAP_ROOT_PW!,
      limitedBindDN: `cn=limited,ou=service,${OPENLDAP_BASE}`,
      limitedBindPassword: limitedPw,
      usersBase: openldapDn.people,
      externalBase: openldapDn.external,
      groupsBase: openldapDn.groups,
      dir,
      pid,
    },
    stop: () => stopPid(pid, dir, false),
  };
}

export async function startSambaAd(opts: { dataset?: Dataset } = {}): Promise<RunningDirectory> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-samba-'));
  const realm = 'example.com';
  await writeFile(join(dir, 'seed.json'), renderSambaSeed(opts.dataset ?? buildDataset(), realm));
  const adminPw = 'Passw0rd!Test';
  let stdout: string;
  try {
    ({ stdout } = await run(join(HERE, 'start-samba-ad.sh'), [join(dir, 'dc'), join(dir, 'seed.json')], {
      env: { ...process.env, ADMIN_PW: adminPw, REALM: realm.toUpperCase(), DOMAIN: 'EXAMPLE' },
      maxBuffer: 1 << 20,
    }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Samba AD did not start on 127.0.0.1:389: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }
  const env = parseEnvLines(stdout);
  const pid = Number(env.SAMBA_PID);
  return {
    facts: {
      kind: 'active-directory',
      url: env.AD_URL!,
      ldapsUrl: env.AD_LDAPS_URL!,
      ca: env.AD_TLS_CA!,
      baseDN: AD_BASE,
      bindDN: env.AD_BIND_DN!,
      bindPassword: adminPw,
      bindUPN: env.AD_BIND_UPN!,
      adminDN: env.AD_BIND_DN!,
      adminPassword: adminPw,
      usersBase: adDn.people,
      externalBase: adDn.external,
      groupsBase: adDn.groups,
      dir,
      pid,
    },
    stop: () => stopPid(pid, dir, false),
  };
}
