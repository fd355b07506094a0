import { ConfigError, isScimsyncError } from '../errors.js';

/**
 * Turns any error into what a person reads on stderr: one line saying what went wrong, the problems
 * of a config one per line, and the fix. Stack traces only with SCIMSYNC_DEBUG=1. Secrets are scrubbed.
 */
export function formatError(err: unknown, secrets: readonly string[] = []): string {
  const lines: string[] = [];
  if (isScimsyncError(err)) {
    lines.push(`error: ${err.message} [${err.code}]`);
    if (err instanceof ConfigError) for (const issue of err.issues) lines.push(`  - ${issue.path}: ${issue.message}`);
    if (err.fix) lines.push(`fix: ${err.fix}`);
  } else if (err instanceof Error) {
    lines.push(`error: ${err.message}`);
    lines.push('fix: this is unexpected; re-run with SCIMSYNC_DEBUG=1 and report the stack trace');
  } else {
    lines.push(`error: ${String(err)}`);
  }
  if (process.env.SCIMSYNC_DEBUG === '1' && err instanceof Error && err.stack) lines.push(err.stack);
  return scrub(lines.join('\n'), secrets) + '\n';
}

/** Replaces every secret value in a string (belt and braces: secrets should never get there at all). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
