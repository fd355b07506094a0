import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';

export interface Person {
  readonly id: string;
  readonly email: string;
  readonly groups?: readonly string[];
}

export function people(n: number, groups: readonly string[] = ['Engineering', 'Sales']): Person[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `E${String(i).padStart(4, '0')}`,
    email: `user${String(i).padStart(4, '0')}@example.com`,
    groups: groups.length ? [groups[i % groups.length]!] : [],
  }));
}

export function csvOf(list: readonly Person[]): string {
  const rows = list.map((p, i) => `${p.id},${p.email},Given${i},Family${i},yes,${(p.groups ?? []).join(';')}`);
  return ['id,email,givenName,familyName,active,groups', ...rows].join('\n') + '\n';
}

export interface DaemonFixture {
  readonly emulator: RunningEmulator;
  readonly dir: string;
  readonly configPath: string;
  readonly tokenPath: string;
  readonly statePath: string;
  setPeople(list: readonly Person[]): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly schedule?: string;
  readonly shutdownTimeoutMs?: number;
  readonly concurrency?: number;
  readonly emulator?: EmulatorOptions;
  readonly safety?: { readonly maxDeletes: number; readonly maxDeletePercent: number };
}

/** A temp dir with users.csv, a token file and a daemon config pointing at an in-process emulator. */
export async function createDaemonFixture(opts: FixtureOptions = {}): Promise<DaemonFixture> {
  const token = 'daemon-test-token-9f8e7d';
  const emulator = await startEmulator({ port: 0, rateLimit: 0, token, ...opts.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-daemon-'));
  const configPath = join(dir, 'config.yaml');
  const tokenPath = join(dir, 'scim-token');
  await writeFile(tokenPath, `${token}\n`, { mode: 0o600 });
  // These tests are about the daemon's mechanics (slow runs, shutdown mid-load): every run reads the whole
  // target and every user costs a POST, so that runs take requests (and time) to interrupt.
  const config = {
    source: { type: 'csv', users: './users.csv' },
    target: {
      url: emulator.url,
      tokenFile: './scim-token',
      profile: 'amplitude',
      rateLimit: { perMinute: 0, concurrency: opts.concurrency ?? 2 },
      inviteThroughGroups: false,
    },
    sync: { deprovision: 'delete', safety: opts.safety ?? { maxDeletes: 1000, maxDeletePercent: 100 }, fullReadEvery: '0' },
    state: { path: './state.json' },
    schedule: opts.schedule ?? '*/2 * * * * *',
    daemon: { listen: '127.0.0.1:0', shutdownTimeoutMs: opts.shutdownTimeoutMs ?? 15_000 },
    log: { level: 'info' },
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'users.csv'), csvOf([]));
  return {
    emulator,
    dir,
    configPath,
    tokenPath,
    statePath: join(dir, 'state.json'),
    setPeople: (list) => writeFile(join(dir, 'users.csv'), csvOf(list)),
    async close() {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
