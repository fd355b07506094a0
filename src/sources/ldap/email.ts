/**
 * Email handling for LDAP values. Mirrors the model's rules (trimmed, lower-cased); kept local so the
 * source does not wait on src/model/normalize.ts.
 */
export function normalizeLdapEmail(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

/** One `@`, a non-empty local part, a dotted domain, no whitespace. */
export function isPlausibleEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}
