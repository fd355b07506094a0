/**
 * vitest globalSetup: start throwaway slapd (127.0.0.1:3890/3891) and Samba AD (127.0.0.1:389/636)
 * servers when a selected test file uses them (imports test/harness/directories), provide their
 * connection facts to the workers, stop them at teardown. A missing binary fails the run under CI
 * (CI must never skip silently) and skips those tests, with the reason, elsewhere.
 */
import { readFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import type { DirectoriesContext, DirectoryAvailability } from './directories.js';
import { missingBinaries, SAMBA_BINARIES, SLAPD_BINARIES, startSambaAd, startSlapd, type RunningDirectory } from './start-directories.js';

async function wanted(project: TestProject): Promise<{ slapd: boolean; samba: boolean }> {
  // Only start what the selected files use: a unit-test run must not pay for (or fight over) port 389.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const specs = await project.vitest.globTestSpecifications(filters ?? []);
  let slapd = false;
  let samba = false;
  for (const spec of specs) {
    const text = await readFile(spec.moduleId, 'utf8').catch(() => '');
    if (!text.includes('harness/directories')) continue;
    if (text.includes('getSlapd')) slapd = true;
    if (text.includes('getSambaAd')) samba = true;
  }
  return { slapd, samba };
}

async function start(
  name: string,
  use: boolean,
  binaries: readonly string[],
  starter: () => Promise<RunningDirectory>,
): Promise<{ availability: DirectoryAvailability; running?: RunningDirectory }> {
  if (!use) return { availability: { available: false, reason: `${name} not needed by the selected test files` } };
  const missing = missingBinaries(binaries);
  if (missing.length > 0) {
    const reason = `${name} is not installed (missing ${missing.join(', ')}); run test/harness/install-directories.sh`;
    if (process.env.CI) throw new Error(`CI must run the ${name} tests: ${reason}`);
    process.stderr.write(`[directories] skipping ${name} tests: ${reason}\n`);
    return { availability: { available: false, reason } };
  }
  const t0 = performance.now();
  const running = await starter();
  process.stderr.write(`[directories] ${name} ready at ${running.facts.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { availability: { available: true, facts: running.facts }, running };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const use = await wanted(project);
  const results = await Promise.allSettled([
    start('slapd', use.slapd, SLAPD_BINARIES, () => startSlapd()),
    start('Samba AD', use.samba, SAMBA_BINARIES, () => startSambaAd()),
  ]);
  const running = results.flatMap((r) => (r.status === 'fulfilled' && r.value.running ? [r.value.running] : []));
  const teardown = async (): Promise<void> => {
    await Promise.all(running.map((r) => r.stop()));
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  const [slapd, samba] = results.map((r) => (r as PromiseFulfilledResult<{ availability: DirectoryAvailability }>).value.availability);
  const ctx: DirectoriesContext = { slapd: slapd!, samba: samba! };
  project.provide('directories', ctx);
  return teardown;
}
