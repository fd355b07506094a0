/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns the wait in milliseconds (never negative), or undefined when absent or unreadable, so the
 * caller falls back to its own backoff instead of trusting a garbled value.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  // delay-seconds is an integer in the RFC; a decimal is accepted because some servers send one.
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  }
  // A bare signed number ("-1") is neither form: ignore it rather than let Date.parse read it as a year.
  if (/^[-+]?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
