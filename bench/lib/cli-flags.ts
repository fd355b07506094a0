import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The node flags the `scimsync` bin runs with (those on its shebang line; none today). */
export function cliNodeFlags(): string[] {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const shebang = readFileSync(main, 'utf8').split('\n', 1)[0]!;
  return shebang.split(/\s+/).filter((w) => w.startsWith('--'));
}

/**
 * A benchmark that measures scimsync code in its own process must run it as the CLI does: with the
 * same V8 heap flags (the young-generation size changes how much a big read costs in GC). Re-runs
 * this script under them when they are missing, and exits with its code.
 */
export function rerunWithCliFlags(script: string): void {
  const flags = cliNodeFlags().filter((f) => !process.execArgv.includes(f));
  if (flags.length === 0) return;
  const r = spawnSync(process.execPath, [...flags, ...process.execArgv, fileURLToPath(script), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
