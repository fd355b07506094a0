import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/index.js';

/**
 * There is no Docker engine here, so this builds what the image builds: the package as `npm pack` ships it,
 * installed with production dependencies only and no install scripts (the runtime stage's `npm ci --omit=dev
 * --ignore-scripts`), with `scimsync` put on PATH by the same symlink, then runs it as the ENTRYPOINT would.
 */
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

let work: string;
let app: string;
let bin: string;

/** Dockerfile instructions, continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

function spawnScimsync(args: string[], env: NodeJS.ProcessEnv = {}) {
  // Resolved through PATH, like ENTRYPOINT ["scimsync"].
  return spawn('scimsync', args, { env: { ...process.env, ...env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'scimsync-image-'));
  // dist/ is built by the test run's globalSetup; --ignore-scripts keeps pack from rebuilding it.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 << 20 });
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  const tarball = join(work, info!.filename);
  app = join(work, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'image-root', private: true }));
  await run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
    cwd: app,
    maxBuffer: 16 << 20,
  });
  // RUN chmod 0755 /app/dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/scimsync
  bin = join(work, 'bin');
  await mkdir(bin);
  const main = join(app, 'node_modules', 'scimsync', 'dist', 'cli', 'main.js');
  await chmod(main, 0o755);
  await symlink(main, join(bin, 'scimsync'));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the container image contents (npm pack + production install)', () => {
  it('installs without dev dependencies and `scimsync --help` runs from PATH', async () => {
    const installed = join(app, 'node_modules');
    expect(existsSync(join(installed, 'prom-client'))).toBe(true);
    expect(existsSync(join(installed, 'node-cron'))).toBe(true);
    expect(existsSync(join(installed, 'typescript'))).toBe(false);
    expect(existsSync(join(installed, 'vitest'))).toBe(false);
    const child = spawnScimsync(['--help']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: scimsync <command>/);
    // The image's default CMD names a command the entrypoint knows.
    expect(out).toMatch(/^\s+daemon\s+\S/m);
  });

  it('`scimsync emulator` serves SCIM from the installed package', async () => {
    const child = spawnScimsync(['emulator', '--port', '0', '--token', 'image-test-token']);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`emulator exited ${String(code)}: ${out}`)));
    });
    const res = await fetch(`${url}Users`, { headers: { authorization: 'Bearer image-test-token' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ totalResults: 0 });
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
  });

  it('the default command (daemon) runs a sync from the installed package and stops cleanly on SIGTERM', async () => {
    const emulator = await startEmulator({ port: 0, rateLimit: 0, token: 'image-daemon-token' });
    try {
      const cfgDir = join(work, 'etc');
      await mkdir(cfgDir, { recursive: true });
      await writeFile(join(cfgDir, 'users.csv'), 'id,email,givenName,familyName\n1,ann@example.com,Ann,Lee\n');
      await writeFile(join(cfgDir, 'token'), 'image-daemon-token\n');
      await writeFile(
        join(cfgDir, 'config.yaml'),
        `source: { type: csv, users: ./users.csv }\ntarget: { url: "${emulator.url}", tokenFile: ./token, rateLimit: { perMinute: 0 } }\nstate: { path: ./state/state.json }\nschedule: "0 0 1 1 *"\ndaemon: { listen: "127.0.0.1:0" }\n`,
      );
      const child = spawnScimsync(['daemon', '-c', join(cfgDir, 'config.yaml'), '--run-now'], { SCIMSYNC_LOG_LEVEL: 'info' });
      let err = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('"msg":"run finished"')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`daemon exited ${String(code)}: ${err}`)));
      });
      expect(emulator.users().map((u) => u.userName)).toEqual(['ann@example.com']);
      child.kill('SIGTERM');
      expect(await new Promise((r) => child.on('close', r))).toBe(0);
    } finally {
      await emulator.stop();
    }
  });

  it('`import … from "scimsync"` resolves the package exports: plan, apply, loadConfig and startEmulator from the installed package', async () => {
    // The ESM entry and its types are what package.json `exports` names.
    const pkgDir = join(app, 'node_modules', 'scimsync');
    expect(existsSync(join(pkgDir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(pkgDir, 'dist', 'index.d.ts'))).toBe(true);
    // The path the example configs' modeline comment offers for a copy outside the repository.
    expect(existsSync(join(pkgDir, 'config', 'scimsync.schema.json'))).toBe(true);
    await writeFile(
      join(app, 'use-api.mjs'),
      `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apply, loadConfig, plan, startEmulator, ConfigError } from 'scimsync';
const dir = process.argv[2];
const emulator = await startEmulator({ port: 0, rateLimit: 0, token: 'api-test-token' });
try {
  await writeFile(join(dir, 'users.csv'), 'email,givenName,familyName\\nann@example.com,Ann,Lee\\nbob@example.com,Bob,Ray\\n');
  await writeFile(join(dir, 'api.yaml'), 'source: { type: csv, users: ./users.csv }\\ntarget: { url: "' + emulator.url + '", token: api-test-token, rateLimit: { perMinute: 0 } }\\nstate: { path: ./api-state.json }\\n');
  const loaded = await loadConfig(join(dir, 'api.yaml'));
  const first = await plan(join(dir, 'api.yaml'));
  const applied = await apply(join(dir, 'api.yaml'));
  const again = await plan(join(dir, 'api.yaml'));
  let configError = '';
  try { await loadConfig(join(dir, 'nope.yaml')); } catch (e) { configError = e instanceof ConfigError ? e.code : String(e); }
  console.log(JSON.stringify({ profile: loaded.config.target.profile, first: first.summary.createUsers, outcome: applied.outcome, again: again.operations.length, users: emulator.users().map((u) => u.userName), configError }));
} finally {
  await emulator.stop();
}
`,
    );
    const apiDir = join(work, 'api');
    await mkdir(apiDir, { recursive: true });
    const { stdout } = await run(process.execPath, [join(app, 'use-api.mjs'), apiDir], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      profile: 'amplitude',
      first: 2,
      outcome: 'converged',
      again: 0,
      users: ['ann@example.com', 'bob@example.com'],
      configError: 'SCIMSYNC_CONFIG_INVALID',
    });

    // A TypeScript consumer type-checks against the shipped declarations (through `exports` → types).
    await writeFile(
      join(app, 'consumer.ts'),
      `import { plan, type Plan, type LoadedConfig, type RunningEmulator } from 'scimsync';
export async function creates(config: string): Promise<number> { const p: Plan = await plan(config); return p.summary.createUsers; }
export type Both = [LoadedConfig['config']['target']['profile'], RunningEmulator['url']];
`,
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'image-root', private: true, type: 'module' }));
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app });
  });

  it('every path the Dockerfile COPYs or runs exists, and the image contract holds', async () => {
    const ins = instructions(DOCKERFILE);
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const copies = ins.filter((i) => i.op === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      const parts = c.args.split(/\s+/);
      if (parts[0]?.startsWith('--from=')) {
        // COPY --from=build /app/dist ./dist: what the build stage's `npm run build` leaves.
        expect(parts[1]).toBe('/app/dist');
        expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js'))).toBe(true);
        continue;
      }
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), `COPY source ${src}`).toBe(true);
        expect(ignored, `${src} is excluded by .dockerignore`).not.toContain(src);
      }
    }
    // One ARG moves every stage to another Node LTS.
    const froms = ins.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms).toEqual(['node:${NODE_VERSION}-bookworm-slim AS build', 'node:${NODE_VERSION}-bookworm-slim AS runtime']);
    expect(ins.filter((i) => i.op === 'ARG').map((i) => i.args)).toEqual([expect.stringMatching(/^NODE_VERSION=\d+$/)]);
    // The build stage's script and tsconfig exist; the symlink target is what the package ships.
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
    expect(pkg.bin.scimsync).toBe('dist/cli/main.js');
    expect(DOCKERFILE).toContain('ln -s /app/dist/cli/main.js /usr/local/bin/scimsync');
    const shipped = await readFile(join(app, 'node_modules', 'scimsync', pkg.bin.scimsync!), 'utf8');
    expect(shipped).toMatch(/^#!\/usr\/bin\/env (-S )?node( [^\n]*)?\n/);
    // Runtime contract.
    const one = (op: string) => ins.filter((i) => i.op === op).map((i) => i.args);
    expect(one('USER')).toEqual(['node']);
    expect(one('ENTRYPOINT')).toEqual(['["scimsync"]']);
    expect(one('CMD')).toEqual(['["daemon", "-c", "/etc/scimsync/config.yaml"]']);
    expect(one('EXPOSE')).toEqual(['9464']);
    expect(one('VOLUME')).toEqual(['["/var/lib/scimsync"]']);
    expect(one('HEALTHCHECK')[0]).toContain("fetch('http://127.0.0.1:9464/healthz')");
    expect(DOCKERFILE).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });
});
