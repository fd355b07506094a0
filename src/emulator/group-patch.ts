import { checkIfMatch, checkNameFree, commitInvites, externalIdOf, memberValues, mustFind, requireName, resolveMember, single } from './groups.js';
import { scimError, type Reply } from './http.js';
import type { Ctx } from './render.js';
import type { ScimRequest } from './users.js';

const GROUP_URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:group:/i;
const MEMBER_FILTER_PATH = /^members\[\s*value\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]$/i;

interface Op {
  kind: 'add' | 'replace' | 'remove';
  path: string;
  rawPath: string;
  value: unknown;
  raw: { op?: unknown; path?: unknown; value?: unknown };
}

function readOps(ops: unknown[]): Op[] {
  return ops.map((raw) => {
    const op = (raw ?? {}) as { op?: unknown; path?: unknown; value?: unknown };
    const kind = typeof op.op === 'string' ? op.op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      throw scimError(400, `unknown PATCH op ${JSON.stringify(op.op)}; use add, replace or remove`, 'invalidSyntax');
    }
    const rawPath = typeof op.path === 'string' ? op.path.trim().replace(GROUP_URN_PREFIX, '') : '';
    return { kind, path: rawPath.toLowerCase(), rawPath, value: op.value, raw: op };
  });
}

/**
 * The order the operations take effect in. RFC 7644 §3.5.2 applies them in sequence: the rfc profile always,
 * and the amplitude profile with the ops-in-order quirk. Otherwise the amplitude profile takes every remove
 * before the adds and replaces (stable within each), as a server that applies a membership change as a set
 * difference does; Amplitude documents add and remove only one at a time, so its order is unknown.
 */
function effectiveOrder(ctx: Ctx, ops: Op[]): Op[] {
  if (ctx.profile === 'rfc' || ctx.quirks.opsInOrder) return ops;
  return [...ops.filter((o) => o.kind === 'remove'), ...ops.filter((o) => o.kind !== 'remove')];
}

export function patchGroup(ctx: Ctx, req: ScimRequest): Reply {
  const g = mustFind(ctx, req.id);
  checkIfMatch(ctx, req, g);
  const raw = req.body?.Operations;
  if (!Array.isArray(raw)) throw scimError(400, 'PATCH body must be a PatchOp with an Operations array', 'invalidSyntax');
  // Work on a copy: if any operation fails, the group is unchanged (RFC 7644 §3.5.2).
  const members = new Set(g.members);
  const invites = new Set<string>();
  let displayName = g.displayName;
  let externalId: string | null | undefined;
  let named = 0;
  const add = (values: string[]): void => {
    named += values.length;
    for (const v of values) members.add(resolveMember(ctx, v, invites) as string);
  };
  const remove = (values: string[]): void => {
    named += values.length;
    // By the id as the group holds it: also drops a member whose user is gone (keeps-deleted-members).
    for (const v of values) members.delete(ctx.profile === 'amplitude' ? v.toLowerCase() : v);
  };
  for (const op of effectiveOrder(ctx, readOps(raw as unknown[]))) {
    const { kind, path, rawPath } = op;
    if (path === '') {
      if (kind === 'remove') throw scimError(400, 'remove needs a path', 'noTarget');
      const v = op.value as Record<string, unknown> | null;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        throw scimError(400, 'an operation without a path needs an object value', 'invalidValue');
      }
      if (v.displayName !== undefined) displayName = requireName(v.displayName);
      if (v.externalId !== undefined) externalId = externalIdOf(ctx, v.externalId);
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
    } else if (path === 'externalid' && ctx.profile === 'rfc') {
      externalId = kind === 'remove' ? null : externalIdOf(ctx, op.value);
    } else {
      throw scimError(400, `unknown or unsupported path ${JSON.stringify(op.raw.path)}`, 'invalidPath');
    }
  }
  if (ctx.maxMembersPerPatch > 0 && named > ctx.maxMembersPerPatch) {
    const detail = `${named} members in one PATCH; at most ${ctx.maxMembersPerPatch} are allowed`;
    throw ctx.profile === 'amplitude' ? scimError(400, detail, 'tooMany') : scimError(413, detail);
  }
  if (displayName !== g.displayName) checkNameFree(ctx, displayName, g);
  commitInvites(ctx, invites);
  if (displayName !== g.displayName) ctx.store.renameGroup(g, displayName);
  if (externalId !== undefined) g.externalId = externalId ?? undefined;
  ctx.store.setMembers(g, members);
  ctx.store.touchGroup(g);
  ctx.onWrite();
  return single(ctx, g, 200, false);
}
