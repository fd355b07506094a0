import { TargetError } from '../errors.js';
import type { MemberRef, PlannedOperation } from '../plan/index.js';
import type { ScimTarget } from '../scim/index.js';
import type { RefResolver } from './resolve.js';

/** What sending one operation achieved (target errors are thrown, not returned). */
export type OpOutcome =
  | {
      readonly status: 'applied';
      readonly targetId?: string;
      readonly adopted?: boolean;
      readonly skippedMembers?: readonly { readonly userName: string; readonly reason: string }[];
      /** Keys of createUser operations this group write invited (their users now exist). */
      readonly invited?: readonly string[];
      /** An update found the user gone (404) and created it again. */
      readonly recreated?: boolean;
    }
  | { readonly status: 'skipped'; readonly reason: string };

/**
 * Sends one operation. The executor's target carries the stop signal (stop-signal.ts): a stop abandons an
 * operation still waiting for the rate budget, while a write already sent finishes, so state records what
 * the target did.
 */
export async function runOperation(op: PlannedOperation, target: ScimTarget, refs: RefResolver): Promise<OpOutcome> {
  switch (op.kind) {
    case 'adoptUser':
    case 'adoptGroup':
      return { status: 'applied', targetId: op.target.id };
    case 'deleteUser':
      if (op.mode === 'delete') await target.deleteUser(op.target.id);
      // A full-body deactivation (Amplitude: PUT active:false) resends the names the target showed.
      else await target.deactivateUser(op.target.id, { userName: op.userName, givenName: op.names?.givenName ?? '', familyName: op.names?.familyName ?? '' });
      return { status: 'applied', targetId: op.target.id };
    case 'createUser': {
      const { user, adopted } = await target.createUser(op.attributes);
      return { status: 'applied', targetId: user.id, adopted };
    }
    case 'updateUser':
      return updateUser(op, target);
    case 'createGroup':
      return createGroup(op, target, refs);
    case 'updateMembers':
      return updateMembers(op, target, refs);
    case 'deleteGroup':
      await target.deleteGroup(op.target.id);
      return { status: 'applied', targetId: op.target.id };
  }
}

/**
 * An update answered 404 means the user was deleted in the target behind scimsync's back (or since the
 * snapshot it planned against): the source still wants the user, so it is created again, as a full read
 * would have planned. The new id (rfc) replaces the recorded one.
 */
async function updateUser(op: Extract<PlannedOperation, { kind: 'updateUser' }>, target: ScimTarget): Promise<OpOutcome> {
  try {
    await target.updateUser(op.target.id, op.attributes);
    return { status: 'applied', targetId: op.target.id };
  } catch (err) {
    if (!(err instanceof TargetError) || err.status !== 404) throw err;
  }
  const { user } = await target.createUser(op.attributes);
  return { status: 'applied', targetId: user.id, recreated: true };
}

async function createGroup(op: Extract<PlannedOperation, { kind: 'createGroup' }>, target: ScimTarget, refs: RefResolver): Promise<OpOutcome> {
  const members = resolveMembers(op.members, refs);
  const { group, adopted } = await target.createGroup(op.name, members.ids);
  if (adopted) {
    // The group already existed, so the members sent with the create were not applied: add the missing ones
    // now (one PATCH) rather than leave them to the next run. Extra members are the next plan's business.
    const have = new Set(group.members.map((m) => m.toLowerCase()));
    const missing = members.ids.filter((id) => !have.has(id.toLowerCase()));
    if (missing.length > 0) await target.patchMembers(group.id, missing, []);
  }
  return withSkipped({ status: 'applied', targetId: group.id, adopted, ...invitedOf(members) }, members.skipped);
}

async function updateMembers(op: Extract<PlannedOperation, { kind: 'updateMembers' }>, target: ScimTarget, refs: RefResolver): Promise<OpOutcome> {
  const group = refs.resolve(op.group);
  if (!group.ok) return { status: 'skipped', reason: `group ${op.groupName}: ${group.reason}` };
  const add = resolveMembers(op.add, refs);
  const remove = resolveMembers(op.remove, refs);
  const skipped = [...add.skipped, ...remove.skipped];
  if (add.ids.length === 0 && remove.ids.length === 0) {
    return { status: 'skipped', reason: `no member of ${op.groupName} could be resolved (${skipped.map((s) => s.reason).join('; ')})` };
  }
  await target.patchMembers(group.id, add.ids, remove.ids);
  return withSkipped({ status: 'applied', targetId: group.id, ...invitedOf(add) }, skipped);
}

interface Resolved {
  ids: string[];
  skipped: { userName: string; reason: string }[];
  /** createUser keys of members this write invites. */
  invited: string[];
}

function resolveMembers(members: readonly MemberRef[], refs: RefResolver): Resolved {
  const out: Resolved = { ids: [], skipped: [], invited: [] };
  for (const m of members) {
    const r = refs.resolve(m.target);
    if (!r.ok) {
      out.skipped.push({ userName: m.userName, reason: r.reason });
      continue;
    }
    out.ids.push(r.id);
    if (r.invited === true && 'createdBy' in m.target) out.invited.push(m.target.createdBy);
  }
  return out;
}

function invitedOf(r: Resolved): { invited?: string[] } {
  return r.invited.length > 0 ? { invited: r.invited } : {};
}

function withSkipped(outcome: Extract<OpOutcome, { status: 'applied' }>, skipped: readonly { userName: string; reason: string }[]): OpOutcome {
  return skipped.length === 0 ? outcome : { ...outcome, skippedMembers: skipped };
}
