import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { TargetError } from '../errors.js';
import { handleAdmin, type AdminControl } from './admin.js';
import { ERROR_URN } from './http.js';
import { validateFaults, resolveOptions } from './options.js';
import { parseQuirks } from './quirks.js';
import { loadPersisted, Persister } from './persist.js';
import type { Ctx } from './render.js';
import { applySeed } from './seed.js';
import { ScimServer } from './server.js';
import { Store, type UserRec } from './store.js';
import type { EmulatorGroup, EmulatorOptions, EmulatorUser, FaultOptions, RunningEmulator } from './types.js';

export type * from './types.js';

function toUser(u: UserRec): EmulatorUser {
  const out: EmulatorUser = {
    id: u.id,
    userName: u.userName,
    givenName: u.givenName,
    familyName: u.familyName,
    active: u.active !== false,
    pending: u.pending,
  };
  if (u.externalId !== undefined) out.externalId = u.externalId;
  return out;
}

/**
 * Starts an Amplitude-compatible (or RFC 7644-strict) SCIM server on loopback. Resolves once it listens.
 * Seed or persisted data is loaded before the first request.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const o = resolveOptions(options);
  const store = new Store(o.profile, o.clock);
  const basePath = o.profile === 'amplitude' ? '/scim/1/' : '/scim/v2/';
  const loaded = o.persistPath !== undefined && loadPersisted(store, o.persistPath);
  if (!loaded && o.seed) applySeed(store, o.seed);
  const persister = o.persistPath === undefined ? undefined : new Persister(store, o.persistPath);

  const ctx: { -readonly [K in keyof Ctx]: Ctx[K] } = {
    store,
    profile: o.profile,
    pendingNames: o.pendingNames,
    baseUrl: '',
    maxMembersPerPatch: o.maxMembersPerPatch,
    etag: o.etag,
    onWrite: () => persister?.schedule(),
    quirks: o.quirks,
  };
  const scim = new ScimServer(ctx, o, basePath);

  const control: AdminControl = {
    authorized: (req) => scim.authorized(req),
    stats: () => scim.stats.snapshot(),
    resetStats: () => scim.stats.reset(),
    users: () => store.orderedUsers().map(toUser),
    groups: (): EmulatorGroup[] =>
      store.orderedGroups().map((g) => ({
        id: g.id,
        displayName: g.displayName,
        ...(g.externalId === undefined ? {} : { externalId: g.externalId }),
        members: [...g.members],
      })),
    events: () => store.eventLog.map((e) => ({ ...e })),
    rotateToken: (newToken) => {
      if (newToken !== undefined && (newToken === '' || /\s/.test(newToken))) {
        throw new TargetError('the new emulator token must be a non-empty string without spaces', { status: 400, fix: 'pass another token' });
      }
      // Like Amplitude's "Generate SCIM Key": the old key is rejected from the next request on.
      scim.token = newToken ?? `emulator-${randomBytes(12).toString('hex')}`;
      return scim.token;
    },
    acceptInvite: (userName, names) => {
      const u = store.findUserByName(userName);
      if (!u) throw new TargetError(`emulator: no user ${userName} to accept an invite`, { status: 404, fix: 'create or invite the user first' });
      if (names) {
        u.givenName = names.givenName;
        u.familyName = names.familyName;
      }
      u.pending = false;
      store.touchUser(u);
      store.event('accept', u.userName);
      persister?.schedule();
    },
    setFaults: (f: FaultOptions) => {
      validateFaults(f);
      scim.setFaults(f);
    },
    setQuirks: (quirks) => {
      ctx.quirks = parseQuirks(quirks);
    },
    reset: () => {
      store.clear();
      scim.stats.reset();
      scim.limiter.reset();
      persister?.schedule();
    },
  };

  const base = basePath.slice(0, -1);
  const server = createServer({ keepAlive: true }, (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    if (path.startsWith('/_admin/')) {
      void handleAdmin(control, req, res, path.slice('/_admin/'.length));
    } else if (path === base || path.startsWith(basePath)) {
      void scim.handle(req, res, path.slice(basePath.length));
    } else {
      // Outside the SCIM base: still a request that reached the server (counted), so a client configured
      // with a wrong base URL shows up in the stats as 404s.
      scim.stats.arrived((req.method ?? 'GET').toUpperCase(), `${(req.method ?? 'GET').toUpperCase()} (unknown)`);
      scim.stats.answered(404);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ schemas: [ERROR_URN], status: '404', detail: `no SCIM endpoint at ${path}; the base is ${basePath}` }));
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const origin = `http://${host}:${addr.port}`;
  ctx.baseUrl = `${origin}${basePath}`;
  if (persister && !loaded) persister.flush();

  return {
    url: ctx.baseUrl,
    adminUrl: `${origin}/_admin/`,
    get token() {
      return scim.token;
    },
    stats: control.stats,
    resetStats: control.resetStats,
    users: control.users,
    groups: control.groups,
    events: control.events,
    rotateToken: control.rotateToken,
    acceptInvite: control.acceptInvite,
    setFaults: control.setFaults,
    setQuirks: control.setQuirks,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persister?.flush();
    },
  };
}
