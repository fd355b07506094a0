import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';

/** node:util parseArgs with errors a person can act on (one line naming the flag, plus the fix). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
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
