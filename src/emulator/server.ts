import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TargetError } from '../errors.js';
import { Faults } from './faults.js';
import { errorReply, httpDate, parseJsonObject, readBody, send, type Reply } from './http.js';
import type { ResolvedOptions } from './options.js';
import { projectBody } from './projection.js';
import { RateLimiter } from './rate-limit.js';
import type { Ctx } from './render.js';
import { matchRoute } from './routes.js';
import { StatsCounter } from './stats.js';
import type { FaultOptions } from './types.js';

const LIST_ROUTES = new Set(['/Users', '/Groups']);

/**
 * The SCIM side of the emulator: auth, rate limit, faults, then the route. Every SCIM request is counted
 * once on arrival, whatever answers it (401, 429, an injected fault, or a reset socket).
 */
export class ScimServer {
  token: string;
  readonly stats = new StatsCounter();
  readonly limiter: RateLimiter;
  private faults: Faults | undefined;
  private readonly contentType: string;

  constructor(
    readonly ctx: Ctx,
    private readonly opts: ResolvedOptions,
    readonly basePath: string,
  ) {
    this.token = opts.token;
    this.limiter = new RateLimiter(opts.rateLimit, opts.clock);
    this.faults = opts.faults ? new Faults(opts.faults) : undefined;
    this.contentType = ctx.profile === 'rfc' ? 'application/scim+json' : 'application/json';
  }

  setFaults(f: FaultOptions): void {
    // A new Faults restarts the `nth` counters and the PRNG: scripts count from when they were set.
    this.faults = new Faults(f);
  }

  authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (typeof h !== 'string') return false;
    const m = /^bearer (.+)$/i.exec(h);
    return m !== null && m[1] === this.token;
  }

  async handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = matchRoute(this.ctx, method, rest);
    this.stats.arrived(method, route.label);
    const list = method === 'GET' && LIST_ROUTES.has(route.template);
    if (list) this.stats.listStarted();
    const reply = await this.process(req, res, method, route).catch((err: unknown) => this.toReply(err));
    if (list) this.stats.listEnded();
    if (reply === 'reset') {
      this.stats.answered('reset');
      req.socket.destroy();
      return;
    }
    this.stats.answered(reply.status);
    if (!res.destroyed) send(res, reply, this.contentType);
  }

  private async process(req: IncomingMessage, res: ServerResponse, method: string, route: ReturnType<typeof matchRoute>): Promise<Reply | 'reset'> {
    let raw: Buffer;
    try {
      raw = await readBody(req, this.opts.maxBodyBytes);
    } catch (err) {
      // A body refused before it was read leaves bytes on the socket: close it after answering.
      if (!req.complete) res.setHeader('connection', 'close');
      throw err;
    }
    if (!this.authorized(req)) {
      return errorReply(401, 'authentication failed: missing or invalid bearer token', undefined, { 'www-authenticate': 'Bearer' });
    }
    const waitMs = this.limiter.take(this.token);
    if (waitMs > 0) return this.tooMany(waitMs, `rate limit of ${this.opts.rateLimit} requests per 60 s exceeded`);

    const fault = this.faults?.decide(method, route.template) ?? { kind: 'none' as const, delayMs: 0 };
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind === 'reset') return 'reset';
    if (fault.kind === 'status') return errorReply(fault.status, `injected fault: ${fault.status}`);
    if (fault.kind === 'burst429') return this.tooMany(1000, 'injected 429 burst');

    if (route.handler === undefined) {
      if (route.allow !== undefined) {
        return errorReply(405, `${method} is not supported on ${route.template}`, undefined, { allow: route.allow });
      }
      return errorReply(404, `no such endpoint: ${method} ${this.basePath}${route.template === '(unknown)' ? '' : route.template.slice(1)}`);
    }
    const body = raw.length > 0 ? parseJsonObject(raw, req.headers['content-type']) : undefined;
    const ifMatch = req.headers['if-match'];
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const quirks = this.ctx.quirks;
    if (quirks.noFilter && (query.get('filter') ?? '').trim() !== '') {
      return errorReply(400, 'this server does not support filter', 'invalidFilter');
    }
    if (quirks.slowListMs > 0 && method === 'GET' && LIST_ROUTES.has(route.template)) await this.opts.sleep(quirks.slowListMs);
    const reply = route.handler(this.ctx, { id: route.id, query, body, ifMatch });
    // The ambiguous failure: the write above is committed, but the client sees an error.
    if (fault.kind === 'status-after-commit') return errorReply(fault.status, `injected fault after commit: ${fault.status}`);
    // patch-204: the change is made, the resource is not sent back (RFC 7644 §3.5.2 allows it).
    if (quirks.patch204 && method === 'PATCH' && reply.status === 200) return { status: 204, ...(reply.headers ? { headers: reply.headers } : {}) };
    return this.ctx.profile === 'rfc' ? { ...reply, body: projectBody(reply.body, query) } : reply;
  }

  private tooMany(waitMs: number, detail: string): Reply {
    const headers: Record<string, string> = {};
    if (this.opts.retryAfter === 'seconds') headers['retry-after'] = String(Math.ceil(waitMs / 1000));
    if (this.opts.retryAfter === 'date') headers['retry-after'] = httpDate(Math.ceil((this.opts.clock() + waitMs) / 1000) * 1000);
    return errorReply(429, detail, undefined, headers);
  }

  private toReply(err: unknown): Reply {
    if (err instanceof TargetError && err.status !== undefined) {
      return errorReply(err.status, err.message, err.scimType);
    }
    return errorReply(500, 'internal emulator error');
  }
}
