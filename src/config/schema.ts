import { z } from 'zod';
import { isLoopbackHost, unverifiedTlsProblem } from './hosts.js';
import { parseDuration } from './duration.js';
import { listenProblem } from './listen.js';
import { scheduleProblem } from './schedule.js';
import { checkTargetUrl } from './target-url.js';

/**
 * The config file's schema. Input side (what YAML may say) is what the JSON Schema documents; the output
 * side (`Config`) has defaults filled in and `*File` secrets folded into their value keys, so no caller ever
 * sees a `tokenFile`. Every object is strict: an unknown key is a typo until proven otherwise.
 */

const nonEmpty = z.string().trim().min(1);
const positiveMs = z.int().min(1).max(3_600_000);

const csvColumnsSchema = z
  .strictObject({
    id: nonEmpty.default('id'),
    email: nonEmpty.default('email'),
    givenName: nonEmpty.default('givenName'),
    familyName: nonEmpty.default('familyName'),
    active: nonEmpty.default('active'),
    groups: nonEmpty.default('groups'),
  })
  .prefault({});

/** One list of `source.statusValues`: compared trimmed and case-insensitively. */
const statusList = z.array(nonEmpty).default([]);

/**
 * Extra values of the CSV status column. They extend the built-in lists (sources/csv/status.ts); a value listed
 * here wins over a built-in one, and a value in both lists here is a mistake, not a tie to break silently.
 */
const statusValuesSchema = z
  .strictObject({ active: statusList, inactive: statusList })
  .superRefine((s, ctx) => {
    const active = new Set(s.active.map((v) => v.toLowerCase()));
    s.inactive.forEach((v, i) => {
      if (active.has(v.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['inactive', i],
          message: `"${v}" is also listed under active — a status value is either active or inactive; remove it from one list`,
        });
      }
    });
  })
  .optional()
  .describe('Extra status-column values meaning active / inactive (case-insensitive); they extend the built-in lists.');

export const csvSourceSchema = z.strictObject({
  type: z.literal('csv'),
  users: nonEmpty.describe('Path of the users CSV, relative to the config file.'),
  groups: nonEmpty.optional().describe('Optional CSV of group,email rows, relative to the config file.'),
  columns: csvColumnsSchema.describe('Header names of the users CSV.'),
  statusValues: statusValuesSchema,
  delimiter: z
    .string()
    .min(1)
    .max(4)
    .refine((d) => !/["\r\n]/.test(d), { message: 'must not contain a quote or a newline — use "," or ";" or "\\t"' })
    .optional()
    .describe('Field delimiter; when absent it is detected from the header (",", ";", tab or "|").'),
  encoding: z
    .enum(['utf-8', 'windows-1252', 'latin1'])
    .default('utf-8')
    .describe('Encoding of a file without a byte-order mark; a UTF-8 or UTF-16 BOM is always honoured.'),
});

export const ldapSourceSchema = z
  .strictObject({
    type: z.literal('ldap'),
    url: nonEmpty.describe('ldap:// or ldaps:// URL of the directory server.'),
    bindDN: nonEmpty.optional().describe('DN or UPN to bind as; omit for an anonymous bind.'),
    bindPassword: z.string().min(1).optional(),
    bindPasswordFile: nonEmpty.optional().describe('File holding the bind password (trailing newline trimmed).'),
    tls: z
      .strictObject({
        ca: nonEmpty.optional().describe('PEM file with the CA certificate(s), relative to the config file.'),
        startTLS: z.boolean().default(false),
        rejectUnauthorized: z.boolean().default(true),
        insecureHosts: z.array(nonEmpty).default([]).describe('Hosts for which rejectUnauthorized: false is allowed.'),
      })
      .prefault({}),
    dialect: z.enum(['active-directory', 'openldap']),
    users: z.strictObject({
      base: nonEmpty,
      filter: nonEmpty.optional(),
      scope: z.enum(['sub', 'one']).default('sub'),
    }),
    groups: z
      .strictObject({
        base: nonEmpty.optional(),
        filter: nonEmpty.optional(),
        nested: z.boolean().default(true),
        inChain: z.boolean().default(false),
      })
      .optional(),
    attributes: z
      .strictObject({
        id: nonEmpty.optional(),
        email: nonEmpty.optional(),
        givenName: nonEmpty.optional(),
        familyName: nonEmpty.optional(),
        upnFallback: z.boolean().default(false),
        disabledFilter: nonEmpty.optional(),
        honorAccountExpiry: z
          .boolean()
          .optional()
          .describe('Active Directory: an account whose accountExpires is past is inactive, like a disabled one. Default: true.'),
      })
      .prefault({}),
    pageSize: z.int().min(1).max(10_000).default(500),
    timeoutMs: positiveMs.default(30_000),
  })
  .superRefine((s, ctx) => {
    if (!/^ldaps?:\/\/[^/\s]+/i.test(s.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an ldap:// or ldaps:// URL — e.g. ldaps://dc1.example.com' });
    } else if (s.tls.startTLS && /^ldaps:/i.test(s.url)) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'startTLS'], message: 'startTLS is for ldap:// URLs — remove it or use ldap://' });
    } else {
      checkLdapTransport(s, ctx);
    }
    if (s.attributes.honorAccountExpiry === true && s.dialect !== 'active-directory') {
      ctx.addIssue({
        code: 'custom',
        path: ['attributes', 'honorAccountExpiry'],
        message: 'is for the active-directory dialect (accountExpires) — remove it, or mark such accounts with attributes.disabledFilter',
      });
    }
    const given = [s.bindPassword, s.bindPasswordFile].filter((v) => v !== undefined).length;
    if (s.bindDN !== undefined && given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['bindPassword'],
        message:
          given === 0
            ? 'required when bindDN is set — set bindPassword: ${LDAP_PASSWORD} or bindPasswordFile'
            : 'set either bindPassword or bindPasswordFile, not both',
      });
    }
    if (s.bindDN === undefined && given > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['bindDN'],
        message: 'required when a bind password is set — set bindDN or remove the password for an anonymous bind',
      });
    }
  });

/** The `url` key as a URL, or undefined after reporting it with an example of a good one. */
function parseUrl(raw: string, example: string, ctx: z.RefinementCtx): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `is not a valid URL — e.g. ${example}` });
    return undefined;
  }
}

/**
 * The bind password and every entry read cross the network: plain ldap:// is for loopback only (as http://
 * is for the target), and turning certificate checks off names the host, as target.tls.insecureHosts does.
 */
function checkLdapTransport(
  s: { url: string; bindDN?: string | undefined; tls: { startTLS: boolean; rejectUnauthorized: boolean; insecureHosts: string[] } },
  ctx: z.RefinementCtx,
): void {
  const url = parseUrl(s.url, 'ldaps://dc1.example.com', ctx);
  if (!url) return;
  if (url.protocol === 'ldap:' && !s.tls.startTLS && s.bindDN !== undefined && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: `ldap:// without StartTLS is refused for ${url.hostname}: the bind password would travel in clear — use ldaps:// or set source.tls.startTLS: true (plain ldap:// is allowed only for localhost, 127.0.0.0/8 and ::1)`,
    });
  }
  const unverified = unverifiedTlsProblem('source', url.hostname, s.tls);
  if (unverified) ctx.addIssue({ code: 'custom', path: ['tls', 'rejectUnauthorized'], message: unverified });
}

export const targetSchema = z
  .strictObject({
    url: nonEmpty.describe('SCIM base URL; http:// only for loopback hosts.'),
    token: z.string().min(1).optional().describe('Bearer token; use ${ENV_VAR}, never a literal.'),
    tokenFile: nonEmpty.optional().describe('File holding the bearer token (trailing newline trimmed).'),
    profile: z.enum(['amplitude', 'rfc']).default('amplitude'),
    rateLimit: z
      .strictObject({
        perMinute: z.int().min(0).max(100_000).default(90),
        concurrency: z.int().min(1).max(16).default(2),
      })
      .prefault({}),
    maxMembersPerPatch: z.int().min(1).max(10_000).default(100),
    inviteThroughGroups: z
      .boolean()
      .optional()
      .describe('amplitude: invite a new user through the POST/PATCH of a group it joins instead of a POST /Users each (default true; never on rfc).'),
    tls: z
      .strictObject({
        rejectUnauthorized: z.boolean().default(true),
        insecureHosts: z.array(nonEmpty).default([]).describe('Hosts for which rejectUnauthorized: false is allowed.'),
      })
      .prefault({}),
    timeoutMs: positiveMs.default(30_000),
    maxResponseBytes: z
      .int()
      .min(1024)
      .default(32 * 1024 * 1024)
      .describe('A larger response body stops the run before any write.'),
    maxRetryAfterSeconds: z.int().min(0).max(86_400).default(120).describe('A 429 asking for a longer wait stops the run (the next run tries again).'),
    maxRetryTimeSeconds: z.int().min(0).max(86_400).default(600).describe('Retry waits of one run, summed; one that would pass it stops the run.'),
  })
  .superRefine((t, ctx) => {
    const given = [t.token, t.tokenFile].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: given === 0 ? 'required — set token: ${SCIM_TOKEN} or tokenFile: /run/secrets/scim' : 'set either token or tokenFile, not both',
      });
    }
    const checked = checkTargetUrl(t.url);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: checked.message });
      return;
    }
    const url = checked.url;
    const unverified = unverifiedTlsProblem('target', url.hostname, t.tls);
    if (unverified) ctx.addIssue({ code: 'custom', path: ['tls', 'rejectUnauthorized'], message: unverified });
    if (t.inviteThroughGroups === true && t.profile === 'rfc') {
      ctx.addIssue({
        code: 'custom',
        path: ['inviteThroughGroups'],
        message: 'is for the amplitude profile only: an RFC 7644 server takes existing user ids as group members — remove it',
      });
    }
  });

const syncSchema = z
  .strictObject({
    deprovision: z.enum(['delete', 'deactivate', 'none']).default('delete'),
    onEmailChange: z.enum(['delete-old', 'keep-old']).default('delete-old'),
    manageAllUsers: z.boolean().default(false),
    groups: z
      .strictObject({
        enabled: z.boolean().default(true),
        include: z.array(nonEmpty).default(['*']),
        exclude: z.array(nonEmpty).default([]),
      })
      .prefault({}),
    protect: z.array(nonEmpty).default([]).describe('Emails or globs scimsync never touches.'),
    safety: z
      .strictObject({
        maxDeletes: z.int().min(0).default(25),
        maxDeletePercent: z.number().min(0).max(100).default(10),
        // On Amplitude a deleted permission group revokes everyone's access through it: few at a time.
        maxGroupDeletes: z.int().min(0).default(5),
        maxMemberRemovals: z.int().min(0).default(50),
        maxMemberRemovalPercent: z.number().min(0).max(100).default(20),
      })
      .prefault({}),
    fullReadEvery: z
      .string()
      .trim()
      .default('24h')
      .refine((s) => parseDuration(s) !== undefined, {
        message: 'must be a duration such as "24h", "90m", "1h30m" or "7d" ("0" = read the whole target every run)',
      })
      .describe('Between full reads of the target, runs plan against the target as last read plus the writes applied since.'),
  })
  .prefault({});

const scheduleSchema = z
  .string()
  .trim()
  .default('*/15 * * * *')
  .superRefine((s, ctx) => {
    const problem = scheduleProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Cron expression for the daemon: 5 fields, or 6 with seconds first. A step may not pass its field (no */70 in seconds).');

const listenSchema = z
  .string()
  .trim()
  .default('127.0.0.1:9464')
  .superRefine((s, ctx) => {
    const problem = listenProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('host:port of /healthz, /readyz and /metrics (IPv6 in brackets). No host (":9464") is refused: write 0.0.0.0:9464 for every interface.');

/** pino's level names; `SCIMSYNC_LOG_LEVEL` takes the same. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const inputSchema = z.strictObject({
  source: z.discriminatedUnion('type', [csvSourceSchema, ldapSourceSchema]),
  target: targetSchema,
  sync: syncSchema,
  state: z.strictObject({ path: nonEmpty.default('./.scimsync/state.json') }).prefault({}),
  schedule: scheduleSchema,
  daemon: z.strictObject({ listen: listenSchema, shutdownTimeoutMs: positiveMs.default(30_000) }).prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({}),
});

type InputOutput = z.output<typeof inputSchema>;

/**
 * Drops `tokenFile`/`bindPasswordFile` from the output type: the loader has already read them into
 * `token`/`bindPassword` (config/secret-files.ts, relative to the config file), before validation. The schema
 * itself reads no file; one still here means the schema was used without the loader.
 */
function withoutSecretFileKeys(c: InputOutput, ctx: z.RefinementCtx) {
  const message = 'was not read: secret files are read by loadConfig/parseConfig, relative to the config file — load the config with them';
  const unread = (path: string[]): void => ctx.addIssue({ code: 'custom', path, message });
  const { tokenFile, token, ...target } = c.target;
  if (tokenFile !== undefined) unread(['target', 'tokenFile']);
  if (c.source.type === 'csv') return { ...c, source: c.source, target: { ...target, token: token ?? '' } };
  const { bindPasswordFile, ...source } = c.source;
  if (bindPasswordFile !== undefined) unread(['source', 'bindPasswordFile']);
  return { ...c, source, target: { ...target, token: token ?? '' } };
}

/** Input: the YAML document (after `${VAR}` substitution). Output: `Config`. */
export const configSchema = inputSchema.transform(withoutSecretFileKeys);

/** The schema the JSON Schema is generated from (input side: defaults are optional keys). */
export const configInputSchema = inputSchema;

export type Config = z.output<typeof configSchema>;
export type CsvSourceConfig = Extract<Config['source'], { type: 'csv' }>;
export type LdapSourceConfig = Extract<Config['source'], { type: 'ldap' }>;
export type TargetConfig = Config['target'];
