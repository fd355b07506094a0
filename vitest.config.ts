import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/build.setup.ts', 'test/harness/directories.setup.ts'],
    // Integration tests start real servers (emulator, slapd, Samba AD) on loopback: give them room,
    // and keep files from fighting over fixed ports by running them in forks with a small pool.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
