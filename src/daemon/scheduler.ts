import { createTask, type ScheduledTask } from 'node-cron';
import { scheduleProblem } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';

export interface Schedule {
  start(): void;
  /** Stops ticking for good (destroys the cron task so no timer keeps the process alive). */
  stop(): Promise<void>;
  /** When the next tick is due, for the startup log. */
  nextRun(): Date | null;
}

/** Throws a ConfigError naming `schedule` unless the config would accept it (one validator: config/schedule.ts). */
export function validateSchedule(expression: string): void {
  const problem = scheduleProblem(expression);
  if (problem === undefined) return;
  throw new ConfigError(
    `schedule ${problem}`,
    [{ path: 'schedule', message: problem }],
    'fix `schedule` in the config, e.g. "*/15 * * * *" for every 15 minutes',
  );
}

/**
 * A cron clock and nothing more: each tick calls `onTick` and returns at once. Whether a tick may start a
 * run (overlap, shutdown) is the loop's decision, so node-cron's own overlap handling is not used.
 */
export function createSchedule(expression: string, onTick: () => void, logger: Logger): Schedule {
  validateSchedule(expression);
  const log = logger.child({ component: 'cron' });
  let task: ScheduledTask | undefined;
  const cronLogger = {
    info: (m: string) => log.debug(m),
    warn: (m: string) => log.warn(m),
    error: (m: string | Error) => log.error(m instanceof Error ? m.message : m),
    debug: (m: string | Error) => log.debug(m instanceof Error ? m.message : m),
  };
  return {
    start() {
      task ??= createTask(expression, () => onTick(), { name: 'scimsync-sync', logger: cronLogger, noOverlap: false });
      void task.start();
    },
    async stop() {
      if (!task) return;
      const t = task;
      task = undefined;
      await t.stop();
      await t.destroy();
    },
    nextRun: () => task?.getNextRun() ?? null,
  };
}
