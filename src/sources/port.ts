import type { DesiredSnapshot } from '../model/index.js';

/**
 * A directory scimsync reads from. `read` returns a complete snapshot or throws a SourceError: never a
 * partial list (a short list would look like leavers and cause deletions).
 */
export interface Source {
  /** For messages: `csv ./users.csv`, `ldap ldaps://dc1.example.com`. */
  readonly description: string;
  read(signal?: AbortSignal): Promise<DesiredSnapshot>;
  close(): Promise<void>;
}
