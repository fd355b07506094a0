import { scrub, UNEXPECTED_FIX } from '../error-text.js';
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
    lines.push(`fix: ${UNEXPECTED_FIX}`);
  } else {
    lines.push(`error: ${String(err)}`);
  }
  if (process.env.SCIMSYNC_DEBUG === '1' && err instanceof Error && err.stack) lines.push(err.stack);
  return scrub(lines.join('\n'), secrets) + '\n';
}
