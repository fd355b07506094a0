import PQueue from 'p-queue';
import type { Logger } from '../log.js';
import type { PlannedOperation } from '../plan/index.js';
import type { ScimTarget } from '../scim/index.js';

type DeleteOp = Extract<PlannedOperation, { kind: 'deleteUser' }>;

export interface KeptMembersOptions {
  readonly concurrency: number;
  readonly maxMembersPerPatch: number;
  readonly logger: Logger;
}

/**
 * After a run's deletes, on a target that does not promise to drop a deleted user's memberships (rfc: the RFC
 * does not require it), the plan's deletes carry the managed groups that listed each user (`memberOf`). One
 * of those groups is read: if the server kept the deleted user there, it keeps deleted users as members, and
 * each deleted user is removed from every such group now, so the run converges (the next plan is empty).
 * Costs one GET when the server dropped them. Returns the errors by op key: a delete whose cleanup failed.
 */
export async function removeKeptMembers(deleted: readonly DeleteOp[], target: ScimTarget, opts: KeptMembersOptions): Promise<Map<string, unknown>> {
  const failures = new Map<string, unknown>();
  const withGroups = deleted.filter((op) => (op.memberOf?.length ?? 0) > 0);
  const probeOp = withGroups[0];
  const probe = probeOp?.memberOf?.[0];
  if (probeOp === undefined || probe === undefined) return failures;
  let kept: boolean;
  try {
    const group = await target.getGroup(probe.groupId);
    kept = group !== undefined && group.members.includes(probeOp.target.id);
  } catch (err) {
    for (const op of withGroups) failures.set(op.key, err);
    return failures;
  }
  if (!kept) return failures;

  const byGroup = new Map<string, { groupName: string; ops: DeleteOp[] }>();
  for (const op of withGroups) {
    for (const g of op.memberOf ?? []) {
      const entry = byGroup.get(g.groupId) ?? { groupName: g.groupName, ops: [] };
      entry.ops.push(op);
      byGroup.set(g.groupId, entry);
    }
  }
  opts.logger.warn(
    { groups: byGroup.size, users: withGroups.length },
    'the target keeps deleted users as group members: removing them from their managed groups',
  );
  const queue = new PQueue({ concurrency: opts.concurrency });
  const size = Math.max(1, opts.maxMembersPerPatch);
  await Promise.all(
    [...byGroup].map(([groupId, { ops }]) =>
      queue.add(async () => {
        // One group's chunks one after another, like every membership change.
        for (let i = 0; i < ops.length; i += size) {
          const chunk = ops.slice(i, i + size);
          try {
            await target.patchMembers(
              groupId,
              [],
              chunk.map((op) => op.target.id),
            );
          } catch (err) {
            for (const op of chunk) if (!failures.has(op.key)) failures.set(op.key, err);
          }
        }
      }),
    ),
  );
  return failures;
}
