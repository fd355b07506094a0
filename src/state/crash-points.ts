/**
 * TEST-ONLY crash hook for the crash-consistency tests (test/integration/crash/). When the environment
 * variable SCIMSYNC_CRASH_AT is `name` (or `name#N`: the Nth time that point is reached), the process
 * SIGKILLs itself there, so a test can stop a real `scimsync apply` between two exact steps of taking the
 * lock or writing the state. The variable is read once at start; unset (production), `crashPoint` is one
 * comparison with undefined and returns.
 *
 * Points: lock-created, lock-written, lock-takeover-marked (lock.ts); state-temp-created,
 * state-temp-written, state-renamed (atomic-file.ts).
 */
const armed = parse(process.env.SCIMSYNC_CRASH_AT);
let reached = 0;

function parse(value: string | undefined): { name: string; nth: number } | undefined {
  if (!value) return undefined;
  const [name = '', nth] = value.split('#', 2);
  const n = nth === undefined ? 1 : Number(nth);
  return name && Number.isInteger(n) && n >= 1 ? { name, nth: n } : undefined;
}

export function crashPoint(name: string): void {
  if (armed === undefined || armed.name !== name) return;
  reached += 1;
  if (reached === armed.nth) process.kill(process.pid, 'SIGKILL');
}
