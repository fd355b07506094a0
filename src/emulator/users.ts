import { matches, parseFilter, simpleEquality } from './filter.js';
import { scimError, type Reply } from './http.js';
import { listPage } from './paging.js';
import { etagOf, ghostUser, renderUser, userAttr, USER_FILTER_ATTRS, type Ctx } from './render.js';
import type { EmailValue, UserRec } from './store.js';
import { changedEmail, changesFromPatch, changesFromResource, EMAIL_RE, primaryOf, type UserChanges } from './user-changes.js';

/** A parsed SCIM request as the route handlers see it. */
export interface ScimRequest {
  readonly id: string | undefined;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | undefined;
  readonly ifMatch: string | undefined;
}

export function listUsers(ctx: Ctx, req: ScimRequest): Reply {
  const filterText = req.query.get('filter');
  let all: readonly UserRec[];
  if (filterText !== null && filterText.trim() !== '') {
    const node = parseFilter(filterText, USER_FILTER_ATTRS);
    const eq = simpleEquality(node, 'username');
    if (eq !== undefined) {
      const u = ctx.store.findUserByName(eq);
      all = u ? [u] : [];
    } else {
      all = ctx.store.orderedUsers().filter((u) => matches(node, (a) => userAttr(u, a)));
    }
  } else {
    all = ctx.store.orderedUsers();
  }
  const body = listPage(
    ctx,
    req.query,
    all,
    (u) => renderUser(ctx, u, false),
    (n) => ghostUser(ctx, n),
  );
  return { status: 200, body };
}

function mustFind(ctx: Ctx, id: string | undefined): UserRec {
  const u = id === undefined ? undefined : ctx.store.findUser(id);
  if (!u) throw scimError(404, `user ${JSON.stringify(id ?? '')} not found`);
  return u;
}

/** RFC 7644 §3.14: a stale If-Match is 412 (rfc profile with ETags on). */
function checkIfMatch(ctx: Ctx, req: ScimRequest, version: number): void {
  if (ctx.profile !== 'rfc' || !ctx.etag || req.ifMatch === undefined) return;
  const tags = req.ifMatch.split(',').map((t) => t.trim());
  if (!tags.includes('*') && !tags.includes(etagOf(version))) {
    throw scimError(412, `If-Match ${req.ifMatch} does not match the current version ${etagOf(version)}`);
  }
}

function single(ctx: Ctx, u: UserRec, status: number, extra: Record<string, string> = {}): Reply {
  const headers = ctx.profile === 'rfc' && ctx.etag ? { etag: etagOf(u.version), ...extra } : extra;
  return { status, body: renderUser(ctx, u, true), headers };
}

export function getUser(ctx: Ctx, req: ScimRequest): Reply {
  return single(ctx, mustFind(ctx, req.id), 200);
}

function requireBody(req: ScimRequest): Record<string, unknown> {
  if (req.body === undefined) throw scimError(400, 'a JSON body is required', 'invalidSyntax');
  return req.body;
}

export function createUser(ctx: Ctx, req: ScimRequest): Reply {
  const body = requireBody(req);
  const c = changesFromResource(body);
  const userName = c.userName?.trim();
  if (!userName) throw scimError(400, 'userName is required', 'invalidValue');
  if (ctx.store.findUserByName(userName)) throw scimError(409, `user ${userName} already exists`, 'uniqueness');
  if (ctx.profile === 'amplitude') {
    const email = userName.toLowerCase();
    if (!EMAIL_RE.test(email)) throw scimError(400, `userName ${JSON.stringify(userName)} is not a valid email`, 'invalidValue');
    if (c.id !== undefined && c.id.toLowerCase() !== email) throw scimError(400, 'id must equal userName', 'invalidValue');
    const sent = changedEmail(c);
    if (sent !== undefined && sent.toLowerCase() !== email) {
      throw scimError(400, 'the email must equal userName (one email per user)', 'invalidValue');
    }
    const u = ctx.store.addUser({ userName: email, givenName: c.givenName ?? null, familyName: c.familyName ?? null, pending: true });
    ctx.store.event('invite', u.userName);
    ctx.onWrite();
    // Amplitude answers with the request body, completed with the id, active and groups.
    return { status: 201, body: { ...body, id: u.id, userName: u.userName, active: true, groups: [] } };
  }
  const u = ctx.store.addUser({
    userName,
    // A user created without emails gets its userName as the one email (a server may complete a POST).
    emails: withEmail(c.emails ?? [{ value: userName.toLowerCase(), primary: true }], c.email),
    givenName: c.givenName ?? null,
    familyName: c.familyName ?? null,
    active: c.active ?? true,
    pending: false,
    externalId: c.externalId ?? undefined,
  });
  ctx.store.event('create', u.userName);
  ctx.onWrite();
  return single(ctx, u, 201, { location: `${ctx.baseUrl}Users/${u.id}` });
}

/** `value` (an `emails.value` path) set on the primary (else first) email, or as the only one. */
function withEmail(list: EmailValue[], value: string | undefined): EmailValue[] {
  if (value === undefined) return list;
  const target = list.find((e) => e.primary === true) ?? list[0];
  if (!target) return [{ value, primary: true }];
  return list.map((e) => (e === target ? { ...e, value } : e));
}

/**
 * The rfc user's emails after a change: the list (replaced or kept), then added values. RFC 7644 §3.5.2: a value
 * that arrives as primary makes every other value non-primary.
 */
function mergeEmails(list: EmailValue[], added: EmailValue[] | undefined, value: string | undefined): EmailValue[] {
  let out = withEmail(list, value);
  if (added && added.length > 0) {
    if (added.some((e) => e.primary === true)) out = out.map((e) => (e.primary === true ? { ...e, primary: false } : e));
    out = [...out, ...added];
  }
  return out;
}

/** Amplitude: id, userName and email are immutable. */
function checkImmutable(ctx: Ctx, u: UserRec, c: UserChanges): void {
  if (c.id !== undefined && c.id !== u.id && !(ctx.profile === 'amplitude' && c.id.toLowerCase() === u.id)) {
    throw scimError(400, 'id cannot be changed', 'mutability');
  }
  if (ctx.profile !== 'amplitude') return;
  if (c.userName !== undefined && c.userName.toLowerCase() !== u.userName) {
    throw scimError(400, 'userName (the email) cannot be changed; delete the user and create the new email', 'mutability');
  }
  const email = changedEmail(c);
  if (email !== undefined && email.toLowerCase() !== primaryOf(u.emails)) {
    throw scimError(400, 'the email cannot be changed; delete the user and create the new email', 'mutability');
  }
}

/**
 * Applies changes with each profile's semantics. Amplitude has no suspended state: active:false removes
 * the user (and revokes a pending invite). The rfc profile keeps it with active:false.
 */
function applyChanges(ctx: Ctx, u: UserRec, c: UserChanges): void {
  checkImmutable(ctx, u, c);
  const store = ctx.store;
  if (ctx.profile === 'rfc' && c.userName !== undefined && c.userName.toLowerCase() !== u.userName.toLowerCase()) {
    if (!c.userName.trim()) throw scimError(400, 'userName cannot be empty', 'invalidValue');
    if (store.findUserByName(c.userName)) throw scimError(409, `user ${c.userName} already exists`, 'uniqueness');
    store.renameUser(u, c.userName);
  } else if (ctx.profile === 'rfc' && c.userName !== undefined) {
    store.renameUser(u, c.userName);
  }
  if (ctx.profile === 'rfc') u.emails = mergeEmails(c.emails ?? u.emails, c.addEmails, c.email);
  if (c.givenName !== undefined) u.givenName = c.givenName;
  if (c.familyName !== undefined) u.familyName = c.familyName;
  if (ctx.profile === 'rfc' && c.externalId !== undefined) u.externalId = c.externalId ?? undefined;
  store.touchUser(u);
  if (c.active === false && ctx.profile === 'amplitude') {
    u.active = false;
    store.event(u.pending ? 'revoke' : 'remove', u.userName);
    store.removeUser(u);
  } else if (c.active === null && ctx.profile === 'rfc') {
    u.active = undefined;
    store.event('update', u.userName);
  } else if (typeof c.active === 'boolean' && c.active !== u.active) {
    u.active = c.active;
    store.event(c.active ? 'activate' : 'deactivate', u.userName);
  } else {
    store.event('update', u.userName);
  }
  ctx.onWrite();
}

export function replaceUser(ctx: Ctx, req: ScimRequest): Reply {
  const u = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, u.version);
  const body = requireBody(req);
  const c = changesFromResource(body);
  if (ctx.profile === 'rfc') {
    // A PUT replaces the resource: what it leaves out is cleared.
    if (c.userName === undefined) throw scimError(400, 'userName is required', 'invalidValue');
    c.givenName ??= null;
    c.familyName ??= null;
    c.externalId ??= null;
    c.emails ??= [];
    c.active ??= true;
  }
  applyChanges(ctx, u, c);
  // Amplitude answers with the original request body.
  if (ctx.profile === 'amplitude') return { status: 200, body };
  return single(ctx, u, 200);
}

export function patchUser(ctx: Ctx, req: ScimRequest): Reply {
  const u = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, u.version);
  applyChanges(ctx, u, changesFromPatch(requireBody(req), ctx.profile));
  return single(ctx, u, 200);
}

export function deleteUser(ctx: Ctx, req: ScimRequest): Reply {
  const u = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, u.version);
  ctx.store.event(ctx.profile === 'rfc' ? 'delete' : u.pending ? 'revoke' : 'remove', u.userName);
  ctx.store.removeUser(u, ctx.quirks.keepsDeletedMembers);
  ctx.onWrite();
  return { status: 204 };
}
