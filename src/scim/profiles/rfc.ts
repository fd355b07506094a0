import type { UserAttributes } from '../../plan/types.js';
import { addMembersOp, createGroupBody, emailsOf, filterLiteral, idFromLocation, nameOf, patchOp, userNameFilterQuery } from './shared.js';
import { SCHEMA, type JsonObject, type ScimProfile } from './types.js';

/**
 * A strict RFC 7644 service provider: `count` paging, 201 + Location, server-generated ids, externalId,
 * PatchOp deactivation and one `members[value eq "id"]` remove per member.
 */
function userBody(attrs: UserAttributes): JsonObject {
  const body: JsonObject = {
    schemas: [SCHEMA.user],
    userName: attrs.userName,
    name: nameOf(attrs),
    emails: emailsOf(attrs),
    active: true,
  };
  if (attrs.externalId !== undefined) body['externalId'] = attrs.externalId;
  return body;
}

export const rfcProfile: ScimProfile = {
  name: 'rfc',
  contentType: 'application/scim+json',
  pageSize: 100,
  deprovisionDropsMembers: false,
  createdStatuses: [200, 201],
  listQuery: (startIndex) => `startIndex=${startIndex}&count=100`,
  normalizeId: (id) => id,
  userLookup: (userName) => ({ path: '/Users', query: userNameFilterQuery(userName), shape: 'list' }),
  createUserBody: userBody,
  createdUserId: (body, location) => {
    const id = typeof body === 'object' && body !== null ? (body as JsonObject)['id'] : undefined;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
    return idFromLocation(location);
  },
  updateUserRequest: (id, attrs) => ({ method: 'PUT', body: { ...userBody(attrs), id } }),
  deactivateUserRequest: () => ({
    method: 'PATCH',
    body: { schemas: [SCHEMA.patchOp], Operations: [{ op: 'replace', path: 'active', value: false }] },
  }),
  createGroupBody,
  patchMembersBody: (add, remove) => {
    const ops: JsonObject[] = [];
    // Removes first: operations apply in order (RFC 7644 §3.5.2), so a value removed after it was added is lost.
    // A bare `remove` of "members" would drop every member (RFC 7644 §3.5.2.2): name each one by filter.
    for (const id of remove) ops.push({ op: 'remove', path: `members[value eq ${filterLiteral(id)}]` });
    if (add.length > 0) ops.push(addMembersOp(add));
    return patchOp(ops);
  },
};
