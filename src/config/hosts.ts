import { isIPv4 } from 'node:net';

/**
 * True for names that never leave the machine: `localhost`, 127.0.0.0/8 and ::1. Only these may be reached
 * over plain http://, because a bearer token sent anywhere else would cross a network in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  // WHATWG URL already compresses IPv6 (`[0:0::1]` → `[::1]`), so one spelling is enough.
  return h === '::1';
}
