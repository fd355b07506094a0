import { pino, type Logger, type LoggerOptions } from 'pino';
import { createRequire } from 'node:module';
import type * as PinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log object. Secrets must also never be interpolated into
 * message strings: log ids and counts, never whole records or headers.
 */
export const REDACT_PATHS = [
  'token',
  'bindPassword',
  'password',
  'authorization',
  '*.token',
  '*.bindPassword',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers.authorization',
  'headers.Authorization',
  'config.target.token',
  'config.source.bindPassword',
] as const;

export interface LoggerSetup {
  /** pino level name. @default 'info' */
  readonly level?: string;
  /** Pretty, human output (used when stderr is a terminal). @default false */
  readonly pretty?: boolean;
  /** Where to write. @default 2 (stderr): stdout is reserved for plan/JSON output. */
  readonly destination?: number;
  /**
   * Where to write instead of `destination`: the CLI's terminal status line, so a log line is printed above
   * apply's progress line instead of through it.
   */
  readonly stream?: { write(chunk: string): unknown };
}

/** The one root logger. Modules get `log.child({ component })`. */
export function createLogger(setup: LoggerSetup = {}): Logger {
  const options: LoggerOptions = {
    level: setup.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: undefined,
  };
  const sink = setup.stream ?? pino.destination({ fd: setup.destination ?? 2, sync: true });
  if (!setup.pretty) return pino(options, sink);
  // Prettified in this thread, line by line (not in a transport's worker): each line reaches the sink
  // whole and in order with the rest of the terminal output, and none is lost on process.exit.
  // Required here, not imported: only a terminal gets pretty output, and every other run (daemon, CI, a
  // piped plan) would load pino-pretty and its dependencies at start-up for nothing.
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  const prettify = prettyFactory({ colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' });
  return pino(options, { write: (line: string) => sink.write(prettify(line)) });
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
