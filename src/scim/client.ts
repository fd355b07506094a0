import type { TargetGroup, TargetSnapshot, TargetUser, UserAttributes } from '../model/index.js';
import { TargetError } from '../errors.js';
import { httpError, invalidResponse, readErrorBody, readIncomplete } from './http-errors.js';
import { ScimHttp, type HttpResponse } from './http.js';
import { PageReader } from './pagination.js';
import { parseGroup, parseListPage, parseUser, profileByName, type ScimProfile } from './profiles/index.js';
import { idFromLocation, idSegment } from './profiles/shared.js';
import type { JsonObject } from './profiles/types.js';
import { resolveScimClientOptions, type ScimClientOptions } from './options.js';
import type { RequestCounts, ScimTarget } from './port.js';

export type { ScimClientOptions } from './options.js';

/**
 * The SCIM target over HTTP. Every request goes through ScimHttp (rate budget, retries, auth fail-fast);
 * this file only knows which requests make up each operation and how to read the answers.
 */
export function createScimTarget(options: ScimClientOptions): ScimTarget {
  const o = resolveScimClientOptions(options);
  const profile = profileByName(o.profile);
  const logger = o.logger.child({ component: 'scim' });
  const http = new ScimHttp({ ...o, baseUrl: o.url, contentType: profile.contentType, logger });
  return new HttpScimTarget(o.url.href, profile, http, o.token);
}

class HttpScimTarget implements ScimTarget {
  constructor(
    readonly baseUrl: string,
    private readonly profile: ScimProfile,
    private readonly http: ScimHttp,
    private readonly token: string,
  ) {}

  async snapshot(signal?: AbortSignal): Promise<TargetSnapshot> {
    // Users first, then groups: a failure on any page throws, so a partial list never leaves this method.
    const users = await this.#list('/Users', (raw) => parseUser(raw, this.profile.normalizeId), signal);
    const groups = await this.#list('/Groups', (raw) => parseGroup(raw, this.profile.normalizeId), signal);
    return { users, groups };
  }

  async createUser(attrs: UserAttributes, signal?: AbortSignal): Promise<{ user: TargetUser; adopted: boolean }> {
    const lookup = (): Promise<TargetUser | undefined> => this.findUserByUserName(attrs.userName, signal);
    const r = await this.#createOrFind('/Users', this.profile.createUserBody(attrs), lookup, signal);
    return 'found' in r ? { user: r.found, adopted: true } : { user: this.#createdUser(r.created, attrs), adopted: false };
  }

  async updateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    const { method, body } = this.profile.updateUserRequest(id, attrs);
    await this.http.exchange({ method, path: userPath(id), body }, { ok: [200, 204], signal });
  }

  async deactivateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    const { method, body } = this.profile.deactivateUserRequest(id, attrs);
    // 404: the user is already gone (Amplitude removes deactivated users), which is what was asked; it is
    // also what a retry sees when the first attempt worked but its answer was lost.
    await this.http.exchange({ method, path: userPath(id), body }, { ok: [200, 204, 404], signal });
  }

  async deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.exchange({ method: 'DELETE', path: userPath(id) }, { ok: [200, 204, 404], signal });
  }

  async findUserByUserName(userName: string, signal?: AbortSignal): Promise<TargetUser | undefined> {
    const wanted = userName.toLowerCase();
    const lookup = this.profile.userLookup(userName);
    if (lookup.shape === 'resource') {
      const { res } = await this.#get(lookup.path, lookup.query, [200, 404], signal);
      if (res.status === 404) return undefined;
      const user = this.#parse('GET', lookup.path, res, parseUser(res.body, this.profile.normalizeId));
      return user.userName === wanted ? user : undefined;
    }
    const { res } = await this.#get(lookup.path, lookup.query, [200, 400, 501], signal);
    if (res.status !== 200) {
      // No filter support (400 invalidFilter, 501): find the user in the full list, as the groups lookup does.
      if (res.status === 400 && readErrorBody(res.body, res.text).scimType !== 'invalidFilter') throw this.#error('GET', lookup.path, res);
      const users = await this.#list('/Users', (raw) => parseUser(raw, this.profile.normalizeId), signal);
      return users.find((u) => u.userName === wanted);
    }
    const page = this.#parse('GET', lookup.path, res, parseListPage(res.body));
    for (const raw of page.resources) {
      const user = this.#parse('GET', lookup.path, res, parseUser(raw, this.profile.normalizeId));
      if (user.userName === wanted) return user;
    }
    return undefined;
  }

  async createGroup(displayName: string, memberIds: readonly string[], signal?: AbortSignal): Promise<{ group: TargetGroup; adopted: boolean }> {
    const lookup = (): Promise<TargetGroup | undefined> => this.#findGroupByDisplayName(displayName, signal);
    const r = await this.#createOrFind('/Groups', this.profile.createGroupBody(displayName, memberIds), lookup, signal);
    if ('found' in r) return { group: r.found, adopted: true };
    const parsed = parseGroup(r.created.body, this.profile.normalizeId);
    if (typeof parsed !== 'string') return { group: parsed, adopted: false };
    // A server that answers without a body still says where the group lives.
    const id = idFromLocation(r.created.location);
    if (id === undefined) throw invalidResponse('POST', '/Groups', r.created.status, parsed);
    return { group: { id, displayName, members: memberIds.map((m) => this.profile.normalizeId(m)) }, adopted: false };
  }

  async getGroup(id: string, signal?: AbortSignal): Promise<TargetGroup | undefined> {
    const path = `/Groups/${idSegment(id)}`;
    const { res } = await this.#get(path, undefined, [200, 404], signal);
    if (res.status === 404) return undefined;
    return this.#parse('GET', path, res, parseGroup(res.body, this.profile.normalizeId));
  }

  async patchMembers(groupId: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<void> {
    const body = this.profile.patchMembersBody(add, remove);
    if (body === undefined) return;
    await this.http.exchange({ method: 'PATCH', path: `/Groups/${idSegment(groupId)}`, body }, { ok: [200, 204], signal });
  }

  async deleteGroup(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.exchange({ method: 'DELETE', path: `/Groups/${idSegment(id)}` }, { ok: [200, 204, 404], signal });
  }

  requestCounts(): RequestCounts {
    return this.http.counts();
  }

  requestStatusCounts(): Record<string, Record<string, number>> {
    return this.http.statusCounts();
  }

  writesInFlight(): number {
    return this.http.writesInFlight();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Every page of a list, advancing by what each page returned. PageReader (pagination.ts) decides from the
   * pages when the list is complete; a read it cannot prove complete throws before anyone acts on it.
   *
   * Read-ahead, depth 1: with page k requested, page k+1 is requested too when PageReader.ahead says the pages
   * so far prove it will be wanted (all full, a real total counting resources on page k+1, the endless-list cap
   * not reached), so the server renders page k+1 while page k travels and is parsed. Against a server whose
   * pages keep their size and totals it is exactly the request a sequential read makes next: same requests,
   * same count, same rate budget (each still takes its slot when sent). Worst case: one extra GET, when page k
   * surprises (repeats resources, comes back short, totals fall — the read stops anyway — or longer than the
   * first pages, a server that changes its page size mid-list), or the read stops on an error or the run's
   * signal. That request is aborted (never sent if it still waits for the budget) and its answer ignored;
   * PageReader decides on page k exactly as without read-ahead.
   */
  async #list<T extends { id: string }>(path: '/Users' | '/Groups', parse: (raw: unknown) => T | string, signal: AbortSignal | undefined): Promise<T[]> {
    const items: T[] = [];
    const reader = new PageReader(path === '/Users' ? 'users' : 'groups', this.profile.pageSize);
    let start = 1;
    let current = this.#requestPage(path, start, signal);
    let ahead: PageRequest | undefined;
    try {
      for (;;) {
        const at = reader.ahead(start);
        if (at !== undefined) ahead = this.#requestPage(path, at, signal);
        const { res } = await current.response;
        const page = this.#parse('GET', path, res, parseListPage(res.body));
        const ids: string[] = [];
        for (const raw of page.resources) {
          const item = this.#parse('GET', path, res, parse(raw));
          items.push(item);
          ids.push(item.id);
        }
        const verdict = reader.observe(start, ids, page);
        if (verdict.kind === 'done') return items;
        if (verdict.kind === 'incomplete') throw readIncomplete('GET', path, verdict.problem, verdict.fix);
        start = verdict.startIndex;
        if (ahead?.start === start) {
          current = ahead;
        } else {
          ahead?.discard();
          current = this.#requestPage(path, start, signal);
        }
        ahead = undefined;
      }
    } finally {
      ahead?.discard();
    }
  }

  /** The list page at `start`, requested now; `discard` aborts it (unsent if still waiting for the budget) and ignores its outcome. */
  #requestPage(path: string, start: number, signal: AbortSignal | undefined): PageRequest {
    const stop = new AbortController();
    const response = this.#get(path, this.profile.listQuery(start), [200], signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
    // Handled from the start: a page requested ahead may fail before the loop awaits it (and then still throws there).
    response.catch(() => undefined);
    return { start, response, discard: () => stop.abort() };
  }

  async #get(path: string, query: string | undefined, ok: readonly number[], signal: AbortSignal | undefined): Promise<{ res: HttpResponse }> {
    const r = await this.http.exchange<never>({ method: 'GET', path, ...(query === undefined ? {} : { query }) }, { ok, signal });
    if (!('res' in r)) throw new Error('unreachable: a GET is never recovered');
    return r;
  }

  #parse<T>(method: string, path: string, res: HttpResponse, parsed: T | string): T {
    if (typeof parsed === 'string') throw invalidResponse(method, path, res.status, parsed);
    return parsed;
  }

  /**
   * POST a new resource without ever duplicating it: after an ambiguous failure (the create may have
   * happened) or a conflict (it exists already), the existing object is looked up and returned instead.
   */
  async #createOrFind<T>(
    path: '/Users' | '/Groups',
    body: JsonObject,
    lookup: () => Promise<T | undefined>,
    signal: AbortSignal | undefined,
  ): Promise<{ found: T } | { created: HttpResponse }> {
    const r = await this.http.exchange({ method: 'POST', path, body }, { ok: [...this.profile.createdStatuses, 400, 409], signal, recover: lookup });
    if ('recovered' in r) return { found: r.recovered };
    if (isConflict(r.res)) {
      const existing = await lookup();
      if (existing) return { found: existing };
      throw this.#error('POST', path, r.res);
    }
    if (r.res.status === 400) throw this.#error('POST', path, r.res);
    return { created: r.res };
  }

  #error(method: string, path: string, res: HttpResponse): TargetError {
    return httpError(method, path, res.status, readErrorBody(res.body, res.text), this.token, 1);
  }

  #createdUser(res: HttpResponse, attrs: UserAttributes): TargetUser {
    const id = this.profile.createdUserId(res.body, res.location, attrs);
    if (id === undefined) throw invalidResponse('POST', '/Users', res.status, 'no id in the body and no Location header');
    const parsed = parseUser(res.body, this.profile.normalizeId);
    const fromBody = typeof parsed === 'string' ? undefined : parsed;
    return {
      id: this.profile.normalizeId(id),
      userName: attrs.userName.toLowerCase(),
      givenName: fromBody ? fromBody.givenName : attrs.givenName,
      familyName: fromBody ? fromBody.familyName : attrs.familyName,
      active: fromBody?.active ?? true,
      ...(attrs.externalId === undefined ? {} : { externalId: attrs.externalId }),
    };
  }

  async #findGroupByDisplayName(displayName: string, signal: AbortSignal | undefined): Promise<TargetGroup | undefined> {
    // Amplitude documents no filter on /Groups: list them (members are embedded) and match by name.
    const wanted = displayName.toLowerCase();
    const groups = await this.#list('/Groups', (raw) => parseGroup(raw, this.profile.normalizeId), signal);
    return groups.find((g) => g.displayName.toLowerCase() === wanted);
  }
}

/** A list page in flight. */
interface PageRequest {
  readonly start: number;
  readonly response: Promise<{ res: HttpResponse }>;
  discard(): void;
}

function userPath(id: string): string {
  return `/Users/${idSegment(id)}`;
}

/** 409, or the 400 `uniqueness` some servers send for a duplicate. */
function isConflict(res: HttpResponse): boolean {
  return res.status === 409 || (res.status === 400 && readErrorBody(res.body, res.text).scimType === 'uniqueness');
}
