import type { SkippedEntry, SourceGroup } from '../../model/index.js';
import type { UserIndex } from './users.js';
import { dnKey, stripUniqueMemberUid } from './values.js';

/** A group as read, before flattening. */
export interface RawGroup {
  readonly dn: string;
  readonly name: string;
  /** DN-valued members (member, uniqueMember): users or groups. */
  readonly memberDns: readonly string[];
  /** posixGroup memberUid values. */
  readonly memberUids: readonly string[];
}

export interface FlattenOptions {
  /** Follow member DNs that are groups (with cycle protection). */
  readonly nested: boolean;
}

export interface FlattenResult {
  readonly groups: SourceGroup[];
  readonly skipped: SkippedEntry[];
}

/**
 * Members as emails of in-scope, active users, nested groups expanded. A member that is not one
 * (another OU, no mail, disabled or expired, a duplicate) is left out and reported once per entry in `skipped`.
 */
export function flattenGroups(all: readonly RawGroup[], synced: readonly RawGroup[], users: UserIndex, opts: FlattenOptions): FlattenResult {
  const byDn = new Map(all.map((g) => [dnKey(g.dn), g]));
  const left = new Map<string, { reason: string; groups: Set<string> }>();
  const leaveOut = (entry: string, reason: string, group: string): void => {
    const cur = left.get(entry) ?? { reason, groups: new Set<string>() };
    cur.groups.add(group);
    left.set(entry, cur);
  };

  const groups: SourceGroup[] = [];
  const names = new Map<string, string>();
  const skipped: SkippedEntry[] = [];
  for (const top of synced) {
    const lower = top.name.toLowerCase();
    const clash = names.get(lower);
    if (clash !== undefined) {
      skipped.push({ entry: top.dn, reason: `group name "${top.name}" is already used by ${clash}; names must be unique in the target` });
      continue;
    }
    names.set(lower, top.dn);
    const members = new Set<string>();
    const visited = new Set<string>();
    const walk = (g: RawGroup): void => {
      const key = dnKey(g.dn);
      if (visited.has(key)) return; // cycles and diamonds: each group once
      visited.add(key);
      for (const raw of g.memberDns) {
        const dn = stripUniqueMemberUid(raw);
        const mkey = dnKey(dn);
        const user = users.byDn.get(mkey);
        if (user) {
          if (user.kind === 'skipped') leaveOut(dn, user.reason, top.name);
          else if (!user.user.active) leaveOut(dn, user.inactive ?? 'account is inactive', top.name);
          else members.add(user.user.email);
          continue;
        }
        const child = byDn.get(mkey);
        if (child) {
          if (opts.nested) walk(child);
          else leaveOut(dn, 'nested group not expanded (groups.nested is false)', top.name);
          continue;
        }
        leaveOut(dn, 'outside the user scope (users.base / users.filter)', top.name);
      }
      for (const uid of g.memberUids) {
        const key2 = users.byLogin.get(uid.toLowerCase());
        const user = key2 === undefined ? undefined : users.byDn.get(key2);
        if (!user) leaveOut(`memberUid=${uid}`, 'matches no user in scope', top.name);
        else if (user.kind === 'skipped') leaveOut(`memberUid=${uid}`, user.reason, top.name);
        else if (!user.user.active) leaveOut(`memberUid=${uid}`, user.inactive ?? 'account is inactive', top.name);
        else members.add(user.user.email);
      }
    };
    walk(top);
    groups.push({ name: top.name, members: [...members].sort(), origin: top.dn });
  }
  for (const [entry, { reason, groups: gs }] of left) {
    const list = [...gs].sort();
    const shown =
      list
        .slice(0, 3)
        .map((n) => `"${n}"`)
        .join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
    skipped.push({ entry, reason: `left out of group ${shown}: ${reason}` });
  }
  groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { groups, skipped };
}
