/**
 * One complete read of the directory: users, disabled users (when a filter says so), groups and their
 * members, each a full paged search. Every failure throws; nothing partial leaves this function.
 */
import type { DesiredSnapshot } from '../../model/index.js';
import type { Logger } from '../../log.js';
import { andFilter, IN_CHAIN_RULE, type LdapSettings } from './dialects.js';
import type { Directory } from './directory.js';
import { flattenGroups, type RawGroup } from './groups.js';
import { readAll, readEach, throwIfAborted } from './paging.js';
import { firstRangeSpec, readRangedValues } from './ranges.js';
import { decodeUser, indexDecoded, type UserIndex } from './users.js';
import { dnKey, firstString, strings, type LdapEntry } from './values.js';

/** RFC 4515 assertion value escaping (ldapts' escapeFilter is a template tag, not a value escaper). */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface ReadContext {
  readonly url: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly logger: Logger;
  /** The clock `accountExpires` is compared with: one instant for the whole read. */
  readonly now: Date;
}

/**
 * Users, and the DNs of disabled ones when a filter says which. `side` is a second connection, if there is
 * one: slapd allows one paged search per connection at a time, so the disabled-users search runs there,
 * alongside the main one, while this process decodes the users.
 */
async function readUsers(dir: Directory, s: LdapSettings, ctx: ReadContext, side: Directory = dir): Promise<UserIndex> {
  const attributes = [s.idAttr, s.emailAttr, s.givenNameAttr, s.familyNameAttr];
  if (s.upnFallback) attributes.push('userPrincipalName');
  if (s.dialect === 'active-directory' && !s.disabledFilter) attributes.push('userAccountControl');
  if (s.honorAccountExpiry) attributes.push('accountExpires');
  if (s.loginAttr) attributes.push(s.loginAttr);
  const spec = { base: s.usersBase, scope: s.usersScope, filter: s.userFilter, attributes, binary: s.binaryAttrs };
  const readDisabled = async () =>
    s.disabledFilter
      ? readAll(side, { base: s.usersBase, scope: s.usersScope, filter: andFilter(s.userFilter, s.disabledFilter), attributes: ['1.1'] }, s.pageSize, {
          ...ctx,
          what: 'disabled users',
        })
      : undefined;
  const readUserEntries = () => readEach(dir, spec, s.pageSize, { ...ctx, what: 'users' }, (e, key) => decodeUser(e, key, s, ctx.now));
  const [users, d] = side === dir ? [await readUserEntries(), await readDisabled()] : await Promise.all([readUserEntries(), readDisabled()]);
  const disabled = d ? new Set(d.entries.map((e) => dnKey(e.dn))) : undefined;
  ctx.logger.debug({ entries: users.entries.length, pages: users.pages, references: users.references, disabled: disabled?.size }, 'ldap users read');
  return indexDecoded(users.entries, disabled);
}

async function toRawGroup(dir: Directory, e: LdapEntry, g: NonNullable<LdapSettings['groups']>): Promise<RawGroup> {
  const memberDns: string[] = [];
  for (const attr of g.memberAttrs) memberDns.push(...(g.ranged ? await readRangedValues(dir, e, attr) : strings(e, attr)));
  return {
    dn: e.dn,
    name: firstString(e, 'cn') ?? e.dn,
    memberDns,
    memberUids: g.memberUidAttr ? strings(e, g.memberUidAttr) : [],
  };
}

async function readGroups(dir: Directory, s: LdapSettings, users: UserIndex, ctx: ReadContext): Promise<Pick<DesiredSnapshot, 'groups' | 'skipped'>> {
  const g = s.groups;
  if (!g) return { groups: [], skipped: [] };
  const memberSpecs = g.inChain ? [] : g.memberAttrs.map((a) => (g.ranged ? firstRangeSpec(a) : a));
  const attributes = ['cn', ...memberSpecs, ...(g.memberUidAttr ? [g.memberUidAttr] : [])];
  const all = await readAll(dir, { base: g.base, scope: 'sub', filter: g.classFilter, attributes }, s.pageSize, { ...ctx, what: 'groups' });
  let syncedEntries = all.entries;
  if (g.syncFilter) {
    // The filter picks which groups are synced; nested children outside it still count for membership.
    const picked = await readAll(dir, { base: g.base, scope: 'sub', filter: andFilter(g.classFilter, g.syncFilter), attributes: ['1.1'] }, s.pageSize, {
      ...ctx,
      what: 'groups (groups.filter)',
    });
    const keys = new Set(picked.entries.map((e) => dnKey(e.dn)));
    syncedEntries = all.entries.filter((e) => keys.has(dnKey(e.dn)));
  }
  if (g.inChain) return inChainGroups(dir, s, syncedEntries, users, ctx);

  const raw: RawGroup[] = [];
  for (const e of all.entries) {
    throwIfAborted(ctx.signal);
    raw.push(await toRawGroup(dir, e, g));
  }
  const syncedKeys = new Set(syncedEntries.map((e) => dnKey(e.dn)));
  return flattenGroups(
    raw,
    raw.filter((r) => syncedKeys.has(dnKey(r.dn))),
    users,
    { nested: g.nested },
  );
}

/** AD's in-chain rule: the server expands nesting; one paged user search per synced group. */
async function inChainGroups(
  dir: Directory,
  s: LdapSettings,
  groups: readonly LdapEntry[],
  users: UserIndex,
  ctx: ReadContext,
): Promise<Pick<DesiredSnapshot, 'groups' | 'skipped'>> {
  const raw: RawGroup[] = [];
  for (const e of groups) {
    const filter = andFilter(s.userFilter, `(memberOf:${IN_CHAIN_RULE}:=${escapeFilterValue(e.dn)})`);
    const members = await readAll(dir, { base: s.usersBase, scope: s.usersScope, filter, attributes: ['1.1'] }, s.pageSize, {
      ...ctx,
      what: `members of "${e.dn}"`,
    });
    raw.push({ dn: e.dn, name: firstString(e, 'cn') ?? e.dn, memberDns: members.entries.map((m) => m.dn), memberUids: [] });
  }
  return flattenGroups(raw, raw, users, { nested: false });
}

export async function readSnapshot(dir: Directory, s: LdapSettings, ctx: ReadContext, side?: Directory): Promise<DesiredSnapshot> {
  const users = await readUsers(dir, s, ctx, side);
  throwIfAborted(ctx.signal);
  const groups = await readGroups(dir, s, users, ctx);
  return {
    users: users.users,
    groups: groups.groups,
    skipped: [...users.skipped, ...groups.skipped],
    quarantined: users.quarantined,
  };
}
