import { readFile } from 'node:fs/promises';
import { ConfigError, isScimsyncError } from '../../errors.js';
import { startEmulator } from '../../emulator/index.js';
import type { EmulatorOptions, EmulatorSeed } from '../../emulator/index.js';
import { parseChoice as choice, parseCommandArgs } from '../args.js';
import { EMULATOR } from '../specs.js';

function wholeNumber(flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? '>= 0' : `from 0 to ${max}`;
    throw new ConfigError(`${flag} expects a whole number ${range}, got "${value}"`, [], `e.g. ${flag} 100`);
  }
  return n;
}

async function readSeed(path: string): Promise<EmulatorSeed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--seed ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, [], 'pass the path of a readable JSON file');
  }
  try {
    return JSON.parse(text) as EmulatorSeed;
  } catch {
    throw new ConfigError(
      `--seed ${path} is not valid JSON`,
      [],
      'the seed is {"users":[{"userName","givenName","familyName"}],"groups":[{"displayName","members":["email"]}]}',
    );
  }
}

/** Turns flags into EmulatorOptions (undefined after printing `--help`); throws ConfigError naming the bad flag. */
export async function emulatorOptionsFromArgs(argv: string[]): Promise<EmulatorOptions | undefined> {
  const args = parseCommandArgs(EMULATOR, argv);
  if (!args) return undefined;
  const { values } = args;
  const o: EmulatorOptions = {};
  if (values.host !== undefined) o.host = values.host;
  const port = wholeNumber('--port', values.port, 65535);
  if (port !== undefined) o.port = port;
  if (values.token !== undefined) {
    if (values.token === '' || /\s/.test(values.token))
      throw new ConfigError('--token must be a non-empty string without spaces', [], 'e.g. --token $(openssl rand -hex 16)');
    o.token = values.token;
  }
  const rateLimit = wholeNumber('--rate-limit', values['rate-limit']);
  if (rateLimit !== undefined) o.rateLimit = rateLimit;
  const profile = choice('--profile', values.profile, ['amplitude', 'rfc'] as const);
  if (profile !== undefined) o.profile = profile;
  const retryAfter = choice('--retry-after', values['retry-after'], ['seconds', 'absent', 'date'] as const);
  if (retryAfter !== undefined) o.retryAfter = retryAfter;
  const pendingNames = choice('--pending-names', values['pending-names'], ['placeholder', 'keep'] as const);
  if (pendingNames !== undefined) o.pendingNames = pendingNames;
  const maxMembers = wholeNumber('--max-members-per-patch', values['max-members-per-patch']);
  if (maxMembers !== undefined) o.maxMembersPerPatch = maxMembers;
  if (values.persist !== undefined) o.persistPath = values.persist;
  // Checked (unknown names listed with the known ones) when the emulator starts: one rule, in quirks.ts.
  if (values.quirk !== undefined) o.quirks = values.quirk;
  if (values.seed !== undefined) o.seed = await readSeed(values.seed);
  return o;
}

function oneLine(err: unknown): string {
  if (isScimsyncError(err)) return `error: ${err.message}${err.fix ? `; fix: ${err.fix}` : ''}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * `scimsync emulator`: runs the SCIM emulator until SIGTERM/SIGINT. Prints `listening on URL` (the SCIM
 * base URL) on stdout once it accepts requests; the token is never printed.
 */
export async function emulatorCommand(argv: string[]): Promise<number> {
  let options: EmulatorOptions | undefined;
  try {
    options = await emulatorOptionsFromArgs(argv);
  } catch (err) {
    console.error(oneLine(err));
    return 1;
  }
  if (!options) return 0;
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    console.error(oneLine(err));
    return 1;
  }
  console.log(`listening on ${emulator.url}`);
  const running = emulator;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.stop().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
