import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askToApply, needsConfirmation } from '../../../src/cli/confirm.js';

describe('needsConfirmation', () => {
  it.each([
    [{ yes: false, interactive: true, changes: 3 }, true],
    [{ yes: true, interactive: true, changes: 3 }, false], // --yes
    [{ yes: false, interactive: false, changes: 3 }, false], // cron, CI, Kubernetes: never ask
    [{ yes: false, interactive: true, changes: 0 }, false], // nothing to change: nothing to ask
  ])('%o → %s', (situation, ask) => expect(needsConfirmation(situation)).toBe(ask));
});

function ask(input: string | null, signal?: AbortSignal) {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (d: Buffer) => (shown += d.toString()));
  const answer = askToApply(3, { input: stdin, output: stderr, ...(signal ? { signal } : {}) });
  if (input === null) stdin.end();
  else if (input !== undefined) stdin.write(input);
  return { answer, shown: () => shown };
}

describe('askToApply', () => {
  it('asks "Apply these N changes? [y/N]" and goes ahead only on y or yes', async () => {
    const yes = ask('y\n');
    expect(await yes.answer).toBe(true);
    expect(yes.shown()).toBe('Apply these 3 changes? [y/N] ');
    expect(await ask('YES\n').answer).toBe(true);
    for (const no of ['\n', 'n\n', 'no\n', 'sure\n', 'yy\n']) expect(await ask(no).answer, JSON.stringify(no)).toBe(false);
  });

  it('takes a closed input (EOF) or Ctrl-C as no', async () => {
    expect(await ask(null).answer).toBe(false);
    const stop = new AbortController();
    const pending = ask('', stop.signal);
    stop.abort();
    expect(await pending.answer).toBe(false);
  });
});
