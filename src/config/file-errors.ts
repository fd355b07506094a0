/**
 * Why a configured file (config, CSV export, tokenFile, bindPasswordFile, tls.ca) could not be read, and what
 * to do about it, in words a person acts on. Only the path is named, never the content.
 */
export interface FileProblem {
  /** e.g. `file not found`, `permission denied …`, `is a directory, not a file`. */
  readonly why: string;
  readonly fix: string;
}

/**
 * `key`: the config key that names the file (`target.tokenFile`), or how it was given (`-c`).
 * `what`: what the file is, for the ENOENT fix (`the token file`, `the export`).
 */
export function fileAccessProblem(err: unknown, path: string, key: string, what: string): FileProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { why: 'file not found', fix: `create ${what} there, or fix ${key} (a relative path is relative to the config file)` };
    case 'EACCES':
    case 'EPERM':
      return {
        why: `permission denied: not readable by ${whoAmI()}`,
        fix: `make ${path} readable by the user scimsync runs as (chmod/chown, or in a container the secret's mode and fsGroup), or fix ${key}`,
      };
    case 'EISDIR':
      return { why: 'is a directory, not a file', fix: `point ${key} at the file inside that directory` };
    default:
      return { why: `cannot be read (${code ?? (err instanceof Error ? err.message : 'unknown error')})`, fix: `check ${path} and ${key}` };
  }
}

function whoAmI(): string {
  const uid = process.getuid?.();
  return uid === undefined ? 'this user' : `uid ${uid}`;
}
