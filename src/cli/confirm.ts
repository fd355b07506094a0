import { createInterface } from 'node:readline/promises';

export interface ConfirmSituation {
  /** `--yes`. */
  readonly yes: boolean;
  /** A person is there to answer: stdin and stderr are terminals (not cron, CI or Kubernetes). */
  readonly interactive: boolean;
  /** Operations that would write to the target. */
  readonly changes: number;
}

/** Ask only a person at a terminal, only when something would change, and never after `--yes`. */
export function needsConfirmation(s: ConfirmSituation): boolean {
  return !s.yes && s.interactive && s.changes > 0;
}

export interface PromptIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Ctrl-C while asking: the answer is no. */
  readonly signal?: AbortSignal;
}

/** `Apply these N changes? [y/N]`: only `y` or `yes` (any case) goes ahead; anything else, EOF or Ctrl-C is no. */
export async function askToApply(changes: number, io: PromptIo): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  try {
    const question = rl.question(`Apply these ${changes} change${changes === 1 ? '' : 's'}? [y/N] `, io.signal ? { signal: io.signal } : {});
    const answer = await Promise.race([question, closed]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
