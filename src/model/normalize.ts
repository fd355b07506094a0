/**
 * Normalisation of the values identity hangs on. Every source and the target snapshot run emails through
 * `normalizeEmail` so that matching is a plain Map lookup (Amplitude's userName is case-insensitive).
 */

/** Trim, Unicode NFC (so composed and decomposed accents compare equal), then lower-case. */
export function normalizeEmail(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

// Pragmatic, not RFC 5322: one @, no whitespace, a dotted domain with non-empty labels. Good enough to catch
// blank cells, names typed into the email column and missing domains, which is what HR exports contain.
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u;

export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  return EMAIL_RE.test(email);
}

/** Amplitude shows these for pending users whatever names were sent; "undefined" appears in member display. */
const PLACEHOLDERS = new Set(['', 'no_given_name', 'no_family_name', 'undefined', 'null']);

/** True when a target name carries no information (placeholder, empty or absent): treat as unknown, not drift. */
export function isPlaceholderName(v: string | null | undefined): boolean {
  if (v === null || v === undefined) return true;
  return PLACEHOLDERS.has(v.trim().toLowerCase());
}
