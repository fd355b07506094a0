import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';
import { renderCommandHelp } from './help.js';

/** One flag: what node:util parseArgs needs, plus what `--help` shows. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** The value's placeholder in help (`FILE`, `N`); string flags only. */
  readonly value?: string;
  readonly help: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/**
 * A command's flags, usage and example: the one source of truth for both parsing and `--help`
 * (see specs.ts), so a flag cannot be accepted without being documented, or the other way round.
 */
export interface CommandSpec<O extends FlagTable = FlagTable> {
  readonly name: string;
  /** One line for `scimsync --help`. */
  readonly summary: string;
  /** What follows `scimsync ` in the usage line. */
  readonly usage: string;
  /** A short paragraph for `scimsync <command> --help`. */
  readonly description: string;
  readonly options: O;
  /** Accepts positional arguments (`state show`, `show PLAN.json`). @default false */
  readonly positionals?: boolean;
  readonly exitCodes: string;
  readonly example: string;
}

type Values<O extends FlagTable> = {
  -readonly [K in keyof O]: O[K] extends { type: 'boolean' }
    ? O[K] extends { default: boolean }
      ? boolean
      : boolean | undefined
    : O[K] extends { multiple: true }
      ? string[] | undefined
      : O[K] extends { default: string }
        ? string
        : string | undefined;
};

export interface ParsedArgs<O extends FlagTable> {
  readonly values: Values<O>;
  readonly positionals: string[];
}

/** True when `-h`/`--help` is among the options (found by a lenient parse, before the strict one can fail). */
export function wantsHelp(argv: readonly string[]): boolean {
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h'));
}

/**
 * Parses a command's flags (strict), or prints its help on stdout and returns undefined for `-h`/`--help`:
 * the caller then exits 0. Errors name the flag and how to see the options.
 */
export function parseCommandArgs<O extends FlagTable>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  out: { write(s: string): unknown } = process.stdout,
): ParsedArgs<O> | undefined {
  if (wantsHelp(argv)) {
    out.write(renderCommandHelp(spec));
    return undefined;
  }
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, f]) => [
      name,
      {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        ...(f.multiple ? { multiple: true } : {}),
        ...(f.default === undefined ? {} : { default: f.default }),
      },
    ]),
  ) as NonNullable<ParseArgsConfig['options']>;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: spec.positionals === true, strict: true });
    return { values: values as Values<O>, positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`scimsync ${spec.name}: ${message}`, [], `run \`scimsync ${spec.name} --help\` for its options`);
  }
}

/** A non-negative integer flag (e.g. --allow-deletes). */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} expects a whole number ≥ 0, got "${value}"`, [], `e.g. ${flag} 5`);
  return n;
}

/** A flag limited to a few words (`--format markdown`). */
export function parseChoice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, [], `e.g. ${flag} ${allowed[0]}`);
  }
  return value as T;
}
