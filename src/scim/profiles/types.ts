import type { UserAttributes } from '../../plan/types.js';

export type JsonObject = Record<string, unknown>;

/** A request body and the method that carries it. */
export interface ProfileRequest {
  readonly method: 'PUT' | 'PATCH';
  readonly body: JsonObject;
}

/** How to find one user by userName: a resource GET (404 = absent) or a filtered list. */
export interface UserLookup {
  readonly path: string;
  readonly query?: string;
  readonly shape: 'resource' | 'list';
}

/**
 * A target profile: the quirks of one kind of SCIM service provider, as data plus small pure hooks.
 * The client (client.ts) is the same for every profile. No I/O here (design.md, conventions 3).
 */
export interface ScimProfile {
  readonly name: 'amplitude' | 'rfc';
  /** Content-Type of request bodies. */
  readonly contentType: string;
  /** The page size asked for; also the largest the target allows. */
  readonly pageSize: number;
  /** A deleted or deactivated user leaves every group, documented (Amplitude); the RFC does not require it. */
  readonly deprovisionDropsMembers: boolean;
  /** Statuses that mean "created" for POST /Users and POST /Groups. */
  readonly createdStatuses: readonly number[];
  /** Query string (without `?`) for one list page starting at the 1-based `startIndex`. */
  listQuery(startIndex: number): string;
  /** Canonical form of a target id (Amplitude: the lower-cased email; RFC: opaque, unchanged). */
  normalizeId(id: string): string;
  userLookup(userName: string): UserLookup;
  createUserBody(attrs: UserAttributes): JsonObject;
  /** The new user's id from the POST response body or Location header; undefined if neither says. */
  createdUserId(body: unknown, location: string | undefined, attrs: UserAttributes): string | undefined;
  updateUserRequest(id: string, attrs: UserAttributes): ProfileRequest;
  deactivateUserRequest(id: string, attrs: UserAttributes): ProfileRequest;
  createGroupBody(displayName: string, memberIds: readonly string[]): JsonObject;
  /** One PatchOp body adding and removing members; undefined when there is nothing to change. */
  patchMembersBody(add: readonly string[], remove: readonly string[]): JsonObject | undefined;
}

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;
