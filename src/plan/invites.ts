/**
 * Invites through groups (Amplitude): creating a group "adds existing users to the group and invites new
 * users", and adding an email that is not in the org to a group invites it. A new user who joins a synced
 * group in this plan therefore needs no POST /Users of its own: the group's POST (members inline) or its
 * one PATCH invites it. A pending user reads back with placeholder names whatever POST /Users sent, so
 * nothing is lost. The createUser operation stays in the plan (it is counted, shown and recorded in state as
 * created); it only says which group writes deliver it, and the executor sends no request for it.
 */
import type { PlannedOperation, PlanPolicy } from './types.js';

function byName(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Marks each createUser that some group write of the same plan adds as a member (by its createdBy ref). */
export function inviteThroughGroups(ops: readonly PlannedOperation[], policy: PlanPolicy): PlannedOperation[] {
  if (policy.inviteThroughGroups !== true || policy.profile.name !== 'amplitude') return [...ops];
  const via = new Map<string, Set<string>>();
  for (const op of ops) {
    const members = op.kind === 'createGroup' ? op.members : op.kind === 'updateMembers' ? op.add : [];
    const group = op.kind === 'createGroup' ? op.name : op.kind === 'updateMembers' ? op.groupName : '';
    for (const m of members) {
      if (!('createdBy' in m.target)) continue;
      let groups = via.get(m.target.createdBy);
      if (groups === undefined) via.set(m.target.createdBy, (groups = new Set()));
      groups.add(group);
    }
  }
  if (via.size === 0) return [...ops];
  return ops.map((op) => {
    const groups = op.kind === 'createUser' ? via.get(op.key) : undefined;
    return groups === undefined ? op : { ...op, invitedThrough: [...groups].sort(byName) };
  });
}
