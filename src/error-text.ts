import { isScimsyncError } from './errors.js';

/**
 * How an error becomes text a person reads, wherever it is shown (the CLI's stderr, `check`, the daemon's
 * log and /readyz): its code, one line, the fix, and never a secret value. The CLI and the daemon both use
 * it, so it lives below both.
 */
export interface ErrorText {
  /** The ScimsyncError's code, or `UNEXPECTED` for anything scimsync did not throw on purpose. */
  readonly code: string;
  readonly message: string;
  readonly fix: string | undefined;
}

/** The fix for an error scimsync did not throw on purpose: it is a bug, and the stack trace is what helps. */
export const UNEXPECTED_FIX = 'this is unexpected; re-run with SCIMSYNC_DEBUG=1 and report the stack trace';

export function describeError(err: unknown, secrets: readonly string[] = []): ErrorText {
  if (isScimsyncError(err)) return { code: err.code, message: scrub(err.message, secrets), fix: err.fix === undefined ? undefined : scrub(err.fix, secrets) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'UNEXPECTED', message: scrub(message, secrets), fix: UNEXPECTED_FIX };
}

/**
 * Replaces every secret value in a string with `[redacted]` (belt and braces: secrets should never get there
 * at all). Values shorter than 4 characters are left alone: replacing them would shred ordinary words.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
