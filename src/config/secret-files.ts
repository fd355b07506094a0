import { readFileSync } from 'node:fs';

export type SecretFileResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/**
 * Reads a secret from a file (Docker/Kubernetes secrets, systemd credentials). One trailing newline (LF or
 * CRLF) is trimmed because `echo` adds it; anything else is kept as written. Messages name the file only,
 * never its content.
 */
export function readSecretFile(path: string): SecretFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${code})`;
    return { ok: false, message: `file ${path} ${why} — create it or fix the path` };
  }
  const value = text.replace(/\r?\n$/, '');
  if (value.length === 0) return { ok: false, message: `file ${path} is empty — write the secret into it` };
  return { ok: true, value };
}
