import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';

type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

/** parseArgs (strict) with errors a person can act on; see withArgErrors. */
export function parseCommandArgs<T extends CommandOptions>(command: string, argv: string[], options: T, allowPositionals = false): Parsed<T> {
  return withArgErrors(command, () => parseArgs({ args: argv, options, allowPositionals, strict: true }));
}

/**
 * Runs a node:util parseArgs call and turns its errors into one line a person can act on (naming the
 * flag) plus the fix. Takes a thunk so each command keeps parseArgs' inferred option types.
 */
export function withArgErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`scimsync ${command}: ${message}`, [], `run \`scimsync --help\` for the options of ${command}`);
  }
}

/** A non-negative integer flag (e.g. --allow-deletes). */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} expects a whole number ≥ 0, got "${value}"`, [], `e.g. ${flag} 5`);
  return n;
}

export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;
