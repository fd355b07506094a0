import { readFile } from 'node:fs/promises';
import { SourceError } from '../../errors.js';

/**
 * Reads a CSV file as UTF-8 text. A BOM is dropped; invalid UTF-8 is an error naming the line, because a
 * mis-decoded name or email would silently become a different person.
 */
export async function readUtf8File(path: string, signal?: AbortSignal): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path, signal ? { signal } : {});
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code})`;
    throw new SourceError(`${path}: ${why}`, { fix: 'check the path in the config (relative paths are relative to the config file)', cause: err });
  }
  return decodeUtf8(bytes, path);
}

/** Strict UTF-8 decode; on failure, finds the first bad line (0x0A never occurs inside a multi-byte sequence). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // ignoreBOM false (the default) strips a leading BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const strict = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        strict.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
    throw new SourceError(`${file}:${line}: not valid UTF-8`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'export the file as UTF-8 (for example: iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv)',
    });
  }
}
