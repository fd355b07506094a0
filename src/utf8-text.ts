import { isAscii } from 'node:buffer';

/**
 * `bytes` as UTF-8 text, as `Buffer.toString('utf8')` gives it. State files, most CSV exports and SCIM list
 * pages are ASCII: such a buffer is copied as one-byte text instead of going through the UTF-8 decoder. The
 * same string, and JSON.parse reads it faster (a 14 MB state at 100,000 users: ~65 ms less to read and parse;
 * 44 MB of the emulator's list pages: decode + parse 250 → 185 ms).
 */
export function utf8Text(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
