import { z } from 'zod';
import cron from 'node-cron';
import { readSecretFile } from './secret-files.js';
import { isLoopbackHost, unverifiedTlsProblem } from './hosts.js';

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
        ctx.addIssue({ code: 'custom', path: ['inactive', i], message: `"${v}" is also listed under active — a status value is either active or inactive; remove it from one list` });
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
        message: given === 0 ? 'required when bindDN is set — set bindPassword: ${LDAP_PASSWORD} or bindPasswordFile' : 'set either bindPassword or bindPasswordFile, not both',
      });
    }
    if (s.bindDN === undefined && given > 0) {
      ctx.addIssue({ code: 'custom', path: ['bindDN'], message: 'required when a bind password is set — set bindDN or remove the password for an anonymous bind' });
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
    tls: z
      .strictObject({
        rejectUnauthorized: z.boolean().default(true),
        insecureHosts: z.array(nonEmpty).default([]).describe('Hosts for which rejectUnauthorized: false is allowed.'),
      })
      .prefault({}),
    timeoutMs: positiveMs.default(30_000),
    maxResponseBytes: z.int().min(1024).default(32 * 1024 * 1024).describe('A larger response body stops the run before any write.'),
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
    const url = parseUrl(t.url, 'https://core.amplitude.com/scim/1/', ctx);
    if (!url) return;
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must not contain credentials — put the token in token or tokenFile' });
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `http:// is refused for ${url.hostname}: the token would travel in clear — use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)`,
      });
    } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `must be an https:// URL, got ${url.protocol}//` });
    }
    const unverified = unverifiedTlsProblem('target', url.hostname, t.tls);
    if (unverified) ctx.addIssue({ code: 'custom', path: ['tls', 'rejectUnauthorized'], message: unverified });
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
  })
  .prefault({});

const scheduleSchema = z
  .string()
  .trim()
  .default('*/15 * * * *')
  .superRefine((s, ctx) => {
    const fields = s.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      ctx.addIssue({ code: 'custom', message: `has ${fields} fields; a cron expression has 5 (or 6, seconds first) — e.g. "*/15 * * * *"` });
    } else if (!cron.validate(s)) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a valid cron expression — e.g. "*/15 * * * *"` });
    }
  });

const listenSchema = z
  .string()
  .trim()
  .default('127.0.0.1:9464')
  .refine((s) => parseListen(s) !== null, { message: 'must be host:port, e.g. "127.0.0.1:9464" or "[::1]:9464"' });

/** `host:port` (IPv6 in brackets) → parts, or null when malformed. */
export function parseListen(s: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const port = Number(m[2]);
  return port <= 65_535 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : null;
}

/** pino's level names; `SCIMSYNC_LOG_LEVEL` takes the same. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const inputSchema = z.strictObject({
  source: z.discriminatedUnion('type', [csvSourceSchema, ldapSourceSchema]),
  target: targetSchema,
  sync: syncSchema,
  state: z.strictObject({ path: nonEmpty.default('./.scimsync/state.json') }).prefault({}),
  schedule: scheduleSchema,
  daemon: z
    .strictObject({ listen: listenSchema, shutdownTimeoutMs: positiveMs.default(30_000) })
    .prefault({}),
  log: z
    .strictObject({ level: z.enum(LOG_LEVELS).default('info') })
    .prefault({}),
});

type InputOutput = z.output<typeof inputSchema>;

/**
 * Folds `tokenFile`/`bindPasswordFile` into `token`/`bindPassword`. The loader has normally read them already
 * (relative to the config file); this covers direct use of the schema, relative to the working directory.
 */
function foldSecretFiles(c: InputOutput, ctx: z.RefinementCtx) {
  const { tokenFile, token, ...target } = c.target;
  let resolvedToken = token ?? '';
  if (tokenFile !== undefined) {
    const r = readSecretFile(tokenFile, 'target.tokenFile', 'token');
    if (r.ok) resolvedToken = r.value;
    else ctx.addIssue({ code: 'custom', path: ['target', 'tokenFile'], message: r.message });
  }
  if (c.source.type === 'csv') return { ...c, source: c.source, target: { ...target, token: resolvedToken } };
  const { bindPasswordFile, ...source } = c.source;
  if (bindPasswordFile !== undefined) {
    const r = readSecretFile(bindPasswordFile, 'source.bindPasswordFile', 'password');
    if (r.ok) source.bindPassword = r.value;
    else ctx.addIssue({ code: 'custom', path: ['source', 'bindPasswordFile'], message: r.message });
  }
  return { ...c, source, target: { ...target, token: resolvedToken } };
}

/** Input: the YAML document (after `${VAR}` substitution). Output: `Config`. */
export const configSchema = inputSchema.transform(foldSecretFiles);

/** The schema the JSON Schema is generated from (input side: defaults are optional keys). */
export const configInputSchema = inputSchema;

export type Config = z.output<typeof configSchema>;
export type CsvSourceConfig = Extract<Config['source'], { type: 'csv' }>;
export type LdapSourceConfig = Extract<Config['source'], { type: 'ldap' }>;
export type TargetConfig = Config['target'];
