import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup: tests that spawn the real CLI (`node dist/cli/main.js …`) need an up-to-date dist/.
 * Build it once per test run, before any test file starts, so no two files race to build it.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // tsc still emits JavaScript when it reports type errors. Type errors fail `npm run lint` and the
    // `prepare` build (so CI fails on them); here they must not stop unrelated tests from running.
    process.stderr.write('build.setup: tsc reported errors (see above); tests run against what it emitted\n');
  }
}
