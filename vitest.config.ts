import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The state store freezes every state it keeps (src/state/strict-state.ts): a change to a state after
    // `store.update` throws in any test, child `scimsync` processes included, instead of corrupting a write.
    env: { SCIMSYNC_STRICT_STATE: '1' },
    globalSetup: ['test/harness/build.setup.ts', 'test/harness/directories.setup.ts'],
    // Integration tests start real servers (emulator, slapd, Samba AD) on loopback: give them room,
    // and keep files from fighting over fixed ports by running them in forks with a small pool.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
