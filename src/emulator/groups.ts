import { matches, parseFilter } from './filter.js';
import { scimError, type Reply } from './http.js';
import { listPage } from './paging.js';
import { etagOf, ghostGroup, groupAttr, GROUP_FILTER_ATTRS, renderGroup, type Ctx } from './render.js';
import type { GroupRec } from './store.js';
import { EMAIL_RE } from './user-changes.js';
import type { ScimRequest } from './users.js';

export function listGroups(ctx: Ctx, req: ScimRequest): Reply {
  const filterText = req.query.get('filter');
  let all = ctx.store.orderedGroups();
  if (filterText !== null && filterText.trim() !== '') {
    const node = parseFilter(filterText, GROUP_FILTER_ATTRS);
    all = all.filter((g) => matches(node, (a) => groupAttr(g, a)));
  }
  // Entra asks for groups without their members.
  const excluded = (req.query.get('excludedAttributes') ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
  const members = !excluded.includes('members');
  const body = listPage(
    ctx,
    req.query,
    all,
    (g) => renderGroup(ctx, g, { numericId: true, members }),
    (n) => ghostGroup(ctx, n),
  );
  return { status: 200, body };
}

export function mustFind(ctx: Ctx, id: string | undefined): GroupRec {
  // Amplitude group ids are integers: anything else cannot name a group.
  const ok = id !== undefined && (ctx.profile === 'rfc' || /^\d+$/.test(id));
  const g = ok ? ctx.store.groups.get(ctx.profile === 'amplitude' ? String(Number(id)) : id) : undefined;
  if (!g) throw scimError(404, `group ${JSON.stringify(id ?? '')} not found`);
  return g;
}

export function checkIfMatch(ctx: Ctx, req: ScimRequest, g: GroupRec): void {
  if (ctx.profile !== 'rfc' || !ctx.etag || req.ifMatch === undefined) return;
  const tags = req.ifMatch.split(',').map((t) => t.trim());
  if (!tags.includes('*') && !tags.includes(etagOf(g.version))) {
    throw scimError(412, `If-Match ${req.ifMatch} does not match the current version ${etagOf(g.version)}`);
  }
}

export function single(ctx: Ctx, g: GroupRec, status: number, numericId: boolean, extra: Record<string, string> = {}): Reply {
  const headers = ctx.profile === 'rfc' && ctx.etag ? { etag: etagOf(g.version), ...extra } : extra;
  return { status, body: renderGroup(ctx, g, { numericId, members: true }), headers };
}

export function getGroup(ctx: Ctx, req: ScimRequest): Reply {
  return single(ctx, mustFind(ctx, req.id), 200, false);
}

/** Member values of a request: `[{value}]` objects. */
export function memberValues(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw scimError(400, 'members must be an array of {"value": ...}', 'invalidValue');
  return v.map((m: unknown) => {
    const value = (m as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value === '') throw scimError(400, 'each member needs a string value', 'invalidValue');
    return value;
  });
}

/**
 * Resolves a member value to a user id. Amplitude members are emails and an unknown one is invited (it is
 * created at commit, so a failing PATCH invites nobody); rfc members must be existing user ids.
 */
export function resolveMember(ctx: Ctx, value: string, invites: Set<string> | undefined): string | undefined {
  if (ctx.profile === 'rfc') {
    if (ctx.store.users.has(value)) return value;
    if (invites) throw scimError(400, `member ${JSON.stringify(value)} is not a user id`, 'invalidValue');
    return undefined;
  }
  const email = value.toLowerCase();
  if (ctx.store.users.has(email)) return email;
  if (!invites) return undefined;
  if (!EMAIL_RE.test(email)) throw scimError(400, `member ${JSON.stringify(value)} is not a valid email`, 'invalidValue');
  invites.add(email);
  return email;
}

export function commitInvites(ctx: Ctx, invites: Set<string>): void {
  for (const email of invites) {
    if (ctx.store.users.has(email)) continue;
    ctx.store.addUser({ userName: email, givenName: null, familyName: null, pending: true });
    ctx.store.event('invite', email);
  }
}

export function requireName(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw scimError(400, 'displayName is required', 'invalidValue');
  return v;
}

export function checkNameFree(ctx: Ctx, name: string, self?: GroupRec): void {
  if (ctx.profile !== 'rfc') return;
  const other = ctx.store.groupsByName.get(name.toLowerCase());
  if (other && other !== self) throw scimError(409, `group ${JSON.stringify(name)} already exists`, 'uniqueness');
}

export function createGroup(ctx: Ctx, req: ScimRequest): Reply {
  if (req.body === undefined) throw scimError(400, 'a JSON body is required', 'invalidSyntax');
  const displayName = requireName(req.body.displayName);
  checkNameFree(ctx, displayName);
  const invites = new Set<string>();
  const ids = memberValues(req.body.members).map((v) => resolveMember(ctx, v, invites) as string);
  const externalId = externalIdOf(ctx, req.body.externalId);
  commitInvites(ctx, invites);
  const g = ctx.store.addGroup(displayName, ids, undefined, externalId ?? undefined);
  ctx.onWrite();
  // Amplitude answers 200 (not 201) with a numeric id.
  if (ctx.profile === 'amplitude') return single(ctx, g, 200, true);
  return single(ctx, g, 201, false, { location: `${ctx.baseUrl}Groups/${g.id}` });
}

/**
 * A group's externalId (rfc: RFC 7643 §3.1 gives every resource one, set by the client); Amplitude documents
 * none and ignores it. null: none.
 */
export function externalIdOf(ctx: Ctx, v: unknown): string | null | undefined {
  if (ctx.profile !== 'rfc' || v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') throw scimError(400, 'externalId must be a string', 'invalidValue');
  return v;
}

/**
 * PUT /Groups/{id} (rfc; RFC 7644 §3.5.1): replaces displayName, members and externalId; what the body leaves
 * out is cleared. Amplitude documents no PUT on groups: 405 there.
 */
export function replaceGroup(ctx: Ctx, req: ScimRequest): Reply {
  const g = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, g);
  if (req.body === undefined) throw scimError(400, 'a JSON body is required', 'invalidSyntax');
  if (req.body.id !== undefined && String(req.body.id) !== g.id) throw scimError(400, 'id cannot be changed', 'mutability');
  const displayName = requireName(req.body.displayName);
  const ids = memberValues(req.body.members).map((v) => resolveMember(ctx, v, new Set()) as string);
  const externalId = externalIdOf(ctx, req.body.externalId ?? null);
  checkNameFree(ctx, displayName, g);
  if (displayName !== g.displayName) ctx.store.renameGroup(g, displayName);
  g.externalId = externalId ?? undefined;
  ctx.store.setMembers(g, ids);
  ctx.store.touchGroup(g);
  ctx.onWrite();
  return single(ctx, g, 200, false);
}

export function deleteGroup(ctx: Ctx, req: ScimRequest): Reply {
  const g = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, g);
  ctx.store.removeGroup(g);
  ctx.onWrite();
  return { status: 204 };
}
