import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';
import { SourceError } from '../../errors.js';
import { utf8Text } from '../../utf8-text.js';
import { fileAccessProblem } from '../../config/index.js';

/** `source.encoding`: what a file without a byte-order mark is decoded as. A BOM always wins. */
export type CsvEncoding = 'utf-8' | 'windows-1252' | 'latin1';

const ENCODING_FIX = 'set source.encoding: windows-1252 (Excel "CSV" on Windows) or latin1, or export the file as "CSV UTF-8"';

/** The bytes of a CSV file; a file that cannot be read is a SourceError naming `key`, the config key of the file. */
export async function readCsvBytes(path: string, key: string, signal?: AbortSignal): Promise<Uint8Array> {
  try {
    return await readFile(path, signal ? { signal } : {});
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    const p = fileAccessProblem(err, path, key, 'the export');
    throw new SourceError(`${path}: ${p.why}`, { fix: p.fix, cause: err });
  }
}

/**
 * A CSV file's text. A UTF-8, UTF-16 LE or UTF-16 BE byte-order mark decides the encoding and is dropped;
 * without one the file is decoded as `encoding`. Invalid UTF-8 is an error naming the line, because a
 * mis-decoded name or email would silently become a different person.
 */
export function decodeCsv(bytes: Uint8Array, file: string, encoding: CsvEncoding): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, file, 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, file, 'utf-16be');
  const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // latin1 is read as windows-1252, as the WHATWG Encoding Standard does: a superset that gives 0x80–0x9F
  // their printable characters (€, “, ”, Ÿ) instead of C1 controls no HR export means. iconv-lite, not
  // TextDecoder: Node ≥ 20.18.3 decodes windows-1252 as ISO-8859-1 (nodejs/node#56542, #60888).
  // Required only then: a UTF-8 export (most) does not load iconv-lite at start-up.
  if (encoding !== 'utf-8' && !utf8Bom)
    return (createRequire(import.meta.url)('iconv-lite') as typeof Iconv).decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
  return decodeUtf8(bytes, file);
}

function decodeUtf16(bytes: Uint8Array, file: string, label: 'utf-16le' | 'utf-16be'): string {
  try {
    // The default (ignoreBOM false) drops the BOM.
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new SourceError(`${file}: starts with a ${label.toUpperCase()} byte-order mark but is not valid ${label.toUpperCase()}`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'export the file again (Excel: "CSV UTF-8" or "Unicode Text"); the file may be cut short',
    });
  }
}

/** Strict UTF-8 decode; on failure, finds the first bad line (0x0A never occurs inside a multi-byte sequence). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  // NUL is valid UTF-8, but an HR export never holds one: it is UTF-16 whose byte-order mark was lost.
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const line = bytes.subarray(0, nul).filter((b) => b === 0x0a).length + 1;
    throw new SourceError(`${file}:${line}: holds NUL bytes: it looks like UTF-16 without a byte-order mark`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: 'export the file as "CSV UTF-8" (or as "Unicode Text", which starts with a byte-order mark)',
    });
  }
  // What TextDecoder('utf-8', { fatal: true }) gives (one leading BOM dropped), by Buffer's native paths:
  // validated at once, and an ASCII file (most exports) copied as one-byte text without UTF-8 decoding.
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  if (!isUtf8(body)) {
    throw new SourceError(`${file}:${firstBadUtf8Line(bytes)}: not valid UTF-8`, { code: 'SCIMSYNC_SOURCE_INVALID', fix: ENCODING_FIX });
  }
  return utf8Text(body);
}

function firstBadUtf8Line(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      strict.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    start = i + 1;
  }
  return line;
}
