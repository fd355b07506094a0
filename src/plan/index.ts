/** The public surface of the pure plan core. Other areas import from here (or types.ts). */
export * from './types.js';
export { computePlan, hasPendingChanges, type PlanContext } from './plan.js';
export { renderPlanText, planToJson, redactUrl, type PlanJson } from './render.js';
export { renderPlanMarkdown } from './render-markdown.js';
export { recordApplied, recordAppliedBatch, type AppliedResult } from './apply-state.js';
export { checkSafety, liftGuard } from './safety.js';
export { orderOperations, compareOperations, KIND_ORDER } from './order.js';
export { summarize, emptySummary, countChanges } from './summary.js';
export { compileGlobs, compileGroupFilter, type GlobSet } from './glob.js';
export { desiredAttributes } from './diff.js';
