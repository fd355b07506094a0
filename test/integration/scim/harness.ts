import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import { startEmulator } from '../../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/emulator/types.js';
import { createScimTarget, type ScimClientOptions } from '../../../src/scim/index.js';
import type { ScimTarget } from '../../../src/scim/port.js';

export interface Rig {
  readonly emulator: RunningEmulator;
  readonly client: ScimTarget;
}

const open: Rig[] = [];

/** Fast retries for tests; the real defaults are seconds. */
export const FAST = { perMinute: 0, backoff: { baseMs: 5, maxMs: 40 }, maxRetries: 5 } as const;

/** A real emulator and a client pointed at it; both closed after each test. */
export async function rig(emu: EmulatorOptions, client: Partial<ScimClientOptions> = {}): Promise<Rig> {
  const emulator = await startEmulator({ port: 0, ...emu });
  const target = createScimTarget({
    url: emulator.url,
    token: emulator.token,
    profile: emu.profile ?? 'amplitude',
    ...FAST,
    ...client,
  });
  const r = { emulator, client: target };
  open.push(r);
  return r;
}

afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.client.close();
    await r.emulator.stop();
  }
});

export function seedUsers(n: number, domain = 'example.com'): { userName: string; givenName: string; familyName: string }[] {
  return Array.from({ length: n }, (_, i) => ({ userName: `user${String(i).padStart(4, '0')}@${domain}`, givenName: `Given${i}`, familyName: `Family${i}` }));
}

export function attrs(email: string, givenName = 'Jane', familyName = 'Doe', externalId?: string) {
  return { userName: email, givenName, familyName, ...(externalId === undefined ? {} : { externalId }) };
}

/** Runs `fn`, returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a throw');
}

/** A real pino logger at debug level whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const raw = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    raw()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, raw };
}
