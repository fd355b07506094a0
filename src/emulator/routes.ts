import { getResourceTypes, getSchemas, serviceProviderConfig } from './discovery.js';
import { patchGroup } from './group-patch.js';
import { createGroup, deleteGroup, getGroup, listGroups, replaceGroup } from './groups.js';
import { errorReply, type Reply } from './http.js';
import type { Ctx } from './render.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser, type ScimRequest } from './users.js';

export type Handler = (ctx: Ctx, req: ScimRequest) => Reply;

export interface MatchedRoute {
  /** Stats/fault label: `GET /Users/:id`. */
  readonly label: string;
  /** `/Users/:id` (what fault scripts name). */
  readonly template: string;
  readonly id: string | undefined;
  /** undefined: no handler for this method/path (404 or 405). */
  readonly handler: Handler | undefined;
  readonly allow?: string;
}

const TABLE: Record<string, Record<string, Handler>> = {
  '/Users': { GET: listUsers, POST: createUser },
  '/Users/:id': { GET: getUser, PUT: replaceUser, PATCH: patchUser, DELETE: deleteUser },
  '/Groups': { GET: listGroups, POST: createGroup },
  '/Groups/:id': { GET: getGroup, PATCH: patchGroup, DELETE: deleteGroup },
};

/** What only an RFC 7644 server has: PUT on groups (§3.5.1) and the discovery endpoints (§4). */
const RFC_ONLY: Record<string, Record<string, Handler>> = {
  '/Groups/:id': { GET: getGroup, PUT: replaceGroup, PATCH: patchGroup, DELETE: deleteGroup },
  '/ServiceProviderConfig': { GET: (ctx) => serviceProviderConfig(ctx) },
  '/Schemas': { GET: (ctx) => getSchemas(ctx) },
  '/Schemas/:id': { GET: (ctx, req) => oneOf(getSchemas(ctx), req.id) },
  '/ResourceTypes': { GET: (ctx) => getResourceTypes(ctx) },
  '/ResourceTypes/:id': { GET: (ctx, req) => oneOf(getResourceTypes(ctx), req.id) },
};

const RFC_TABLE = { ...TABLE, ...RFC_ONLY };

const CANONICAL: Record<string, string> = {
  users: 'Users',
  groups: 'Groups',
  serviceproviderconfig: 'ServiceProviderConfig',
  serviceproviderconfigs: 'ServiceProviderConfig',
  schemas: 'Schemas',
  resourcetypes: 'ResourceTypes',
  bulk: 'Bulk',
  me: 'Me',
};

function oneOf(list: Reply, id: string | undefined): Reply {
  const items = (list.body as { Resources: { id: string }[] }).Resources;
  const hit = items.find((r) => r.id === id);
  return hit ? { status: 200, body: hit } : errorReply(404, `${JSON.stringify(id ?? '')} not found`);
}

/**
 * Maps a path below the SCIM base (`Users/a%40b.com`) to its route. Segments are split before decoding so
 * an encoded `/` cannot change the route; the id is then URL-decoded (`%40` and `@` both work).
 */
export function matchRoute(ctx: Ctx, method: string, rest: string): MatchedRoute {
  const parts = rest.split('/').filter((p) => p !== '');
  const resource = CANONICAL[(parts[0] ?? '').toLowerCase()];
  if (resource === undefined || parts.length > 2) {
    return { label: `${method} (unknown)`, template: '(unknown)', id: undefined, handler: undefined };
  }
  let id: string | undefined;
  if (parts.length === 2) {
    try {
      id = decodeURIComponent(parts[1] as string);
    } catch {
      id = parts[1];
    }
  }
  const template = `/${resource}${id === undefined ? '' : '/:id'}`;
  // Amplitude documents neither PUT /Groups/{id} (405 there) nor discovery (404, as unknown routes).
  const table = ctx.profile === 'rfc' ? RFC_TABLE : TABLE;
  const methods = table[template];
  return {
    label: `${method} ${template}`,
    template,
    id,
    handler: methods?.[method],
    ...(methods ? { allow: Object.keys(methods).join(', ') } : {}),
  };
}
