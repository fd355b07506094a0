import { scimError } from './http.js';
import type { EmulatorProfile } from './types.js';

/** Attribute changes a PUT, a PatchOp or a full-body PATCH asks for; absent = untouched. */
export interface UserChanges {
  id?: string;
  userName?: string;
  email?: string;
  givenName?: string | null;
  familyName?: string | null;
  active?: boolean;
  externalId?: string | null;
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:user:/i;

/** Booleans as JSON or as the strings Entra sends ("True"/"False"). */
export function toBool(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw scimError(400, `${what} must be a boolean, got ${JSON.stringify(v)}`, 'invalidValue');
}

function toStr(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  throw scimError(400, `${what} must be a string`, 'invalidValue');
}

function nullableStr(v: unknown, what: string): string | null {
  return v === null || v === undefined ? null : toStr(v, what);
}

/** The primary (else first) email of an `emails` array. */
function primaryEmail(v: unknown): string | undefined {
  if (!Array.isArray(v)) throw scimError(400, 'emails must be an array', 'invalidValue');
  const list = v as { value?: unknown; primary?: unknown }[];
  const pick = list.find((e) => e?.primary === true) ?? list[0];
  if (pick === undefined) return undefined;
  return toStr(pick.value, 'emails.value');
}

/**
 * Reads the attributes of a whole User body (PUT, POST, the Postman-style full-body PATCH). With
 * `replace`, a `name` object replaces both parts (a missing part becomes null).
 */
export function changesFromResource(body: Record<string, unknown>): UserChanges {
  const c: UserChanges = {};
  if (body.id !== undefined) c.id = toStr(body.id, 'id');
  if (body.userName !== undefined) c.userName = toStr(body.userName, 'userName');
  if (body.emails !== undefined) {
    const e = primaryEmail(body.emails);
    if (e !== undefined) c.email = e;
  }
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== 'object') throw scimError(400, 'name must be an object', 'invalidValue');
    const n = body.name as Record<string, unknown>;
    c.givenName = nullableStr(n.givenName, 'name.givenName');
    c.familyName = nullableStr(n.familyName, 'name.familyName');
  }
  if (body.active !== undefined) c.active = toBool(body.active, 'active');
  if (body.externalId !== undefined) c.externalId = nullableStr(body.externalId, 'externalId');
  return c;
}

/** Applies one attribute (by lower-cased path) of a PatchOp to `c`; false when the path is unknown. */
function setPath(c: UserChanges, path: string, value: unknown, remove: boolean): boolean {
  switch (path) {
    case 'active':
      if (remove) throw scimError(400, 'active cannot be removed', 'mutability');
      c.active = toBool(value, 'active');
      return true;
    case 'name.givenname':
      c.givenName = remove ? null : nullableStr(value, 'name.givenName');
      return true;
    case 'name.familyname':
      c.familyName = remove ? null : nullableStr(value, 'name.familyName');
      return true;
    case 'name': {
      if (remove || value === null) {
        c.givenName = null;
        c.familyName = null;
        return true;
      }
      if (typeof value !== 'object') throw scimError(400, 'name must be an object', 'invalidValue');
      const n = value as Record<string, unknown>;
      if ('givenName' in n) c.givenName = nullableStr(n.givenName, 'name.givenName');
      if ('familyName' in n) c.familyName = nullableStr(n.familyName, 'name.familyName');
      return true;
    }
    case 'username':
      if (remove) throw scimError(400, 'userName cannot be removed', 'mutability');
      c.userName = toStr(value, 'userName');
      return true;
    case 'id':
      c.id = toStr(value, 'id');
      return true;
    case 'emails': {
      if (remove) throw scimError(400, 'emails cannot be removed', 'mutability');
      const e = primaryEmail(value);
      if (e !== undefined) c.email = e;
      return true;
    }
    case 'emails.value':
    case 'emails[primary eq true].value':
    case 'emails[type eq "work"].value':
      c.email = toStr(value, 'emails.value');
      return true;
    case 'externalid':
      c.externalId = remove ? null : nullableStr(value, 'externalId');
      return true;
    default:
      return false;
  }
}

/**
 * Turns a PATCH body into changes. Accepts a PatchOp with the Okta form (path-less replace of a value
 * object), the Entra form (`Replace` + path, string booleans, dotted keys), and a full User body.
 * Unknown attributes are ignored by Amplitude (it documents only a few) and refused by the rfc profile.
 */
export function changesFromPatch(body: Record<string, unknown>, profile: EmulatorProfile): UserChanges {
  if (!Array.isArray(body.Operations)) {
    if (profile === 'rfc') throw scimError(400, 'PATCH body must be a PatchOp with an Operations array', 'invalidSyntax');
    return changesFromResource(body);
  }
  const c: UserChanges = {};
  for (const raw of body.Operations as unknown[]) {
    if (raw === null || typeof raw !== 'object') throw scimError(400, 'each operation must be an object', 'invalidSyntax');
    const op = raw as { op?: unknown; path?: unknown; value?: unknown };
    const kind = typeof op.op === 'string' ? op.op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      throw scimError(400, `unknown PATCH op ${JSON.stringify(op.op)}; use add, replace or remove`, 'invalidSyntax');
    }
    if (op.path === undefined || op.path === null || op.path === '') {
      if (kind === 'remove') throw scimError(400, 'remove needs a path', 'noTarget');
      if (op.value === null || typeof op.value !== 'object' || Array.isArray(op.value)) {
        throw scimError(400, 'an operation without a path needs an object value', 'invalidValue');
      }
      for (const [key, v] of Object.entries(op.value as Record<string, unknown>)) {
        const path = key.replace(URN_PREFIX, '').toLowerCase();
        if (!setPath(c, path, v, false) && profile === 'rfc' && !IGNORED.has(path)) {
          throw scimError(400, `unknown attribute "${key}"`, 'invalidPath');
        }
      }
      continue;
    }
    const path = toStr(op.path, 'path').replace(URN_PREFIX, '').toLowerCase();
    if (!setPath(c, path, op.value, kind === 'remove') && profile === 'rfc' && !IGNORED.has(path)) {
      throw scimError(400, `unknown or unsupported path "${String(op.path)}"`, 'invalidPath');
    }
  }
  return c;
}

/** Attributes IdPs send that the emulator accepts and drops. */
const IGNORED = new Set(['schemas', 'meta', 'displayname', 'locale', 'title', 'groups', 'password', 'nickname']);
