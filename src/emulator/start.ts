import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, type AdminControl } from './admin.js';
import { createControl, type MutableCtx } from './control.js';
import { ERROR_URN } from './http.js';
import { resolveOptions } from './options.js';
import { loadPersisted, Persister } from './persist.js';
import { applySeed } from './seed.js';
import { ScimServer } from './server.js';
import { Store } from './store.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

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

  const ctx: MutableCtx = {
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
  const control = createControl(scim, ctx, persister);
  const server = createServer({ keepAlive: true }, requestListener(control, scim, basePath));
  server.keepAliveTimeout = 30_000;
  const origin = await listen(server, o.port, o.host);
  ctx.baseUrl = `${origin}${basePath}`;
  if (persister && !loaded) persister.flush();

  const { authorized: _authorized, reset: _reset, ...controls } = control;
  return {
    ...controls,
    url: ctx.baseUrl,
    adminUrl: `${origin}/_admin/`,
    get token() {
      return scim.token;
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persister?.flush();
    },
  };
}

/** Admin endpoints under /_admin/, SCIM under the profile's base path, a counted 404 elsewhere. */
function requestListener(control: AdminControl, scim: ScimServer, basePath: string): RequestListener {
  const base = basePath.slice(0, -1);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    if (path.startsWith('/_admin/')) {
      void handleAdmin(control, req, res, path.slice('/_admin/'.length));
    } else if (path === base || path.startsWith(basePath)) {
      void scim.handle(req, res, path.slice(basePath.length));
    } else {
      // Outside the SCIM base: still a request that reached the server (counted), so a client configured
      // with a wrong base URL shows up in the stats as 404s.
      const method = (req.method ?? 'GET').toUpperCase();
      scim.stats.arrived(method, `${method} (unknown)`);
      scim.stats.answered(404);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ schemas: [ERROR_URN], status: '404', detail: `no SCIM endpoint at ${path}; the base is ${basePath}` }));
    }
  };
}

/** Listens and answers the origin (`http://host:port`, IPv6 in brackets). */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}
