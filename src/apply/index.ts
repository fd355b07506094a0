export { execute, PHASES } from './executor.js';
export { DEFAULT_EXECUTOR, resolveExecutorOptions } from './options.js';
export type { ExecutorOptions } from './options.js';
export { planIdOf } from './progress.js';
export { diffRequests, type ApplyReport, type OpResult } from './report.js';
export { recordApplied, recordAppliedBatch, type AppliedResult } from './apply-state.js';
