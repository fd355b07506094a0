import type { UserAttributes } from '../../model/index.js';
import { SCHEMA, type JsonObject } from './types.js';

/** Pieces both profiles build the same way. Pure. */

export function nameOf(attrs: UserAttributes): JsonObject {
  return { givenName: attrs.givenName, familyName: attrs.familyName };
}

export function emailsOf(attrs: UserAttributes): JsonObject[] {
  return [{ value: attrs.userName, primary: true }];
}

/** A string literal inside a SCIM filter: double-quoted, with `\` and `"` escaped (RFC 7644 §3.4.2.2). */
export function filterLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function userNameFilterQuery(userName: string): string {
  return `filter=${encodeURIComponent(`userName eq ${filterLiteral(userName)}`)}`;
}

export function addMembersOp(add: readonly string[]): JsonObject {
  return { op: 'add', path: 'members', value: add.map((value) => ({ value })) };
}

export function createGroupBody(displayName: string, memberIds: readonly string[]): JsonObject {
  return { schemas: [SCHEMA.group], displayName, members: memberIds.map((value) => ({ value })) };
}

export function patchOp(operations: readonly JsonObject[]): JsonObject | undefined {
  return operations.length === 0 ? undefined : { schemas: [SCHEMA.patchOp], Operations: operations };
}

/**
 * A path segment for an id: encoded, so an odd id cannot change the path. `@` stays literal: it is legal in
 * a path segment (RFC 3986 pchar) and it is how Amplitude's own examples address users.
 */
export function idSegment(id: string): string {
  return encodeURIComponent(id).replace(/%40/g, '@');
}

/** The last path segment of a Location header: the id the server gave a new resource. */
export function idFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const path = location.split(/[?#]/)[0] ?? '';
  const last = path.replace(/\/+$/, '').split('/').pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
