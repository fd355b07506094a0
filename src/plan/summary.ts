/** The contract's `summary` (design.md): exactly these keys, each a count. */
import type { PlannedOperation, PlanSummary } from './types.js';

export function emptySummary(): PlanSummary {
  return {
    createUsers: 0,
    updateUsers: 0,
    deleteUsers: 0,
    createGroups: 0,
    updateGroups: 0,
    deleteGroups: 0,
    addMembers: 0,
    removeMembers: 0,
    adoptUsers: 0,
    adoptGroups: 0,
  };
}

export function summarize(ops: readonly PlannedOperation[]): PlanSummary {
  const s = emptySummary();
  // updateGroups counts groups, not PATCH chunks.
  const updatedGroups = new Set<string>();
  for (const op of ops) {
    switch (op.kind) {
      case 'createUser':
        s.createUsers++;
        break;
      case 'updateUser':
        s.updateUsers++;
        break;
      case 'deleteUser':
        s.deleteUsers++;
        break;
      case 'adoptUser':
        s.adoptUsers++;
        break;
      case 'createGroup':
        s.createGroups++;
        s.addMembers += op.members.length;
        break;
      case 'adoptGroup':
        s.adoptGroups++;
        break;
      case 'deleteGroup':
        s.deleteGroups++;
        break;
      case 'updateMembers':
        updatedGroups.add(op.groupName.toLowerCase());
        s.addMembers += op.add.length;
        s.removeMembers += op.remove.length;
        break;
    }
  }
  s.updateGroups = updatedGroups.size;
  return s;
}

/** Operations that write to the target: everything but adoptions, which only record state. */
export function countChanges(ops: readonly PlannedOperation[]): number {
  return ops.filter((op) => op.kind !== 'adoptUser' && op.kind !== 'adoptGroup').length;
}
