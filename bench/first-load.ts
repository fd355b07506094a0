/**
 * Issue 11 benchmark: the first load of 10,000 users in 50 groups (each person in 2, so 400 members a
 * group and 20,000 memberships) into an empty Amplitude org, with invites through groups (the default) and
 * without (`target.inviteThroughGroups: false`). Counts are exact; the time at Amplitude's limit is
 * projected as requests / 90 per minute (the client's default budget), and with `--real` the invites run is
 * also timed for real against the emulator at its 100/min limit with `perMinute: 90`.
 * Run: `npm run build && npx tsx bench/first-load.ts [--real]`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequests, timedCli, totalRequests, writeBenchConfig } from './lib/cli.js';
import { email } from './lib/dataset.js';
import { startEmulatorProcess, table } from './lib/emulator-process.js';

const USERS = 10_000;
const GROUPS = 50;
const PER_MINUTE = 90;
const real = process.argv.includes('--real');

const group = (g: number) => `Group${String(g).padStart(2, '0')}`;
const csv = ['id,email,givenName,familyName,groups'];
for (let i = 0; i < USERS; i++) csv.push(`E${i},${email(i)},Given${i},Family${i},${group(i % GROUPS)};${group((i + 1) % GROUPS)}`);

interface Result {
  requests: Record<string, number>;
  seconds: number;
  users: number;
  outcome: string;
}

/** One first load into a fresh emulator; `limit` is the emulator's requests per minute (0 = off). */
async function firstLoad(invites: boolean, limit: number, perMinute: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-bench-first-'));
  try {
    await writeFile(join(dir, 'users.csv'), csv.join('\n') + '\n');
    const emulator = await startEmulatorProcess(['--rate-limit', String(limit)]);
    try {
      const config = await writeBenchConfig(dir, emulator.url, emulator.token, { rateLimit: { perMinute, concurrency: 2 }, inviteThroughGroups: invites });
      const run = timedCli(['apply', '-c', config, '--json']);
      const doc = JSON.parse(run.stdout) as { outcome: string; requests: Record<string, number> };
      const stats = await emulator.stats();
      if (stats.total !== totalRequests(doc.requests))
        throw new Error(`client counted ${totalRequests(doc.requests)} requests, emulator served ${stats.total}`);
      return { requests: doc.requests, seconds: run.seconds, users: USERS, outcome: doc.outcome };
    } finally {
      await emulator.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const minutes = (requests: number) => (requests / PER_MINUTE).toFixed(1);
const on = await firstLoad(true, 0, 0);
const off = await firstLoad(false, 0, 0);
const rows: Record<string, string | number>[] = [
  {
    run: 'invites through groups (default)',
    outcome: on.outcome,
    requests: `${totalRequests(on.requests)} (${describeRequests(on.requests)})`,
    'min at 90/min (projected)': minutes(totalRequests(on.requests)),
    'min, measured': '-',
  },
  {
    run: 'inviteThroughGroups: false',
    outcome: off.outcome,
    requests: `${totalRequests(off.requests)} (${describeRequests(off.requests)})`,
    'min at 90/min (projected)': minutes(totalRequests(off.requests)),
    'min, measured': '-',
  },
];
if (real) {
  const timed = await firstLoad(true, 100, PER_MINUTE);
  rows.push({
    run: 'invites, emulator limit 100/min, perMinute 90',
    outcome: timed.outcome,
    requests: `${totalRequests(timed.requests)} (${describeRequests(timed.requests)})`,
    'min at 90/min (projected)': minutes(totalRequests(timed.requests)),
    'min, measured': (timed.seconds / 60).toFixed(2),
  });
}
process.stdout.write(
  `\nfirst load: ${USERS} users in ${GROUPS} groups (2 each, ${USERS * 2} memberships) into an empty org\n\n` +
    table(rows) +
    `\n\n(goal: ≤ 205 requests with invites; "projected" = requests / ${PER_MINUTE} per minute, the client's default budget${real ? '' : '; pass --real to time the invites run at the limit'})\n`,
);
