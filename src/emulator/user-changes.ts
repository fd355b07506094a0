import { scimError } from './http.js';
import type { EmailValue } from './store.js';
import type { EmulatorProfile } from './types.js';

/** Attribute changes a PUT, a PatchOp or a full-body PATCH asks for; absent = untouched. */
export interface UserChanges {
  id?: string;
  userName?: string;
  /** The whole `emails` list ([] = removed). */
  emails?: EmailValue[];
  /** `add` of emails: appended to the list. */
  addEmails?: EmailValue[];
  /** The value of the primary (else first) email (`emails.value` paths). */
  email?: string;
  givenName?: string | null;
  familyName?: string | null;
  /** null: removed (unassigned). */
  active?: boolean | null;
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

/** An `emails` array as sent, kept as such (type, and primary even when false: RFC 7643 §4.1.2). */
function emailList(v: unknown): EmailValue[] {
  // A single email object is accepted as a one-value list (RFC 7644 §3.5.2.1 allows it for add).
  const list = Array.isArray(v) ? (v as unknown[]) : v !== null && typeof v === 'object' ? [v] : undefined;
  if (list === undefined) throw scimError(400, 'emails must be an array of {"value": ...}', 'invalidValue');
  const out = list.map((raw): EmailValue => {
    if (raw === null || typeof raw !== 'object') throw scimError(400, 'each email must be an object', 'invalidValue');
    const e = raw as { value?: unknown; type?: unknown; primary?: unknown };
    const item: EmailValue = { value: toStr(e.value, 'emails.value') };
    if (e.type !== undefined && e.type !== null) item.type = toStr(e.type, 'emails.type');
    if (e.primary !== undefined && e.primary !== null) item.primary = toBool(e.primary, 'emails.primary');
    return item;
  });
  // RFC 7643 §2.4: the primary value "true" MUST appear no more than once.
  if (out.filter((e) => e.primary === true).length > 1) throw scimError(400, 'at most one email may be primary', 'invalidValue');
  return out;
}

/** The primary (else first) value of an email list. */
export function primaryOf(list: readonly EmailValue[]): string | undefined {
  return (list.find((e) => e.primary === true) ?? list[0])?.value;
}

/** The email a change sets as the user's main one, if it sets one. */
export function changedEmail(c: UserChanges): string | undefined {
  return c.email ?? (c.emails ? primaryOf(c.emails) : undefined);
}

/**
 * Reads the attributes of a whole User body (PUT, POST, the Postman-style full-body PATCH). With
 * `replace`, a `name` object replaces both parts (a missing part becomes null).
 */
export function changesFromResource(body: Record<string, unknown>): UserChanges {
  const c: UserChanges = {};
  if (body.id !== undefined) c.id = toStr(body.id, 'id');
  if (body.userName !== undefined) c.userName = toStr(body.userName, 'userName');
  if (body.emails !== undefined && body.emails !== null) c.emails = emailList(body.emails);
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

/**
 * Removing an attribute. RFC 7644 §3.5.2.2: the attribute becomes unassigned, and only a *required* or
 * *readOnly* one answers an error, with scimType "mutability". `active` and `emails` are neither in RFC 7643
 * §4.1 (nor in this emulator's /Schemas), so the rfc profile removes them. Amplitude cannot: a user there is
 * its email (immutable, "You can't change the email address") and has no state without `active`, so it keeps
 * answering 400 mutability, the code the RFC gives for an attribute whose current state forbids the change.
 */
function removable(profile: EmulatorProfile, attr: string): void {
  if (profile === 'amplitude') throw scimError(400, `${attr} cannot be removed`, 'mutability');
}

/** Applies one attribute (by lower-cased path) of a PatchOp to `c`; false when the path is unknown. */
function setPath(c: UserChanges, path: string, value: unknown, kind: 'add' | 'replace' | 'remove', profile: EmulatorProfile): boolean {
  const remove = kind === 'remove';
  switch (path) {
    case 'active':
      if (remove) removable(profile, 'active');
      c.active = remove ? null : toBool(value, 'active');
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
      if (remove) removable(profile, 'emails');
      const list = remove ? [] : emailList(value);
      if (kind === 'add' && profile === 'rfc') {
        // RFC 7644 §3.5.2.1: add on a multi-valued attribute adds values (after a replace in the same PATCH, to it).
        if (c.emails) c.emails.push(...list);
        else (c.addEmails ??= []).push(...list);
      } else {
        c.emails = list;
        delete c.addEmails;
      }
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
        if (!setPath(c, path, v, kind, profile) && profile === 'rfc' && !IGNORED.has(path)) {
          throw scimError(400, `unknown attribute "${key}"`, 'invalidPath');
        }
      }
      continue;
    }
    const path = toStr(op.path, 'path').replace(URN_PREFIX, '').toLowerCase();
    if (!setPath(c, path, op.value, kind, profile) && profile === 'rfc' && !IGNORED.has(path)) {
      throw scimError(400, `unknown or unsupported path "${String(op.path)}"`, 'invalidPath');
    }
  }
  return c;
}

/** Attributes IdPs send that the emulator accepts and drops. */
const IGNORED = new Set(['schemas', 'meta', 'displayname', 'locale', 'title', 'groups', 'password', 'nickname']);
