import { pino, type Logger, type LoggerOptions } from 'pino';

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
}

/** The one root logger. Modules get `log.child({ component })`. */
export function createLogger(setup: LoggerSetup = {}): Logger {
  const options: LoggerOptions = {
    level: setup.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: undefined,
  };
  const fd = setup.destination ?? 2;
  if (setup.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(options, pino.destination({ fd, sync: true }));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
