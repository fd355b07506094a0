import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { readStateFile } from '../../../src/state/index.js';
import { csvOf, people, type Person } from '../sync/harness.js';

/**
 * The crash-consistency fixture: a real `scimsync apply` (the built CLI, a child process) against an
 * in-process emulator, killed with SIGKILL at a chosen point, then run again; `verify` says whether the
 * target, the state file and a further plan show a converged sync.
 */
export const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
export const TOKEN = 'crash-harness-token';
export const GROUPS = ['Engineering', 'Sales', 'Support', 'Finance', 'Operations'];

/** (a) the first load: 300 people in 5 groups. */
export const FIRST: readonly Person[] = people(300, GROUPS);

/** (b) a change run on top of FIRST: leavers, disabled users, renames, email changes, movers, joiners. */
export const CHANGED: readonly Person[] = [
  ...FIRST.flatMap((p, i): Person[] => {
    if (i < 10) return []; // left
    if (i < 20) return [{ ...p, familyName: `Renamed${i}` }];
    if (i < 25) return [{ ...p, email: `moved${i}@example.com` }]; // same source id, new email
    if (i < 45) return [{ ...p, groups: [GROUPS[(i + 1) % GROUPS.length]!] }];
    if (i < 50) return [{ ...p, active: false }];
    return [p];
  }),
  ...Array.from({ length: 30 }, (_, j) => ({
    id: `J${String(j).padStart(4, '0')}`,
    email: `joiner${j}@example.com`,
    givenName: `Joiner${j}`,
    familyName: `New${j}`,
    groups: [GROUPS[j % GROUPS.length]!],
  })),
];

export interface Workspace {
  readonly dir: string;
  readonly emulator: RunningEmulator;
  readonly configPath: string;
  readonly statePath: string;
  close(): Promise<void>;
}

/** What a finished workspace leaves to start others from: the emulator's saved store and the state file. */
export interface Baseline {
  readonly emulatorFile: string;
  readonly stateText: string;
  readonly stateTarget: string;
}

/**
 * A temp dir with config, users.csv and an emulator. `persist`: the emulator saves its store to
 * `emulator.json` (for a baseline). `from`: start from a baseline's store and state file.
 */
export async function workspace(source: readonly Person[], opts: { persist?: boolean; from?: Baseline } = {}): Promise<Workspace> {
  const { from } = opts;
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-crash-'));
  const persistPath = join(dir, 'emulator.json');
  if (from) await copyFile(from.emulatorFile, persistPath);
  const emulator = await startEmulator({ port: 0, token: TOKEN, rateLimit: 0, ...(opts.persist || from ? { persistPath } : {}) });
  const configPath = join(dir, 'config.yaml');
  const config = {
    source: { type: 'csv', users: './users.csv' },
    // One POST per user, so that kill points spread over hundreds of writes (invites through groups would make
    // a first load five group writes; invites have their own tests).
    target: { url: emulator.url, token: TOKEN, profile: 'amplitude', inviteThroughGroups: false, rateLimit: { perMinute: 100_000, concurrency: 2 } },
    sync: { deprovision: 'delete', safety: { maxDeletes: 1000, maxDeletePercent: 100 } },
    state: { path: './state.json' },
    log: { level: 'silent' },
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'users.csv'), csvOf(source));
  // The saved state belongs to the saved store, which now answers on another port: same target, new URL.
  if (from) await writeFile(join(dir, 'state.json'), from.stateText.split(JSON.stringify(from.stateTarget)).join(JSON.stringify(emulator.url)));
  return {
    dir,
    emulator,
    configPath,
    statePath: join(dir, 'state.json'),
    async close() {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI. `killAfterWrites`: SIGKILL it as soon as the emulator has seen that many write requests
 * (polled every millisecond; the emulator lives in this process). `env`: e.g. SCIMSYNC_CRASH_AT.
 */
export function cli(
  args: string[],
  opts: { env?: Record<string, string>; emulator?: RunningEmulator; killAfterWrites?: number } = {},
): Promise<CliRun & { writesAtKill?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let writesAtKill: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const { emulator, killAfterWrites } = opts;
    const poll =
      emulator && killAfterWrites !== undefined
        ? setInterval(() => {
            const writes = emulator.stats().writes;
            if (writes >= killAfterWrites && writesAtKill === undefined) {
              writesAtKill = writes;
              child.kill('SIGKILL');
            }
          }, 1)
        : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, stdout, stderr, ...(writesAtKill === undefined ? {} : { writesAtKill }) });
    });
  });
}

export interface Verdict {
  readonly converged: boolean;
  readonly duplicates: number;
  readonly problems: string[];
}

/** Target = source exactly (users, names, groups, members), no duplicates, state parses and records all, plan exits 0, no debris. */
export async function verify(ws: Workspace, source: readonly Person[]): Promise<Verdict> {
  const problems: string[] = [];
  const wanted = source.filter((p) => p.active !== false);
  const users = ws.emulator.users();
  const groups = ws.emulator.groups();
  const names = users.map((u) => u.userName.toLowerCase());
  const groupNames = groups.map((g) => g.displayName.toLowerCase());
  const duplicates = names.length - new Set(names).size + (groupNames.length - new Set(groupNames).size);
  if (duplicates > 0) problems.push(`${duplicates} duplicate users or groups`);

  const actualUsers = new Map(users.filter((u) => u.active).map((u) => [u.userName.toLowerCase(), `${u.givenName} ${u.familyName}`]));
  const expectedUsers = new Map(wanted.map((p) => [p.email.toLowerCase(), `${p.givenName} ${p.familyName}`]));
  if (!sameMap(actualUsers, expectedUsers)) problems.push(`users differ: ${diff(actualUsers, expectedUsers)}`);
  if (users.some((u) => !u.active)) problems.push('inactive users left in the target');

  const byId = new Map(users.map((u) => [u.id, u.userName.toLowerCase()]));
  const actualGroups = new Map(
    groups.map((g) => [
      g.displayName,
      g.members
        .map((m) => byId.get(m) ?? `?${m}`)
        .sort()
        .join(','),
    ]),
  );
  const expectedGroups = new Map(
    GROUPS.map((name) => [
      name,
      wanted
        .filter((p) => p.groups?.includes(name))
        .map((p) => p.email.toLowerCase())
        .sort()
        .join(','),
    ]),
  );
  if (!sameMap(actualGroups, expectedGroups)) problems.push(`groups differ: ${diff(actualGroups, expectedGroups)}`);

  try {
    const state = await readStateFile(ws.statePath, { target: ws.emulator.url });
    if (!state) problems.push('no state file');
    else {
      // Every source user is recorded. A record beyond those may only be a leaver whose delete the killed run
      // made but never flushed: the target no longer has it, and the record is kept on purpose (records go
      // only when scimsync's own delete is recorded, so no read, short or not, can un-manage a leaver).
      const records = Object.values(state.users);
      const recordedNames = new Set(records.map((r) => r.userName.toLowerCase()));
      const unrecorded = wanted.filter((p) => !recordedNames.has(p.email.toLowerCase()));
      if (unrecorded.length > 0) problems.push(`state has no record of ${unrecorded.length} source users`);
      const wantedNames = new Set(wanted.map((p) => p.email.toLowerCase()));
      const inTarget = new Set(names);
      const liveExtra = records.filter((r) => !wantedNames.has(r.userName.toLowerCase()) && inTarget.has(r.userName.toLowerCase()));
      if (liveExtra.length > 0) problems.push(`state records ${liveExtra.length} users that are in the target but not in the source`);
      if (Object.keys(state.groups).length !== GROUPS.length) problems.push(`state records ${Object.keys(state.groups).length} groups`);
      if (state.progress) problems.push('state still holds an unfinished apply');
    }
  } catch (err) {
    problems.push(`state file does not parse: ${(err as Error).message}`);
  }

  const plan = await cli(['plan', '-c', ws.configPath]);
  if (plan.code !== 0) problems.push(`plan exited ${plan.code}: ${(plan.stderr || plan.stdout).slice(0, 300)}`);
  const debris = (await readdir(ws.dir)).filter((f) => !['config.yaml', 'users.csv', 'state.json', 'state.target.json', 'emulator.json'].includes(f));
  if (debris.length > 0) problems.push(`left behind: ${debris.join(', ')}`);
  return { converged: problems.length === 0, duplicates, problems };
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function diff(actual: ReadonlyMap<string, string>, expected: ReadonlyMap<string, string>): string {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  const wrong = [...expected].filter(([k, v]) => actual.has(k) && actual.get(k) !== v).map(([k]) => k);
  return `missing ${missing.length} (${missing.slice(0, 3).join(' ')}), extra ${extra.length} (${extra.slice(0, 3).join(' ')}), wrong ${wrong.length} (${wrong.slice(0, 3).join(' ')})`;
}
