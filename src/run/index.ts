// The run area's public surface: composition (source, target and store from a config) and one run.
export { createSource, createTarget } from './compose.js';
export { policyFromConfig } from './policy.js';
export { runOnce, snapshotHash, type RunDeps, type RunOptions, type RunResult } from './run-once.js';
