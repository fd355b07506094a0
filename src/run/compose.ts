import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { createScimTarget, type ScimClientOptions } from '../scim/index.js';
import type { ScimTarget } from '../scim/port.js';
import { createCsvSource } from '../sources/csv/index.js';
import { createLdapSource } from '../sources/ldap/index.js';
import type { Source } from '../sources/port.js';

/**
 * The composition root's factories: config in, adapters out. The CLI and the daemon build their
 * collaborators here, so nothing else reads config to decide which adapter to use.
 */
export function createSource(loaded: LoadedConfig, logger: Logger): Source {
  const source = loaded.config.source;
  return source.type === 'csv' ? createCsvSource(source) : createLdapSource(source, { logger: logger.child({ component: 'ldap' }) });
}

/** `overrides`: e.g. `check` retries less, because a person is waiting for the answer. */
export function createTarget(loaded: LoadedConfig, logger: Logger, overrides: Partial<ScimClientOptions> = {}): ScimTarget {
  const t = loaded.config.target;
  return createScimTarget({
    url: t.url,
    token: t.token,
    tokenSource: loaded.tokenSource,
    profile: t.profile,
    perMinute: t.rateLimit.perMinute,
    concurrency: t.rateLimit.concurrency,
    timeoutMs: t.timeoutMs,
    rejectUnauthorized: t.tls.rejectUnauthorized,
    maxResponseBytes: t.maxResponseBytes,
    maxRetryAfterSeconds: t.maxRetryAfterSeconds,
    maxRetryTimeSeconds: t.maxRetryTimeSeconds,
    logger: logger.child({ component: 'scim' }),
    ...overrides,
  });
}
