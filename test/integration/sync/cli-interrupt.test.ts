import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { CLI } from '../daemon/process.js';
import { createSyncHarness, people, runCli, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `scimsync apply` in its own process, with what it wrote so far and a way to wait for a line. */
function spawnApply(configPath: string) {
  const child = spawn(process.execPath, [CLI, 'apply', '-c', configPath], {
    env: { ...process.env, SCIMSYNC_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Resolves once stderr contains `text`; rejects if the process exits first. */
    waitForStderr(text: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!stderr.includes(text)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        void exited.then(() => {
          if (!stderr.includes(text)) reject(new Error(`exited before writing ${JSON.stringify(text)}:\n${stderr.slice(-2000)}`));
        });
      });
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

const posts = (e: RunningEmulator): number => e.stats().byMethod.POST ?? 0;

/**
 * Five users to create under a budget of 4 requests a minute: the 2 list reads and 2 POSTs go at once, the
 * third POST waits for the budget (a minute). `slow` POSTs are held by the emulator for 8 s each.
 */
async function slowApply(slow: number[]): Promise<SyncHarness> {
  const harness = await createSyncHarness({
    emulator: { faults: { script: slow.map((nth) => ({ method: 'POST', route: '/Users', nth, action: 'latency' as const, ms: 8_000 })) } },
  });
  await harness.setPeople(people(5, []));
  await setBudget(harness, 4);
  return harness;
}

async function setBudget(harness: SyncHarness, perMinute: number): Promise<void> {
  const config = JSON.parse(await readFile(harness.configPath, 'utf8')) as { target: { rateLimit: { perMinute: number } } };
  config.target.rateLimit.perMinute = perMinute;
  await writeFile(harness.configPath, JSON.stringify(config));
}

describe('Ctrl-C during apply', () => {
  it(
    'the first SIGINT says what it waits for, drops the work waiting for the budget, ends after the requests in flight; a rerun resumes',
    { timeout: 120_000 },
    async () => {
      h = await slowApply([1, 2]);
      const apply = spawnApply(h.configPath);
      const emulator = h.emulator;
      await until(() => posts(emulator) === 2); // both POSTs sent and held by the emulator; the third waits for the budget
      apply.child.kill('SIGINT');
      await apply.waitForStderr('stopping: waiting for 2 requests in flight (Ctrl-C again to quit now)\n');
      // Said before the requests in flight were answered, not after.
      expect(emulator.users()).toHaveLength(0);
      expect(await apply.exited).toBe(1);
      expect(apply.stdout()).toContain('Apply stopped: 2 of 5 applied; run apply again to resume.');
      // No write after the stop other than the two in flight.
      expect(posts(emulator)).toBe(2);
      expect(emulator.users()).toHaveLength(2);
      const state = JSON.parse(await readFile(join(h.dir, 'state.json'), 'utf8')) as { users: Record<string, unknown>; progress: { done: string[] } };
      expect(Object.keys(state.users)).toHaveLength(2);
      expect(state.progress.done).toHaveLength(2);

      await setBudget(h, 0);
      emulator.resetStats();
      const rerun = await runCli(['apply', '-c', h.configPath]);
      expect(rerun.code).toBe(0);
      expect(posts(emulator)).toBe(3);
      expect(
        emulator
          .users()
          .map((u) => u.userName)
          .sort(),
      ).toEqual(people(5, []).map((p) => p.email));
    },
  );

  it('a second SIGINT quits at once with the progress saved; the write it left behind is adopted by the next run', { timeout: 120_000 }, async () => {
    h = await slowApply([2]);
    const apply = spawnApply(h.configPath);
    const emulator = h.emulator;
    await apply.waitForStderr('"key":"user:create:user00000@example.com"'); // applied (debug line), POST 2 in flight
    await until(() => posts(emulator) === 2);
    apply.child.kill('SIGINT');
    await apply.waitForStderr('stopping: waiting for 1 request in flight');
    apply.child.kill('SIGINT');
    expect(await apply.exited).toBe(1);
    // It did not wait for the held POST: the emulator has not committed it yet.
    expect(emulator.users()).toHaveLength(1);
    expect(apply.stderr()).toContain(`quit: progress saved to ${join(h.dir, 'state.json')}; run apply again to resume`);
    const state = JSON.parse(await readFile(join(h.dir, 'state.json'), 'utf8')) as { users: Record<string, { userName: string }> };
    expect(Object.values(state.users).map((u) => u.userName)).toEqual(['user00000@example.com']);
    expect(existsSync(join(h.dir, 'state.json.lock'))).toBe(false);

    await until(() => emulator.users().length === 2); // the abandoned POST lands after all
    await setBudget(h, 0);
    emulator.resetStats();
    const rerun = await runCli(['apply', '-c', h.configPath]);
    expect(rerun.code).toBe(0);
    expect(posts(emulator)).toBe(3);
    const names = emulator.users().map((u) => u.userName);
    expect(new Set(names).size).toBe(5);
  });
});
