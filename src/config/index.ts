export { configSchema, type Config, type CsvSourceConfig, type LdapSourceConfig, type TargetConfig } from './schema.js';
export { loadConfig, parseConfig, hashConfig, type LoadedConfig } from './load.js';
export { configJsonSchema } from './json-schema.js';
export { isLoopbackHost } from './hosts.js';
export type { ConfigIssue } from './issues.js';
export { parseListen, listenProblem } from './listen.js';
export { scheduleProblem } from './schedule.js';
export { checkTargetUrl, TARGET_URL_EXAMPLE, type TargetUrlCheck } from './target-url.js';
