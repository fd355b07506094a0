import { matches, parseFilter } from './filter.js';
import { scimError, type Reply } from './http.js';
import { listResponse, readPage } from './paging.js';
import { etagOf, groupAttr, GROUP_FILTER_ATTRS, renderGroup, type Ctx } from './render.js';
import type { GroupRec } from './store.js';
import { EMAIL_RE } from './user-changes.js';
import type { ScimRequest } from './users.js';

const GROUP_URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:group:/i;
const MEMBER_FILTER_PATH = /^members\[\s*value\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]$/i;

export function listGroups(ctx: Ctx, req: ScimRequest): Reply {
  const page = readPage(req.query, ctx.profile);
  const filterText = req.query.get('filter');
  let all = ctx.store.orderedGroups();
  if (filterText !== null && filterText.trim() !== '') {
    const node = parseFilter(filterText, GROUP_FILTER_ATTRS);
    all = all.filter((g) => matches(node, (a) => groupAttr(g, a)));
  }
  // Entra asks for groups without their members.
  const excluded = (req.query.get('excludedAttributes') ?? '').toLowerCase().split(',').map((s) => s.trim());
  const members = !excluded.includes('members');
  const slice = all.slice(page.offset, page.offset + page.size).map((g) => renderGroup(ctx, g, { numericId: true, members }));
  return { status: 200, body: listResponse(ctx.profile, page, all.length, slice) };
}

function mustFind(ctx: Ctx, id: string | undefined): GroupRec {
  // Amplitude group ids are integers: anything else cannot name a group.
  const ok = id !== undefined && (ctx.profile === 'rfc' || /^\d+$/.test(id));
  const g = ok ? ctx.store.groups.get(ctx.profile === 'amplitude' ? String(Number(id)) : id) : undefined;
  if (!g) throw scimError(404, `group ${JSON.stringify(id ?? '')} not found`);
  return g;
}

function checkIfMatch(ctx: Ctx, req: ScimRequest, g: GroupRec): void {
  if (ctx.profile !== 'rfc' || !ctx.etag || req.ifMatch === undefined) return;
  const tags = req.ifMatch.split(',').map((t) => t.trim());
  if (!tags.includes('*') && !tags.includes(etagOf(g.version))) {
    throw scimError(412, `If-Match ${req.ifMatch} does not match the current version ${etagOf(g.version)}`);
  }
}

function single(ctx: Ctx, g: GroupRec, status: number, numericId: boolean, extra: Record<string, string> = {}): Reply {
  const headers = ctx.profile === 'rfc' && ctx.etag ? { etag: etagOf(g.version), ...extra } : extra;
  return { status, body: renderGroup(ctx, g, { numericId, members: true }), headers };
}

export function getGroup(ctx: Ctx, req: ScimRequest): Reply {
  return single(ctx, mustFind(ctx, req.id), 200, false);
}

/** Member values of a request: `[{value}]` objects. */
function memberValues(v: unknown): string[] {
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
function resolveMember(ctx: Ctx, value: string, invites: Set<string> | undefined): string | undefined {
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

function commitInvites(ctx: Ctx, invites: Set<string>): void {
  for (const email of invites) {
    if (ctx.store.users.has(email)) continue;
    ctx.store.addUser({ userName: email, givenName: null, familyName: null, pending: true });
    ctx.store.event('invite', email);
  }
}

function requireName(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw scimError(400, 'displayName is required', 'invalidValue');
  return v;
}

function checkNameFree(ctx: Ctx, name: string, self?: GroupRec): void {
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
  commitInvites(ctx, invites);
  const g = ctx.store.addGroup(displayName, ids);
  ctx.onWrite();
  // Amplitude answers 200 (not 201) with a numeric id.
  if (ctx.profile === 'amplitude') return single(ctx, g, 200, true);
  return single(ctx, g, 201, false, { location: `${ctx.baseUrl}Groups/${g.id}` });
}

export function patchGroup(ctx: Ctx, req: ScimRequest): Reply {
  const g = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, g);
  const ops = req.body?.Operations;
  if (!Array.isArray(ops)) throw scimError(400, 'PATCH body must be a PatchOp with an Operations array', 'invalidSyntax');
  // Work on a copy: if any operation fails, the group is unchanged (RFC 7644 §3.5.2).
  const members = new Set(g.members);
  const invites = new Set<string>();
  let displayName = g.displayName;
  let named = 0;
  const add = (values: string[]): void => {
    named += values.length;
    for (const v of values) members.add(resolveMember(ctx, v, invites) as string);
  };
  const remove = (values: string[]): void => {
    named += values.length;
    for (const v of values) {
      const id = resolveMember(ctx, v, undefined);
      if (id !== undefined) members.delete(id);
    }
  };
  for (const raw of ops as unknown[]) {
    const op = (raw ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
    const kind = typeof op.op === 'string' ? op.op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      throw scimError(400, `unknown PATCH op ${JSON.stringify(op.op)}; use add, replace or remove`, 'invalidSyntax');
    }
    const rawPath = typeof op.path === 'string' ? op.path.trim().replace(GROUP_URN_PREFIX, '') : '';
    const path = rawPath.toLowerCase();
    if (path === '') {
      if (kind === 'remove') throw scimError(400, 'remove needs a path', 'noTarget');
      const v = op.value as Record<string, unknown> | null;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        throw scimError(400, 'an operation without a path needs an object value', 'invalidValue');
      }
      if (v.displayName !== undefined) displayName = requireName(v.displayName);
      if (v.members !== undefined) {
        if (kind === 'replace') members.clear();
        add(memberValues(v.members));
      }
    } else if (path === 'members') {
      const values = memberValues(op.value);
      if (kind === 'add') add(values);
      else if (kind === 'replace') {
        members.clear();
        add(values);
      } else if (values.length === 0) {
        // RFC 7644 §3.5.2.2: remove on a multi-valued attribute with no value or filter removes them all.
        members.clear();
      } else remove(values);
    } else if (MEMBER_FILTER_PATH.test(rawPath)) {
      if (kind !== 'remove') throw scimError(400, `${kind} cannot take a filtered path`, 'invalidPath');
      remove([JSON.parse((MEMBER_FILTER_PATH.exec(rawPath) as RegExpExecArray)[1] as string) as string]);
    } else if (path === 'displayname') {
      if (kind === 'remove') throw scimError(400, 'displayName cannot be removed', 'mutability');
      displayName = requireName(op.value);
    } else {
      throw scimError(400, `unknown or unsupported path ${JSON.stringify(op.path)}`, 'invalidPath');
    }
  }
  if (ctx.maxMembersPerPatch > 0 && named > ctx.maxMembersPerPatch) {
    const detail = `${named} members in one PATCH; at most ${ctx.maxMembersPerPatch} are allowed`;
    throw ctx.profile === 'amplitude' ? scimError(400, detail, 'tooMany') : scimError(413, detail);
  }
  if (displayName !== g.displayName) checkNameFree(ctx, displayName, g);
  commitInvites(ctx, invites);
  if (displayName !== g.displayName) ctx.store.renameGroup(g, displayName);
  ctx.store.setMembers(g, members);
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
