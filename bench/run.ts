/**
 * `npm run bench [name …]`: runs the benchmarks one after another (each prints its own table).
 * Names: emulator, plan, noop-plan, rate, first-load, changes-only, daemon-runs, ldap (ldap needs slapd installed), daemon-day (over
 * 20 minutes at 100,000 users: its first full read alone takes 11 at Amplitude's limit). Default: all but ldap and daemon-day.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['emulator', 'plan', 'noop-plan', 'rate', 'first-load', 'changes-only', 'daemon-runs'];
const names = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const root = fileURLToPath(new URL('..', import.meta.url));
let failed = 0;
for (const name of names) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', `bench/${name}.ts`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
