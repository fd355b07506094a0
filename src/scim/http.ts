import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type { TargetError } from '../errors.js';
import { utf8Text } from '../utf8-text.js';
import { RateBudget } from './budget.js';
import {
  abortedError,
  authError,
  authRejectedEarlier,
  httpError,
  networkError,
  readErrorBody,
  readIncomplete,
  retryAfterTooLong,
  retryTimeSpent,
} from './http-errors.js';
import type { ResolvedScimClientOptions } from './options.js';
import type { JsonObject } from './profiles/types.js';
import { parseRetryAfter } from './retry-after.js';
import { RETRY_RULES, TIMEOUT_CODE, backoffDelay, decideRetry, type AttemptOutcome } from './retry-rules.js';

/**
 * One SCIM HTTP exchange, with everything that happens per request: the rate budget (every attempt takes a
 * slot), retries by the rules in retry-rules.ts, auth fail-fast, and request counting. Bodies and headers are
 * never logged: they may carry names, and the Authorization header carries the key.
 */

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the base URL, e.g. `/Users/jdoe@example.com`. Shown in errors and logs. */
  readonly path: string;
  /** Query string without `?`. Sent, but never shown (a filter names a person). */
  readonly query?: string;
  readonly body?: JsonObject;
}

export interface HttpResponse {
  readonly status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
  readonly text: string;
  readonly location: string | undefined;
  readonly retryAfter: string | undefined;
}

export interface ExchangeOptions<T> {
  /** Statuses the caller handles itself (success, and e.g. 404 on delete). */
  readonly ok: readonly number[];
  readonly signal?: AbortSignal | undefined;
  /**
   * For a non-idempotent request whose outcome is unknown (5xx or a network error after sending): look for
   * the object. A value means "it was done": returned as `recovered`. undefined means "not done": retry.
   */
  readonly recover?: () => Promise<T | undefined>;
}

export type ExchangeResult<T> = { readonly res: HttpResponse } | { readonly recovered: T };

/** The transport's settings: the resolved client options minus what only the profile layer needs. */
export interface HttpSettings extends Omit<ResolvedScimClientOptions, 'url' | 'profile'> {
  readonly baseUrl: URL;
  readonly contentType: string;
}

/** One attempt: a response, or a network failure with its error code. */
type Attempt = { readonly status: number; readonly res: HttpResponse } | { readonly code: string | undefined; readonly err: Error };

const ACCEPT = 'application/scim+json, application/json';

export class ScimHttp {
  readonly #s: HttpSettings;
  readonly #pool: Pool;
  readonly #budget: RateBudget;
  readonly #basePath: string;
  readonly #counts: Record<string, number> = {};
  readonly #statusCounts: Record<string, Record<string, number>> = {};
  #rejectedWith: number | undefined;
  #writesInFlight = 0;
  /** Retries so far and the time waited before them, summed over requests: bounded per client (= per run). */
  #retries = 0;
  #retryWaitMs = 0;

  constructor(settings: HttpSettings) {
    this.#s = settings;
    this.#basePath = settings.baseUrl.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(settings.baseUrl.origin, {
      connections: settings.concurrency,
      pipelining: 1,
      connect: { rejectUnauthorized: settings.rejectUnauthorized },
    });
    this.#budget = new RateBudget(settings.perMinute);
  }

  counts(): Record<string, number> {
    return { ...this.#counts };
  }

  /** By method, then by status ("error" when no response arrived). */
  statusCounts(): Record<string, Record<string, number>> {
    return Object.fromEntries(Object.entries(this.#statusCounts).map(([m, byStatus]) => [m, { ...byStatus }]));
  }

  writesInFlight(): number {
    return this.#writesInFlight;
  }

  async close(): Promise<void> {
    if (this.#pool.closed) return;
    if (this.#retries > 0) {
      this.#s.logger.info({ retries: this.#retries, retryWaitSeconds: Math.round(this.#retryWaitMs / 1000) }, 'SCIM retries in this run');
    }
    await this.#pool.close();
  }

  async exchange<T>(req: HttpRequest, opts: ExchangeOptions<T>): Promise<ExchangeResult<T>> {
    const { method, path } = req;
    for (let attempt = 1; ; attempt++) {
      if (this.#rejectedWith !== undefined) throw authRejectedEarlier(method, path, this.#rejectedWith, this.#s.tokenSource);
      await this.#acquire(req, opts.signal);
      const result = await this.#once(req, opts.signal);
      let outcome: AttemptOutcome;
      if ('status' in result) {
        const { res } = result;
        if (opts.ok.includes(res.status)) return { res };
        if (res.status === 401 || res.status === 403) {
          // A rejected key stays rejected for this run: fail every later request without spending budget.
          this.#rejectedWith = res.status;
          throw authError(method, path, res.status, this.#s.tokenSource);
        }
        outcome = { kind: 'status', status: res.status };
      } else {
        outcome = { kind: 'network', code: result.code };
      }
      let decision = decideRetry(method, outcome);
      if (decision === 'ambiguous' && opts.recover) {
        this.#s.logger.warn({ method, path, ...describe(outcome), attempt }, 'SCIM write outcome unknown: looking the object up before retrying');
        const found = await opts.recover();
        if (found !== undefined) return { recovered: found };
        decision = 'retry';
      }
      if (decision !== 'retry' || attempt > this.#s.maxRetries) throw this.#failure(req, result, attempt);
      const delayMs = this.#retryWait(req, attempt, result);
      // One line per wait only at debug: a throttled run would otherwise log hundreds. The total is logged
      // once, when the client closes at the end of the run.
      this.#s.logger.debug({ method, path, ...describe(outcome), attempt, delayMs }, 'retrying SCIM request');
      try {
        await sleep(delayMs, undefined, { signal: opts.signal });
      } catch (err) {
        throw abortedError(method, path, err);
      }
    }
  }

  async #acquire(req: HttpRequest, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#budget.acquire(signal);
    } catch (err) {
      throw abortedError(req.method, req.path, err);
    }
  }

  async #once(req: HttpRequest, signal: AbortSignal | undefined): Promise<Attempt> {
    const headers: Record<string, string> = {
      accept: ACCEPT,
      authorization: `Bearer ${this.#s.token}`,
    };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = this.#s.contentType;
    }
    const fullPath = `${this.#basePath}${req.path}${req.query ? `?${req.query}` : ''}`;
    // Our own deadline for headers + body: undici's timers are coarse (about 1 s) and restart per phase.
    const deadline = AbortSignal.timeout(this.#s.timeoutMs);
    // A write, once sent, runs to its answer: cut off, its outcome would be unknown and state could not
    // record what the target did. The caller's signal stops reads and every wait (budget, backoff) instead.
    const write = req.method !== 'GET';
    const stoppable = write ? undefined : signal;
    const combined = stoppable ? AbortSignal.any([stoppable, deadline]) : deadline;
    if (write) this.#writesInFlight++;
    let tooLarge: TargetError | undefined;
    try {
      const r = await this.#pool.request({
        method: req.method,
        path: fullPath,
        headers,
        body: payload,
        signal: combined,
        headersTimeout: this.#s.timeoutMs,
        bodyTimeout: this.#s.timeoutMs,
      });
      const text = await readCapped(r.body, r.headers['content-length'], this.#s.maxResponseBytes);
      this.#count(req.method, String(r.statusCode));
      if (text === undefined) {
        tooLarge = this.#oversized(req, r.statusCode);
        throw tooLarge;
      }
      const location = r.headers['location'];
      const retryAfter = r.headers['retry-after'];
      const res: HttpResponse = {
        status: r.statusCode,
        body: parseJson(text),
        text,
        location: Array.isArray(location) ? location[0] : location,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      };
      this.#s.logger.debug({ method: req.method, path: req.path, status: r.statusCode }, 'SCIM request');
      return { status: r.statusCode, res };
    } catch (err) {
      if (tooLarge !== undefined) throw tooLarge;
      if (stoppable?.aborted) throw abortedError(req.method, req.path, err);
      const code = deadline.aborted ? TIMEOUT_CODE : errorCode(err);
      // A connection that was never made sent nothing: it does not count as a request to the target.
      if (!(RETRY_RULES.notSentCodes as readonly string[]).includes(code ?? '')) this.#count(req.method, 'error');
      const error = deadline.aborted ? new Error(`no complete answer within ${this.#s.timeoutMs} ms`) : err instanceof Error ? err : new Error(String(err));
      return { code, err: error };
    } finally {
      if (write) this.#writesInFlight--;
    }
  }

  /** Not retried: the same request would bring the same body. For a list page the run stops before any write. */
  #oversized(req: HttpRequest, status: number): TargetError {
    const cap = this.#s.maxResponseBytes;
    return readIncomplete(
      req.method,
      req.path,
      `the ${status} answer's body is larger than target.maxResponseBytes (${cap} bytes)`,
      'check that target.url is the SCIM base URL; if the target really sends bodies this large, raise target.maxResponseBytes',
    );
  }

  #count(method: string, status: string): void {
    this.#counts[method] = (this.#counts[method] ?? 0) + 1;
    const byStatus = (this.#statusCounts[method] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  /**
   * How long to wait before retrying, counted against the run's retry time. Throws (the run stops, the next
   * run tries again) rather than stall: a Retry-After beyond maxRetryAfterSeconds, or a wait that would take
   * the run's retry waits past maxRetryTimeSeconds.
   */
  #retryWait(req: HttpRequest, attempt: number, result: Attempt): number {
    let delayMs: number | undefined;
    if ('status' in result && result.status === 429) {
      delayMs = parseRetryAfter(result.res.retryAfter, Date.now());
      if (delayMs !== undefined && delayMs > this.#s.maxRetryAfterSeconds * 1000) {
        throw retryAfterTooLong(req.method, req.path, result.res.retryAfter ?? '', delayMs, this.#s.maxRetryAfterSeconds);
      }
    }
    delayMs ??= backoffDelay(attempt - 1, this.#s.backoff, Math.random());
    if (this.#retryWaitMs + delayMs > this.#s.maxRetryTimeSeconds * 1000) {
      throw retryTimeSpent(
        req.method,
        req.path,
        'status' in result ? String(result.status) : (result.code ?? 'a network error'),
        this.#retryWaitMs,
        this.#s.maxRetryTimeSeconds,
      );
    }
    if (this.#retries === 0) {
      this.#s.logger.warn(
        { method: req.method, path: req.path, maxRetryTimeSeconds: this.#s.maxRetryTimeSeconds },
        'the SCIM target is refusing or failing requests: retrying (the total is logged at the end of the run)',
      );
    }
    this.#retries++;
    this.#retryWaitMs += delayMs;
    return delayMs;
  }

  #failure(req: HttpRequest, result: Attempt, attempts: number): TargetError {
    if ('status' in result) {
      const body = readErrorBody(result.res.body, result.res.text);
      return httpError(req.method, req.path, result.status, body, this.#s.token, attempts, this.#s.baseUrl.href);
    }
    return networkError(req.method, req.path, result.code, result.err.message, attempts, result.err);
  }
}

/**
 * The body as text, or undefined once it passes `limit` bytes (by its Content-Length, or while streaming:
 * a server that never stops sending cannot take the process's memory).
 */
async function readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | string[] | undefined, limit: number): Promise<string | undefined> {
  // Destroying the body makes undici emit an abort error on it: expected here, not worth a crash.
  body.on('error', () => undefined);
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(buf);
  }
  return utf8Text(Buffer.concat(chunks, size));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || cause === err ? undefined : errorCode(cause);
}

function describe(outcome: AttemptOutcome): { status?: number; code?: string } {
  return outcome.kind === 'status' ? { status: outcome.status } : { code: outcome.code ?? 'unknown' };
}
