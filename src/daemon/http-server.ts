import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { listenProblem, parseListen } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';

export interface Readiness {
  readonly ready: boolean;
  /** Machine-readable: `no-run-yet`, `last-run-succeeded`, `last-run-failed`, `config-invalid`, … */
  readonly reason: string;
  /** Extra fields for people reading the JSON (last run's result, error code and fix). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface HealthServerOptions {
  /** `host:port` or `[v6]:port` (config/listen.ts: a missing host is refused). Port 0 picks a free one. */
  readonly listen: string;
  readonly registry: Registry;
  readonly readiness: () => Readiness;
  readonly logger: Logger;
}

export interface HealthServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

/** `daemon.listen` as host and port, or a ConfigError naming it (one parser with the config: config/listen.ts). */
function bindAddress(listen: string): { host: string; port: number } {
  const parsed = parseListen(listen);
  if (parsed) return parsed;
  const message = listenProblem(listen) ?? 'must be host:port';
  throw new ConfigError(`daemon.listen "${listen}" ${message}`, [{ path: 'daemon.listen', message }], 'set daemon.listen to host:port, e.g. 127.0.0.1:9464');
}

/**
 * `/healthz` says the process is alive (the event loop answers); `/readyz` says whether syncs are working;
 * `/metrics` is Prometheus text. Nothing here can write anything, so there is no auth: bind it to loopback
 * or a pod network, not the internet.
 */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = bindAddress(opts.listen);
  const log = opts.logger;

  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      log.error({ path: req.url, err: err instanceof Error ? err.message : String(err) }, 'health endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.end();
    });
  });
  // A scrape or probe should never keep the process from shutting down.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new ConfigError(`cannot listen on ${opts.listen}: ${err.code ?? err.message}`, [], 'choose a free port in daemon.listen, or stop the process using it'),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${urlHost}:${addr.port}`;
  log.info({ url }, 'health and metrics listening');

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HealthServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain', 'method not allowed\n', { allow: 'GET, HEAD' });
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/healthz':
      send(res, 200, 'text/plain', 'ok\n');
      return;
    case '/readyz': {
      const r = opts.readiness();
      send(res, r.ready ? 200 : 503, 'application/json', JSON.stringify({ status: r.ready ? 'ready' : 'not ready', reason: r.reason, ...r.detail }) + '\n');
      return;
    }
    case '/metrics': {
      const body = await opts.registry.metrics();
      send(res, 200, opts.registry.contentType, body);
      return;
    }
    default:
      send(res, 404, 'text/plain', 'not found: try /healthz, /readyz or /metrics\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
