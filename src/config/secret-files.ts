import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileAccessProblem } from './file-errors.js';
import { formatPath, type ConfigIssue } from './issues.js';

export type SecretFileResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/**
 * Reads a secret from a file (Docker/Kubernetes secrets, systemd credentials). A byte-order mark (Notepad
 * writes one) is dropped. A token is trimmed of surrounding whitespace, because `echo`, editors and pasted
 * keys add it and a bearer token never holds any; a password keeps everything but one trailing newline
 * (LF or CRLF), since spaces may be part of it. `key` is the config key naming the file. Messages name the
 * file only, never its content.
 */
export function readSecretFile(path: string, key: string, kind: 'token' | 'password'): SecretFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const p = fileAccessProblem(err, path, key, 'the secret file');
    return { ok: false, message: `${path}: ${p.why} — ${p.fix}` };
  }
  const noBom = text.replace(/^\uFEFF/, '');
  const value = kind === 'token' ? noBom.trim() : noBom.replace(/\r?\n$/, '');
  if (value.length === 0) return { ok: false, message: `${path} is empty — write the secret into it` };
  if (kind === 'token') {
    const bad = tokenProblem(value);
    if (bad) return { ok: false, message: `${path}: the token ${bad} — write only the key into the file` };
  }
  return { ok: true, value };
}

/**
 * Why a bearer token cannot be sent as one (RFC 6750 b64token is printable ASCII without spaces), or
 * undefined. Sent anyway, it fails inside the HTTP client as an "invalid header" that looks like a network
 * fault. Names the position, never the character's neighbours.
 */
export function tokenProblem(token: string): string | undefined {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return `contains whitespace or a control character (at character ${i + 1} of ${token.length})`;
    if (c > 0x7e) return `contains a non-ASCII character (at character ${i + 1} of ${token.length})`;
  }
  return undefined;
}

/** Where `<key>File` may stand in for a secret `<key>`. */
const SECRET_FILE_KEYS = [
  { section: 'target', key: 'token', fileKey: 'tokenFile', kind: 'token' },
  { section: 'source', key: 'bindPassword', fileKey: 'bindPasswordFile', kind: 'password' },
] as const;

/**
 * Reads `tokenFile`/`bindPasswordFile` relative to the config file (`baseDir`) and moves the content into the
 * value key of the document, before validation, so a missing file is reported together with every other
 * problem. The one place secret files are read; the schema only drops the keys. When both keys are given the
 * schema reports it; nothing is read.
 */
export function foldSecretFiles(doc: unknown, baseDir: string, issues: ConfigIssue[]): void {
  for (const { section, key, fileKey, kind } of SECRET_FILE_KEYS) {
    const sec = (doc as Record<string, unknown>)[section];
    if (sec === null || typeof sec !== 'object' || Array.isArray(sec)) continue;
    const s = sec as Record<string, unknown>;
    const file = s[fileKey];
    if (typeof file !== 'string' || file.trim() === '' || s[key] !== undefined) continue;
    const r = readSecretFile(resolve(baseDir, file.trim()), formatPath([section, fileKey]), kind);
    delete s[fileKey];
    if (r.ok) s[key] = r.value;
    else {
      issues.push({ path: formatPath([section, fileKey]), message: r.message });
      s[key] = 'unread'; // keeps the schema from also reporting "required"; the config is rejected anyway
    }
  }
}
