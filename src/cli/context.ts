import { loadConfig, type LoadedConfig } from '../config/index.js';
import { createLogger, type Logger } from '../log.js';
import { createSource, createTarget } from '../run/compose.js';
import type { RunDeps } from '../run/run-once.js';
import { freshState, openStateStore, readStateFile, type StateStore } from '../state/index.js';
import { ConfigError } from '../errors.js';
import type { StatusLine } from '../progress/index.js';

/** The collaborators one command run needs, built from the config file (the composition root). */
export interface CommandContext extends RunDeps {
  readonly loaded: LoadedConfig;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Path given with -c/--config. */
  readonly configPath: string | undefined;
  /** Read the state without taking the lock (plan): works while a daemon holds it. */
  readonly readOnlyState?: boolean;
  /** apply's progress line on a terminal: log lines are printed above it. */
  readonly statusLine?: StatusLine | undefined;
  /** Library use (src/index.ts): the caller's logger instead of stderr at the config's level. */
  readonly logger?: Logger;
}

export function requireConfigPath(path: string | undefined): string {
  if (!path) throw new ConfigError('no config file given', [], 'pass -c FILE (see config/csv.yaml for an example)');
  return path;
}

/**
 * Logs go to stderr: pretty on a terminal, JSON otherwise; level from config (SCIMSYNC_LOG_LEVEL overrides).
 * On a terminal with a status line, each log line is printed above it.
 */
export function loggerFor(loaded: LoadedConfig | undefined, statusLine?: StatusLine): Logger {
  const level = process.env.SCIMSYNC_LOG_LEVEL ?? loaded?.config.log.level ?? 'info';
  const pretty = process.stderr.isTTY === true;
  return createLogger({ level, pretty, ...(pretty && statusLine ? { stream: { write: (s: string) => statusLine.print(s) } } : {}) });
}

export async function buildContext(opts: ContextOptions): Promise<CommandContext> {
  const loaded = await loadConfig(requireConfigPath(opts.configPath));
  const logger = opts.logger ?? loggerFor(loaded, opts.statusLine);
  const source = createSource(loaded, logger);
  const target = createTarget(loaded, logger);
  let store;
  try {
    store = opts.readOnlyState
      ? readOnlyStore(loaded.config.state.path, target.baseUrl)
      : await openStateStore(loaded.config.state.path, { target: target.baseUrl, logger: logger.child({ component: 'state' }) });
  } catch (err) {
    await Promise.allSettled([source.close(), target.close()]);
    throw err;
  }
  const opened = store;
  return {
    loaded,
    logger,
    source,
    target,
    store: opened,
    async close() {
      await Promise.allSettled([source.close(), target.close(), opened.close()]);
    },
  };
}

/**
 * A state store for commands that never write (plan): reads the file without the lock, so a plan can be
 * previewed while a daemon runs. A missing file reads as a fresh state with serial 0.
 */
function readOnlyStore(path: string, target: string): StateStore {
  const refuse = (): never => {
    throw new Error('internal: a read-only state store was asked to write');
  };
  return {
    path,
    async load() {
      return (await readStateFile(path, { target })) ?? freshState(target, 'none');
    },
    update: refuse,
    flush: async () => refuse(),
    async close() {},
  };
}
