import type { UserAttributes } from '../../plan/types.js';
import { addMembersOp, createGroupBody, emailsOf, idSegment, nameOf, patchOp } from './shared.js';
import { SCHEMA, type JsonObject, type ScimProfile } from './types.js';

/**
 * Amplitude's User Management API (reference/amplitude-scim.md §1): id = userName = the email, paging by
 * `itemsPerPage` (plus `count` for good measure), POST /Groups answers 200, members removed with a value
 * array, no externalId, `application/json` bodies. Deactivation is the documented PUT with active:false.
 */
function userBody(attrs: UserAttributes, active: boolean): JsonObject {
  const email = attrs.userName.toLowerCase();
  return {
    schemas: [SCHEMA.user],
    id: email,
    userName: email,
    name: nameOf(attrs),
    emails: emailsOf({ ...attrs, userName: email }),
    active,
    groups: [],
    meta: { resourceType: 'User' },
  };
}

export const amplitudeProfile: ScimProfile = {
  name: 'amplitude',
  contentType: 'application/json',
  pageSize: 100,
  deprovisionDropsMembers: true,
  createdStatuses: [200, 201],
  listQuery: (startIndex) => `startIndex=${startIndex}&itemsPerPage=100&count=100`,
  normalizeId: (id) => id.toLowerCase(),
  // The id is the email and the docs say the path lookup is case-insensitive; filter support is undocumented.
  userLookup: (userName) => ({ path: `/Users/${idSegment(userName.toLowerCase())}`, shape: 'resource' }),
  createUserBody: (attrs) => {
    // The documented create body has no `active` and no `groups`.
    const { active: _a, groups: _g, ...body } = userBody(attrs, true);
    return body;
  },
  createdUserId: (_body, _location, attrs) => attrs.userName.toLowerCase(),
  updateUserRequest: (_id, attrs) => ({ method: 'PUT', body: userBody(attrs, true) }),
  deactivateUserRequest: (_id, attrs) => ({ method: 'PUT', body: userBody(attrs, false) }),
  createGroupBody,
  patchMembersBody: (add, remove) => {
    const ops: JsonObject[] = [];
    // Removes first: a server applying operations in order (RFC 7644 §3.5.2) must not drop a value just added.
    // Amplitude's documented (Entra-legacy) form: path "members" plus a value array of the members to drop.
    if (remove.length > 0) ops.push({ op: 'remove', path: 'members', value: remove.map((value) => ({ value })) });
    if (add.length > 0) ops.push(addMembersOp(add));
    return patchOp(ops);
  },
};
