/**
 * Deterministic order (same inputs → byte-identical plan). By kind: state-only adoptions, then
 * deprovisioning (leavers lose access before anything spends the rate budget), creates, updates, groups.
 * Within a kind by key; membership chunks by group then chunk number (so `:10` follows `:9`).
 */
import type { OperationKind, PlannedOperation } from './types.js';

export const KIND_ORDER: readonly OperationKind[] = [
  'adoptUser',
  'adoptGroup',
  'deleteUser',
  'createUser',
  'updateUser',
  'createGroup',
  'updateMembers',
  'deleteGroup',
];

const RANK = new Map<OperationKind, number>(KIND_ORDER.map((k, i) => [k, i]));

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Split `group:members:<name>:<n>` into name and n; other keys compare whole. */
function chunkParts(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  const n = Number(key.slice(i + 1));
  return Number.isInteger(n) ? [key.slice(0, i), n] : [key, 0];
}

export function compareOperations(a: PlannedOperation, b: PlannedOperation): number {
  const r = (RANK.get(a.kind) ?? 99) - (RANK.get(b.kind) ?? 99);
  if (r !== 0) return r;
  if (a.kind === 'updateMembers' && b.kind === 'updateMembers') {
    const [ak, an] = chunkParts(a.key);
    const [bk, bn] = chunkParts(b.key);
    return cmp(ak, bk) || an - bn;
  }
  return cmp(a.key, b.key);
}

/** Returns a new sorted array; the input is left as it was. */
export function orderOperations(ops: readonly PlannedOperation[]): PlannedOperation[] {
  return [...ops].sort(compareOperations);
}
