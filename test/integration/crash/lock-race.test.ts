import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 8: of several real processes that find the same stale lock at the same moment, exactly one takes
 * it over. Each child imports the built lock module, says "ready", waits for "go" on stdin, tries
 * acquireLock, prints "won" or the error code, and (if it won) holds the lock until its stdin closes, so a
 * second winner could not hide behind an early release.
 */
const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));
const CONTENDERS = 8; // the expected tally line below says 7 locked
const ROUNDS = 4;

const SCRIPT = `
import { acquireLock } from ${JSON.stringify(`${DIST}state/lock.js`)};
import { silentLogger } from ${JSON.stringify(`${DIST}log.js`)};
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  try {
    const lock = await acquireLock(process.env.STATE_PATH, silentLogger(), () => new Date());
    process.stdout.write('won\\n');
    process.stdin.on('end', () => void lock.release().then(() => process.exit(0)));
    process.stdin.resume();
  } catch (err) {
    process.stdout.write((err.code ?? String(err)) + '\\n');
    process.exit(0);
  }
});
`;

interface Contender {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  next(): Promise<string>;
}

function contender(statePath: string): Contender {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: { ...process.env, STATE_PATH: statePath }, stdio: 'pipe' });
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  return {
    child,
    lines,
    next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((r) => waiters.push(r))),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsync-race-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

const STALE: Record<string, (lockPath: string) => Promise<void>> = {
  'a dead process': (p) => writeFile(p, JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: '2026-01-01T00:00:00Z', runId: 'dead' })),
  'an empty file an hour old': async (p) => {
    await writeFile(p, '');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(p, old, old);
  },
};

describe('stale lock takeover is atomic across processes', () => {
  it(`${CONTENDERS} processes race for one stale lock, ${ROUNDS} rounds: exactly one wins each time`, async () => {
    const tally: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const kind = Object.keys(STALE)[round % 2]!;
      const statePath = join(dir, `state-${round}.json`);
      await STALE[kind]!(`${statePath}.lock`);
      const all = Array.from({ length: CONTENDERS }, () => contender(statePath));
      try {
        for (const c of all) expect(await c.next()).toBe('ready');
        for (const c of all) c.child.stdin.write('go\n');
        const results = await Promise.all(all.map((c) => c.next()));
        const winners = all.filter((_, i) => results[i] === 'won');
        const lock = JSON.parse((await readFile(`${statePath}.lock`, 'utf8')) || '{}') as { pid?: number };
        const others = results.filter((r) => r !== 'won' && r !== 'SCIMSYNC_STATE_LOCKED');
        const holder = winners.length === 1 && lock.pid === winners[0]!.child.pid ? 'the lock names the winner' : `the lock names pid ${lock.pid}`;
        tally.push(
          `${kind}: ${winners.length} won, ${results.length - winners.length - others.length} locked${others.length ? `, ${others.join(' ')}` : ''}, ${holder}`,
        );
      } finally {
        for (const c of all) c.child.stdin.end();
        await Promise.all(all.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(undefined) : c.child.once('exit', r)))));
      }
      // The winner released on exit; no marker or temp file is left behind.
      const left = (await readdir(dir)).filter((f) => f.startsWith(`state-${round}.json`));
      tally[tally.length - 1] += left.length ? `, left ${left.join(' ')}` : ', nothing left';
    }
    console.log(`lock race:\n  ${tally.join('\n  ')}`);
    expect(tally).toEqual(tally.map((t) => t.replace(/: .*/, ': 1 won, 7 locked, the lock names the winner, nothing left')));
  }, 120_000);
});
