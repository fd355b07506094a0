import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const TOKEN = 'check-test-key-5e6f7a8b';

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCIMSYNC_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let emulator: RunningEmulator;
let dir: string;

/** A config in `dir` (JSON is YAML); returns its path. */
async function config(name: string, overrides: { url?: string; token?: string; users?: string; state?: string } = {}): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  const cfg = {
    source: { type: 'csv', users: overrides.users ?? './users.csv' },
    target: { url: overrides.url ?? emulator.url, token: overrides.token ?? TOKEN, rateLimit: { perMinute: 0 } },
    sync: { safety: { maxDeletes: 100, maxDeletePercent: 100 } },
    state: { path: overrides.state ?? `./${name}-state.json` },
  };
  await writeFile(path, JSON.stringify(cfg));
  return path;
}

beforeAll(async () => {
  // The target holds 4 users; the source wants 3 of them (in 2 groups) and one more.
  emulator = await startEmulator({
    port: 0,
    rateLimit: 0,
    token: TOKEN,
    seed: { users: ['a', 'b', 'c', 'x'].map((n) => ({ userName: `${n}@example.com`, givenName: n, familyName: 'Seed' })) },
  });
  dir = await mkdtemp(join(tmpdir(), 'scimsync-check-'));
  const rows = ['a', 'b', 'c', 'd'].map((n, i) => `${n}1,${n}@example.com,${n},Person,yes,${i % 2 ? 'Sales' : 'Engineering'}`);
  await writeFile(join(dir, 'users.csv'), ['id,email,givenName,familyName,active,groups', ...rows, 'z1,z@example.com,Z,Gone,no,'].join('\n') + '\n');
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('scimsync check', () => {
  it('passes every step on good settings, counts both ends and what scimsync manages, and writes nothing', async () => {
    const path = await config('good');
    // Before any apply: no state file yet.
    let r = await cli(['check', '-c', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ config');
    expect(r.stdout).toMatch(/✔ source csv .*users\.csv: 4 users and 2 groups in scope \(1 inactive\)/);
    expect(r.stdout).toMatch(/✔ target http:\/\/127\.0\.0\.1:\d+\/scim\/1\/: authenticated; it holds 4 users and 0 groups/);
    expect(r.stdout).toMatch(/✔ state .*no state file yet/);
    expect(existsSync(join(dir, 'good-state.json'))).toBe(false);

    // After an apply, scimsync manages the 3 adopted + 1 created users and the 2 groups it created.
    expect((await cli(['apply', '-c', path])).code).toBe(0);
    const stateBefore = await readFile(join(dir, 'good-state.json'), 'utf8');
    emulator.resetStats();
    r = await cli(['check', '-c', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/it holds 5 users and 2 groups/);
    expect(r.stdout).toMatch(/✔ state .*scimsync manages 4 of the target's users and 2 of its groups/);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('✔')),
    ).toHaveLength(4);
    // Never writes: only GETs to the target, state file untouched, no lock left behind.
    expect(emulator.stats().writes).toBe(0);
    expect(Object.keys(emulator.stats().byMethod).filter((m) => (emulator.stats().byMethod[m] ?? 0) > 0)).toEqual(['GET']);
    expect(await readFile(join(dir, 'good-state.json'), 'utf8')).toBe(stateBefore);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('a wrong token: ✖ target with the auth code and the fix, exit 1, the token never printed', async () => {
    const r = await cli(['check', '-c', await config('wrong-token', { token: 'not-the-key-1a2b3c4d' })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✔ source/);
    expect(r.stdout).toMatch(/✖ target http:\/\/127\.0\.0\.1:\d+\/scim\/1\/: .*401.*\[SCIMSYNC_SCIM_AUTH\]\n {4}fix: .*key/);
    expect(r.stdout + r.stderr).not.toContain('not-the-key-1a2b3c4d');
  });

  it('a wrong base path (/scim/v2/ on Amplitude): ✖ target says no SCIM endpoint at that URL and gives the right URLs', async () => {
    const wrong = emulator.url.replace(/scim\/1\/$/, 'scim/v2/');
    const r = await cli(['check', '-c', await config('wrong-base', { url: wrong })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✖ target ${wrong}: GET /Users failed with 404: no SCIM endpoint at ${wrong}`);
    expect(r.stdout).toContain(
      '    fix: check target.url: it must be the SCIM base URL, under which /Users and /Groups are listed (Amplitude: https://core.amplitude.com/scim/1/, EU: https://core.eu.amplitude.com/scim/1/)',
    );
    expect(r.stdout).not.toMatch(/gone from the target|state rebuild/);
  });

  it('a rejected key read from tokenFile: the fix names the file, never the key', async () => {
    const tokenFile = join(dir, 'stale-token');
    await writeFile(tokenFile, 'stale-key-9z8y7x6w\n');
    const path = join(dir, 'stale.yaml');
    await writeFile(
      path,
      JSON.stringify({ source: { type: 'csv', users: './users.csv' }, target: { url: emulator.url, tokenFile: './stale-token', rateLimit: { perMinute: 0 } } }),
    );
    const r = await cli(['check', '-c', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`the SCIM target rejected the key from file ${tokenFile} (401) for GET /Users [SCIMSYNC_SCIM_AUTH]`);
    expect(r.stdout).toContain(`    fix: the key in use came from file ${tokenFile}: `);
    expect(r.stdout + r.stderr).not.toContain('stale-key-9z8y7x6w');
  });

  it('a tokenFile holding more than the key is a config problem naming target.tokenFile, not a network error', async () => {
    await writeFile(join(dir, 'pasted-token'), `Authorization: Bearer ${TOKEN}\n`);
    const path = join(dir, 'pasted.yaml');
    await writeFile(path, JSON.stringify({ source: { type: 'csv', users: './users.csv' }, target: { url: emulator.url, tokenFile: './pasted-token' } }));
    const r = await cli(['check', '-c', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✖ config .*pasted\.yaml: 1 problem \[SCIMSYNC_CONFIG_INVALID\]/);
    expect(r.stdout).toContain(
      `    - target.tokenFile: ${join(dir, 'pasted-token')}: the token contains whitespace or a control character (at character 15 of`,
    );
    expect(r.stdout).not.toMatch(/NETWORK|DNS|firewall/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("a rate above Amplitude's 100/min: check warns under ✔ config, and so does every plan", async () => {
    const path = join(dir, 'fast.yaml');
    await writeFile(
      path,
      JSON.stringify({ source: { type: 'csv', users: './users.csv' }, target: { url: emulator.url, token: TOKEN, rateLimit: { perMinute: 150 } } }),
    );
    const warning = 'target.rateLimit.perMinute is 150, but Amplitude allows 100 requests per minute per org: expect 429 responses and stalls';
    const r = await cli(['check', '-c', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^✔ config .*\\n {4}- warning: ${warning}`, 'm'));
    // Whether this plan has changes depends on the earlier tests' applies; that it ran and warned does not.
    const plan = await cli(['plan', '-c', path]);
    expect([0, 2]).toContain(plan.code);
    expect(plan.stderr).toContain(warning);
  });

  it('SCIMSYNC_LOG_LEVEL=verbose: a config problem listing the levels, not a logger stack trace', async () => {
    const r = await cli(['plan', '-c', await config('verbose')], { SCIMSYNC_LOG_LEVEL: 'verbose' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCIMSYNC_LOG_LEVEL: "verbose" is not a log level — use one of trace, debug, info, warn, error, fatal, silent');
    expect(r.stderr).not.toMatch(/ at .*pino|unknown level/i);
  });

  it('an unreachable target: ✖ target with the network code and the fix, exit 1', async () => {
    const port = await freePort();
    const r = await cli(['check', '-c', await config('unreachable', { url: `http://127.0.0.1:${port}/scim/1/` })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`✖ target http://127\\.0\\.0\\.1:${port}/scim/1/: .*ECONNREFUSED.*\\[SCIMSYNC_SCIM_NETWORK\\]\\n {4}fix: .*reachable`));
    expect(r.stdout).toMatch(/✔ source/);
  });

  it('a missing CSV: ✖ source naming the file, the target still checked, exit 1', async () => {
    const r = await cli(['check', '-c', await config('missing-csv', { users: './nope.csv' })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ source csv .*nope\.csv: .*not found.*\[SCIMSYNC_SOURCE_READ\]\n {4}fix: /);
    expect(r.stdout).toMatch(/✔ target /);
  });

  it('a bad config: ✖ config with each problem on its own line and the fix, nothing else tried', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'source: { type: csv }\ntarget: { url: "ftp://example.com", token: x }\nbogus: 1\n');
    const r = await cli(['check', '-c', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✖ config .*bad\.yaml: 3 problems \[SCIMSYNC_CONFIG_INVALID\]/);
    expect(r.stdout).toContain('    - source.users: ');
    expect(r.stdout).toContain('    - target.url: ');
    expect(r.stdout).toContain('    - bogus: unknown key');
    expect(r.stdout).toMatch(/ {4}fix: /);
    expect(r.stdout).not.toMatch(/source csv|target http/);
  });

  it('a managed group deleted outside scimsync: check says the next full read creates it again (no run forgets its record), and it does', async () => {
    const path = await config('gone', { state: './gone-state.json' });
    expect((await cli(['apply', '-c', path])).code).toBe(0);
    const sales = emulator.groups().find((g) => g.displayName === 'Sales')!;
    const del = await fetch(`${emulator.url}Groups/${sales.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(del.status).toBe(204);

    let r = await cli(['check', '-c', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /✔ state .*scimsync manages 4 of the target's users and 1 of its groups \(1 recorded but gone from the target, removed outside scimsync: the next apply that reads the target in full \(`apply --refresh`, or once sync.fullReadEvery has passed\) creates again those still in the source; `scimsync state rebuild` drops the records of the others\)/,
    );
    expect(r.stdout).not.toContain('forgets');

    expect((await cli(['apply', '-c', path, '--refresh'])).code).toBe(0);
    expect(emulator.groups().map((g) => g.displayName)).toContain('Sales');
    r = await cli(['check', '-c', path]);
    expect(r.stdout).toMatch(/scimsync manages 4 of the target's users and 2 of its groups\n/);
  });
});
