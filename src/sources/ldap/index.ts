import { SourceError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import type { DesiredSnapshot } from '../../model/index.js';
import type { Source } from '../port.js';
import { openDirectory } from './connection.js';
import { resolveSettings } from './dialects.js';
import type { LdapSourceConfig } from './options.js';
import { readSnapshot } from './reader.js';

export type { LdapSourceConfig } from './options.js';
export { guidToString } from './values.js';

/**
 * An LDAP / Active Directory source. Each `read` opens a fresh connection, binds, reads everything
 * with paged searches and closes: a long-lived daemon never reuses a half-dead session.
 */
export function createLdapSource(cfg: LdapSourceConfig, opts: { logger?: Logger; now?: () => Date } = {}): Source {
  const settings = resolveSettings(cfg);
  const now = opts.now ?? ((): Date => new Date());
  const logger = (opts.logger ?? silentLogger()).child({ component: 'ldap' });
  let url: string;
  try {
    const u = new URL(cfg.url);
    url = `${u.protocol}//${u.host}`;
  } catch {
    url = cfg.url;
  }
  return {
    description: `ldap ${url}`,
    async read(signal?: AbortSignal): Promise<DesiredSnapshot> {
      const dir = await openDirectory(cfg);
      // A second connection for the disabled-users search, which then runs alongside the users search.
      let side: Awaited<ReturnType<typeof openDirectory>> | undefined;
      try {
        if (settings.disabledFilter) side = await openDirectory(cfg);
        const snap = await readSnapshot(dir, settings, { url: cfg.url, timeoutMs: cfg.timeoutMs, signal, logger, now: now() }, side);
        if (snap.users.length === 0) {
          throw new SourceError(`no users found under "${cfg.users.base}" on ${url}`, {
            fix: 'check users.base and users.filter; a directory with no users is treated as an error, never as "everyone left"',
          });
        }
        logger.info({ users: snap.users.length, groups: snap.groups.length, skipped: snap.skipped.length, quarantined: snap.quarantined.length }, 'ldap read');
        return snap;
      } finally {
        await Promise.allSettled([dir.close(), side?.close()]);
      }
    },
    async close(): Promise<void> {
      // Connections live only for one read.
    },
  };
}
