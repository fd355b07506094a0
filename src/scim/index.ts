export { createScimTarget, type ScimClientOptions } from './client.js';
export { DEFAULT_SCIM_CLIENT, resolveScimClientOptions } from './options.js';
export { RateBudget } from './budget.js';
export { parseRetryAfter } from './retry-after.js';
export { RETRY_RULES, decideRetry, backoffDelay, type RetryDecision } from './retry-rules.js';
export { PageReader, type PageVerdict } from './pagination.js';
export { amplitudeProfile, rfcProfile, profileByName, isPlaceholderName, type ScimProfile } from './profiles/index.js';
export type { ScimTarget, RequestCounts } from './port.js';
