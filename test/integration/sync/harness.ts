import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext } from '../../../src/cli/context.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import { runOnce, type RunOptions, type RunResult } from '../../../src/run/run-once.js';

export type Profile = 'amplitude' | 'rfc';

export interface Person {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  active?: boolean;
  /** The status cell as an HR export writes it; default from `active` (yes/no). */
  status?: string;
  groups?: string[];
}

export function csvOf(people: readonly Person[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = people.map((p) =>
    [p.id, p.email, p.givenName, p.familyName, p.status ?? (p.active === false ? 'no' : 'yes'), (p.groups ?? []).join(';')].map(quote).join(','),
  );
  return ['id,email,givenName,familyName,active,groups', ...rows].join('\n') + '\n';
}

/** `n` people, person i in group `groups[i % groups.length]`. */
export function people(n: number, groups: readonly string[] = ['Engineering', 'Sales', 'Support'], domain = 'example.com'): Person[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `E${String(i).padStart(5, '0')}`,
    email: `user${String(i).padStart(5, '0')}@${domain}`,
    givenName: `Given${i}`,
    familyName: `Family${i}`,
    groups: groups.length ? [groups[i % groups.length]!] : [],
  }));
}

export interface SyncHarness {
  readonly emulator: RunningEmulator;
  readonly dir: string;
  readonly configPath: string;
  setPeople(p: readonly Person[]): Promise<void>;
  run(opts: RunOptions): Promise<RunResult>;
  plan(): Promise<RunResult>;
  apply(opts?: Omit<RunOptions, 'mode'>): Promise<RunResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  profile?: Profile;
  emulator?: EmulatorOptions;
  /** Extra YAML under `sync:` (indented by the caller is not needed: pass an object). */
  sync?: Record<string, unknown>;
  maxMembersPerPatch?: number;
  /** Extra keys under `target:` (e.g. inviteThroughGroups). */
  target?: Record<string, unknown>;
  /** The runs' clock (fullReadEvery tests move it instead of waiting). */
  now?: () => Date;
}

/** A temp dir with users.csv and a config pointing at a fresh emulator; runs go through the real CLI context. */
export async function createSyncHarness(opts: HarnessOptions = {}): Promise<SyncHarness> {
  const profile = opts.profile ?? 'amplitude';
  const emulator = await startEmulator({ port: 0, profile, rateLimit: 0, ...opts.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-sync-'));
  const configPath = join(dir, 'config.yaml');
  const sync = { deprovision: 'delete', safety: { maxDeletes: 1000, maxDeletePercent: 100 }, ...opts.sync };
  const config = {
    source: { type: 'csv', users: './users.csv' },
    target: {
      url: emulator.url,
      token: emulator.token,
      profile,
      rateLimit: { perMinute: 0, concurrency: 2 },
      maxMembersPerPatch: opts.maxMembersPerPatch ?? 100,
      ...opts.target,
    },
    sync,
    state: { path: './state.json' },
    log: { level: 'silent' },
  };
  // JSON is valid YAML.
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'users.csv'), csvOf([]));
  const run = async (o: RunOptions) => {
    const ctx = await buildContext({ configPath });
    try {
      return await runOnce(opts.now ? { ...ctx, now: opts.now } : ctx, o);
    } finally {
      await ctx.close();
    }
  };
  return {
    emulator,
    dir,
    configPath,
    setPeople: (p) => writeFile(join(dir, 'users.csv'), csvOf(p)),
    run,
    plan: () => run({ mode: 'plan' }),
    apply: (o = {}) => run({ mode: 'apply', ...o }),
    async close() {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Requests by method the emulator served since the last reset (only non-zero entries). */
export function served(emulator: RunningEmulator): Record<string, number> {
  return Object.fromEntries(Object.entries(emulator.stats().byMethod).filter(([, n]) => n > 0));
}

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** Runs the built CLI as a user would (a separate process), never blocking this one (the emulator lives here). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
