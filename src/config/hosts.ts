import { isIPv4 } from 'node:net';

/** Host names as compared in `insecureHosts`: brackets off (IPv6), case-insensitive. */
function hostKey(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * True for names that never leave the machine: `localhost`, 127.0.0.0/8 and ::1. Only these may be reached
 * over plain http://, because a bearer token sent anywhere else would cross a network in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostKey(hostname);
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  // WHATWG URL already compresses IPv6 (`[0:0::1]` → `[::1]`), so one spelling is enough.
  return h === '::1';
}

/**
 * Why `tls.rejectUnauthorized: false` is refused for `hostname`, or undefined when that host is named in
 * `<section>.tls.insecureHosts`: turning verification off is a per-host decision, never a global one.
 */
export function unverifiedTlsProblem(
  section: 'source' | 'target',
  hostname: string,
  tls: { readonly rejectUnauthorized: boolean; readonly insecureHosts: readonly string[] },
): string | undefined {
  const host = hostKey(hostname);
  if (tls.rejectUnauthorized || tls.insecureHosts.some((h) => hostKey(h) === host)) return undefined;
  return `false is allowed only for a host named in ${section}.tls.insecureHosts — add insecureHosts: ["${host}"] or fix the certificate`;
}
