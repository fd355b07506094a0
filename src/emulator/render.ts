import type { Quirks } from './quirks.js';
import type { GroupRec, Store, UserRec } from './store.js';
import type { EmulatorProfile } from './types.js';

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** What every handler needs to know about this emulator instance. */
export interface Ctx {
  readonly store: Store;
  readonly profile: EmulatorProfile;
  readonly pendingNames: 'placeholder' | 'keep';
  /** SCIM base URL with trailing slash (for Location and meta.location). */
  readonly baseUrl: string;
  readonly maxMembersPerPatch: number;
  readonly etag: boolean;
  /** Called after every committed write (persistence). */
  readonly onWrite: () => void;
  /** Behaviours of real servers switched on (quirks.ts); may change while running (setQuirks). */
  readonly quirks: Quirks;
}

/** Amplitude's timestamp format: `2022-02-03T20:40:22.000+00:00`. */
function amplitudeTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** Amplitude shows placeholders for invited users who never signed up, whatever names were sent. */
function shownNames(ctx: Ctx, u: UserRec): { givenName: string; familyName: string } {
  const hidden = u.pending && ctx.pendingNames === 'placeholder';
  return {
    givenName: hidden || u.givenName === null ? 'NO_GIVEN_NAME' : u.givenName,
    familyName: hidden || u.familyName === null ? 'NO_FAMILY_NAME' : u.familyName,
  };
}

/** Member `display`: Amplitude concatenates the names, giving "undefined undefined" when it has none. */
function memberDisplay(ctx: Ctx, u: UserRec): string {
  if (ctx.profile === 'rfc') return u.userName;
  if (u.pending && ctx.pendingNames === 'placeholder') return 'undefined undefined';
  return `${u.givenName ?? 'undefined'} ${u.familyName ?? 'undefined'}`;
}

export function renderUser(ctx: Ctx, u: UserRec, single: boolean): Record<string, unknown> {
  if (ctx.profile === 'amplitude') {
    const out: Record<string, unknown> = {
      schemas: [USER_URN],
      id: u.id,
      userName: u.userName,
      name: shownNames(ctx, u),
      active: u.active !== false,
      emails: u.emails.map((e) => ({ ...e })),
    };
    // The documented single-user shape carries `groups: []`; list items carry no `groups` at all.
    if (single) out.groups = [];
    out.meta = { resourceType: 'User' };
    return out;
  }
  const location = `${ctx.baseUrl}Users/${u.id}`;
  const out: Record<string, unknown> = { schemas: [USER_URN], id: u.id };
  if (u.externalId !== undefined) out.externalId = u.externalId;
  out.userName = u.userName;
  // Unassigned attributes are left out (RFC 7643 §2.5), not sent as {} or null.
  const name: Record<string, string> = {};
  if (u.givenName !== null) name.givenName = u.givenName;
  if (u.familyName !== null) name.familyName = u.familyName;
  if (Object.keys(name).length > 0) out.name = name;
  if (u.active !== undefined) out.active = u.active;
  if (u.emails.length > 0) out.emails = u.emails.map((e) => ({ ...e }));
  out.groups = [...ctx.store.groupIdsOf(u.id)].map((gid) => ({
    value: gid,
    display: ctx.store.groups.get(gid)?.displayName,
    $ref: `${ctx.baseUrl}Groups/${gid}`,
  }));
  out.meta = {
    resourceType: 'User',
    created: new Date(u.created).toISOString(),
    lastModified: new Date(u.lastModified).toISOString(),
    location,
    version: etagOf(u.version),
  };
  return out;
}

/**
 * Amplitude types a group id as a number in lists and POST answers, and as a string by id and after
 * PATCH; `numericId` picks which.
 */
export function renderGroup(ctx: Ctx, g: GroupRec, opts: { numericId: boolean; members: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    schemas: [GROUP_URN],
    id: ctx.profile === 'amplitude' && opts.numericId ? Number(g.id) : g.id,
  };
  if (ctx.profile === 'rfc' && g.externalId !== undefined) out.externalId = g.externalId;
  out.displayName = g.displayName;
  if (opts.members) {
    const members: Record<string, unknown>[] = [];
    for (const uid of g.members) {
      const u = ctx.store.users.get(uid);
      // Only the keeps-deleted-members quirk leaves the id of a deleted user here: shown as the member it was.
      if (!u && !ctx.quirks.keepsDeletedMembers) continue;
      const m: Record<string, unknown> = { value: uid, display: u ? memberDisplay(ctx, u) : ctx.profile === 'rfc' ? uid : 'undefined undefined' };
      if (ctx.profile === 'rfc') m.$ref = `${ctx.baseUrl}Users/${uid}`;
      members.push(m);
    }
    out.members = members;
  }
  out.meta =
    ctx.profile === 'amplitude'
      ? { resourceType: 'Group', created: amplitudeTime(g.created), lastModified: amplitudeTime(g.lastModified) }
      : {
          resourceType: 'Group',
          created: new Date(g.created).toISOString(),
          lastModified: new Date(g.lastModified).toISOString(),
          location: `${ctx.baseUrl}Groups/${g.id}`,
          version: etagOf(g.version),
        };
  return out;
}

/** Attribute values of a user for filter evaluation (lower-cased paths). */
export function userAttr(u: UserRec, attr: string): readonly unknown[] {
  switch (attr) {
    case 'id':
      return [u.id];
    case 'username':
      return [u.userName];
    case 'externalid':
      return [u.externalId];
    case 'name.givenname':
      return [u.givenName];
    case 'name.familyname':
      return [u.familyName];
    case 'active':
      return [u.active];
    case 'emails':
    case 'emails.value':
      return u.emails.map((e) => e.value);
    case 'emails.type':
      return u.emails.map((e) => e.type);
    case 'emails.primary':
      return u.emails.map((e) => e.primary);
    case 'meta.created':
      return [new Date(u.created).toISOString()];
    case 'meta.lastmodified':
      return [new Date(u.lastModified).toISOString()];
    case 'meta.resourcetype':
      return ['User'];
    default:
      return [];
  }
}

export const USER_FILTER_ATTRS: ReadonlySet<string> = new Set([
  'id',
  'username',
  'externalid',
  'name.givenname',
  'name.familyname',
  'active',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'meta.created',
  'meta.lastmodified',
  'meta.resourcetype',
]);

export function groupAttr(g: GroupRec, attr: string): readonly unknown[] {
  switch (attr) {
    case 'id':
      return [g.id];
    case 'displayname':
      return [g.displayName];
    case 'externalid':
      return [g.externalId];
    case 'members':
    case 'members.value':
      return [...g.members];
    case 'meta.created':
      return [new Date(g.created).toISOString()];
    case 'meta.lastmodified':
      return [new Date(g.lastModified).toISOString()];
    case 'meta.resourcetype':
      return ['Group'];
    default:
      return [];
  }
}

export const GROUP_FILTER_ATTRS: ReadonlySet<string> = new Set([
  'id',
  'displayname',
  'externalid',
  'members',
  'members.value',
  'meta.created',
  'meta.lastmodified',
  'meta.resourcetype',
]);

/**
 * endless-pages: a user that does not exist, at 1-based list position n past the real ones. Every position gives
 * a different one, so a client that checks for repeated pages does not notice.
 */
export function ghostUser(ctx: Ctx, n: number): Record<string, unknown> {
  const email = `endless-${String(n).padStart(6, '0')}@endless.invalid`;
  return {
    schemas: [USER_URN],
    id: ctx.profile === 'amplitude' ? email : `endless-user-${n}`,
    userName: email,
    name: { givenName: 'Endless', familyName: String(n) },
    active: true,
    emails: [{ value: email, primary: true }],
    meta: { resourceType: 'User' },
  };
}

/** endless-pages: a group that does not exist, at 1-based list position n. */
export function ghostGroup(ctx: Ctx, n: number): Record<string, unknown> {
  return {
    schemas: [GROUP_URN],
    id: ctx.profile === 'amplitude' ? 900_000_000 + n : `endless-group-${n}`,
    displayName: `Endless ${n}`,
    members: [],
    meta: { resourceType: 'Group' },
  };
}
