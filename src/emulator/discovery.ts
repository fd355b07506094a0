import type { Reply } from './http.js';
import { MAX_PAGE } from './paging.js';
import { GROUP_URN, LIST_URN, USER_URN, type Ctx } from './render.js';

/** RFC 7643 §5–7 discovery documents for the rfc profile (Amplitude documents none: 404 there). */
export function serviceProviderConfig(ctx: Ctx): Reply {
  return {
    status: 200,
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      // An honest server without filters says so (the no-filter quirk).
      filter: { supported: !ctx.quirks.noFilter, maxResults: MAX_PAGE },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: ctx.etag },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authorization: Bearer <token>', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.baseUrl}ServiceProviderConfig` },
    },
  };
}

function attr(name: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

function schemas(ctx: Ctx): Record<string, unknown>[] {
  const subValue = [attr('value', 'string'), attr('display', 'string', { mutability: 'readOnly' })];
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: USER_URN,
      name: 'User',
      description: 'User Account',
      attributes: [
        attr('userName', 'string', { required: true, uniqueness: 'server' }),
        attr('name', 'complex', { subAttributes: [attr('givenName', 'string'), attr('familyName', 'string')] }),
        attr('active', 'boolean'),
        attr('emails', 'complex', { multiValued: true, subAttributes: [attr('value', 'string'), attr('primary', 'boolean')] }),
        attr('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: subValue }),
      ],
      meta: { resourceType: 'Schema', location: `${ctx.baseUrl}Schemas/${USER_URN}` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: GROUP_URN,
      name: 'Group',
      description: 'Group',
      attributes: [
        attr('displayName', 'string', { required: true, uniqueness: 'server' }),
        attr('members', 'complex', { multiValued: true, subAttributes: subValue }),
      ],
      meta: { resourceType: 'Schema', location: `${ctx.baseUrl}Schemas/${GROUP_URN}` },
    },
  ];
}

function resourceTypes(ctx: Ctx): Record<string, unknown>[] {
  return [
    { id: 'User', name: 'User', endpoint: '/Users', schema: USER_URN },
    { id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_URN },
  ].map((r) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    ...r,
    meta: { resourceType: 'ResourceType', location: `${ctx.baseUrl}ResourceTypes/${r.id}` },
  }));
}

function list(items: Record<string, unknown>[]): Reply {
  return {
    status: 200,
    body: { schemas: [LIST_URN], totalResults: items.length, startIndex: 1, itemsPerPage: items.length, Resources: items },
  };
}

export function getSchemas(ctx: Ctx): Reply {
  return list(schemas(ctx));
}

export function getResourceTypes(ctx: Ctx): Reply {
  return list(resourceTypes(ctx));
}
