import { ConfigError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';

export interface ExecutorOptions {
  /** Operations in flight at once within a phase (the request budget itself lives in the ScimTarget). @default 2 */
  readonly concurrency?: number;
  /** Members per PATCH when removing deleted users a target kept in its groups. @default 100 */
  readonly maxMembersPerPatch?: number;
  /**
   * Stop: no new operation starts, those waiting for the rate budget or a retry are abandoned (skipped),
   * writes already sent finish and are recorded; applied operations reach the store at once from then on.
   */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Called after each operation: `done` counts finished operations of any outcome, `failed` those that failed. */
  readonly onProgress?: (p: { done: number; failed: number; total: number }) => void;
  readonly now?: () => Date;
}

export const DEFAULT_EXECUTOR = { concurrency: 2, maxMembersPerPatch: 100 } as const;

export interface ResolvedExecutorOptions {
  readonly concurrency: number;
  readonly maxMembersPerPatch: number;
  readonly signal: AbortSignal | undefined;
  readonly logger: Logger;
  readonly onProgress: ExecutorOptions['onProgress'];
  readonly now: () => Date;
}

export function resolveExecutorOptions(o: ExecutorOptions = {}): ResolvedExecutorOptions {
  const concurrency = o.concurrency ?? DEFAULT_EXECUTOR.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(`executor option \`concurrency\` must be an integer >= 1, got ${String(concurrency)} (${typeof concurrency})`, [
      { path: 'target.rateLimit.concurrency', message: 'expected an integer >= 1' },
    ]);
  }
  return {
    concurrency,
    maxMembersPerPatch: o.maxMembersPerPatch ?? DEFAULT_EXECUTOR.maxMembersPerPatch,
    signal: o.signal,
    logger: o.logger ?? silentLogger(),
    onProgress: o.onProgress,
    now: o.now ?? (() => new Date()),
  };
}
