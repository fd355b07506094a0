/**
 * TEST-ONLY check of the store's contract (StateStore.update: the store keeps the state it is given, and
 * writes it later, so nobody may change it afterwards). When the environment variable SCIMSYNC_STRICT_STATE
 * is `1` (the test suite sets it, vitest.config.ts, and child `scimsync` processes inherit it), the store
 * deep-freezes every state it loads or is given: a later change throws a TypeError at the line that makes it
 * (ESM is strict mode) instead of silently changing what a pending write puts on disk. The variable is read
 * once at start; unset (production), `guardState` is one comparison and returns.
 */
const armed = process.env.SCIMSYNC_STRICT_STATE === '1';

export function guardState<T extends object>(state: T): T {
  if (armed) deepFreeze(state);
  return state;
}

/** Objects frozen here are frozen all the way down, so a frozen one (a record kept from the last state) is skipped. */
function deepFreeze(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
}
