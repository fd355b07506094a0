import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../daemon/process.js';
import { createSyncHarness, people, type SyncHarness } from './harness.js';

// util-linux `script` runs a command on a pseudo-terminal: the CLI sees a terminal on stdin, stdout and stderr.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `scimsync apply` on a terminal. `answer` is typed once the question appears (if it does); the promise
 * resolves with the exit code and everything the terminal showed.
 */
function applyOnTerminal(args: string[], answer: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, 'apply', ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb' } });
  let screen = '';
  let answered = false;
  const onData = (d: Buffer): void => {
    screen += d.toString();
    if (!answered && screen.includes('[y/N] ')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, screen: screen.replace(/\r/g, '') });
    });
  });
}

describe.skipIf(!HAS_SCRIPT)('apply on a terminal', () => {
  it('shows the plan, asks, and on anything but yes changes nothing (exit 1)', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, []));
    const r = await applyOnTerminal(['-c', h.configPath], 'n');
    expect(r.screen).toContain('Plan: 3 to create, 0 to update, 0 to delete, 0 to adopt.');
    // The plan comes first, then the question.
    expect(r.screen.indexOf('Plan: 3 to create')).toBeLessThan(r.screen.indexOf('Apply these 3 changes? [y/N] '));
    expect(r.screen).toContain('Apply cancelled; nothing was changed.');
    expect(r.code).toBe(1);
    expect(h.emulator.stats().writes).toBe(0);
  });

  it('applies on "y"; asks nothing when there is nothing to change, nor with --yes', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, []));
    const yes = await applyOnTerminal(['-c', h.configPath], 'y');
    expect(yes.screen).toContain('Apply these 3 changes? [y/N] y');
    expect(yes.screen).toContain('Apply complete: 3 of 3 operations applied');
    expect(yes.code).toBe(0);
    expect(h.emulator.users()).toHaveLength(3);

    // An answer is typed only if the question appears; "n" would then fail the run.
    const nothing = await applyOnTerminal(['-c', h.configPath], 'n');
    expect(nothing.screen).not.toContain('[y/N]');
    expect(nothing.screen).toContain('No changes. The target matches the source.');
    expect(nothing.code).toBe(0);

    await h.setPeople(people(4, []));
    const auto = await applyOnTerminal(['-c', h.configPath, '--yes'], 'n');
    expect(auto.screen).not.toContain('[y/N]');
    expect(auto.code).toBe(0);
    expect(h.emulator.users()).toHaveLength(4);
  });
});
