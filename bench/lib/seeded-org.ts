import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchConfig } from './cli.js';
import { writeSeed, writeUsersCsv, type Shape } from './dataset.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.js';

export interface SeededOrg {
  readonly dir: string;
  readonly emulator: EmulatorProcess;
  readonly configPath: string;
}

/**
 * The org of `shape` on both sides, in step: a temp dir (`scimsync-bench-NAME-…`) with its users.csv, the
 * emulator in its own process seeded with the same users and groups, and a config for it (writeBenchConfig's
 * `target` and `extra`). `rateLimit`: the emulator's per minute, 0 (default) for none.
 */
export async function seededOrg(
  name: string,
  shape: Shape,
  opts: { rateLimit?: number; target?: Record<string, unknown>; extra?: Record<string, unknown> } = {},
): Promise<SeededOrg> {
  const dir = await mkdtemp(join(tmpdir(), `scimsync-bench-${name}-`));
  await writeUsersCsv(dir, shape);
  const emulator = await startEmulatorProcess(['--rate-limit', String(opts.rateLimit ?? 0), '--seed', await writeSeed(dir, shape)]);
  const configPath = await writeBenchConfig(dir, emulator.url, emulator.token, opts.target, opts.extra);
  return { dir, emulator, configPath };
}
