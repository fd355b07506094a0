/**
 * Rendering a plan for people (text) and for machines (the JSON contract of `plan --json`).
 * Reads only the Plan. A review document: every operation and every member is listed.
 */
import type { HeldUser, Plan, PlannedOperation, PlanSummary, SafetyViolation } from './types.js';

export interface PlanJson {
  readonly formatVersion: 1;
  readonly basis: Plan['basis'];
  readonly summary: PlanSummary;
  readonly operations: readonly PlannedOperation[];
  readonly skipped: Plan['skipped'];
  readonly blocked: readonly SafetyViolation[];
  readonly held: readonly HeldUser[];
  readonly untouched: Plan['untouched'];
}

/** The contract document, keys in a fixed order (design.md: summary, operations, skipped). */
export function planToJson(plan: Plan): PlanJson {
  return {
    formatVersion: plan.formatVersion,
    basis: { ...plan.basis, target: redactUrl(plan.basis.target) },
    summary: { ...plan.summary },
    operations: plan.operations,
    skipped: plan.skipped,
    blocked: plan.blocked,
    // A saved plan from before held users were reported has none to show.
    held: plan.held ?? [],
    untouched: plan.untouched,
  };
}

/** A base URL may carry credentials (user:pass@ or ?token=): never print them. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//***@').replace(/\?.*$/s, (q) => (q.length > 1 ? '?***' : q));
}

type Paint = (code: string, s: string) => string;
const NO_PAINT: Paint = (_code, s) => s;
const ANSI: Paint = (code, s) => `\u001b[${code}m${s}\u001b[0m`;
const COLOR = { create: '32', update: '33', delete: '31', adopt: '36', blocked: '1;31', held: '1;33', dim: '2', head: '1' } as const;

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

/** The user or group an operation is about, as a person names it. */
export function userLabel(op: PlannedOperation): string {
  switch (op.kind) {
    case 'createUser':
    case 'updateUser':
      return op.attributes.userName;
    case 'deleteUser':
    case 'adoptUser':
      return op.userName;
    case 'createGroup':
    case 'adoptGroup':
    case 'deleteGroup':
      return op.name;
    case 'updateMembers':
      return op.groupName;
  }
}

function name(given: string | null, family: string | null): string {
  return `"${given ?? '?'} ${family ?? '?'}"`;
}

/** One operation for a person: sign, colour, what it does and why, and its member changes (`+ a`, `- b`). */
export function describe(op: PlannedOperation): { sign: string; color: string; text: string; members: string[] } {
  const members: string[] = [];
  switch (op.kind) {
    case 'createUser': {
      const via = op.invitedThrough !== undefined && op.invitedThrough.length > 0 ? `; invited through ${op.invitedThrough.join(', ')}` : '';
      return { sign: '+', color: COLOR.create, text: `create ${name(op.attributes.givenName, op.attributes.familyName)} (${op.reason}${via})`, members };
    }
    case 'updateUser':
      return {
        sign: '~',
        color: COLOR.update,
        // A name change already reads "before → after" in its reason; other reasons add to it.
        text:
          (op.before.givenName === null && op.before.familyName === null
            ? `update name to ${name(op.attributes.givenName, op.attributes.familyName)}`
            : `update ${name(op.before.givenName, op.before.familyName)} → ${name(op.attributes.givenName, op.attributes.familyName)}`) +
          (op.reason.startsWith('name changed:') ? '' : ` (${op.reason})`),
        members,
      };
    case 'deleteUser': {
      const groups = op.memberOf?.length ?? 0;
      const check = groups > 0 ? `; then removed from its ${plural(groups, 'group')} if the target keeps deleted members` : '';
      return { sign: '-', color: COLOR.delete, text: `${op.mode} (${op.reason})${check}`, members };
    }
    case 'adoptUser':
    case 'adoptGroup':
      return { sign: '=', color: COLOR.adopt, text: `adopt, state only (${op.reason})`, members };
    case 'createGroup':
      for (const m of op.members) members.push(`+ ${m.userName}`);
      return { sign: '+', color: COLOR.create, text: `create with ${plural(op.members.length, 'member')} (${op.reason})`, members };
    case 'updateMembers':
      for (const m of op.remove) members.push(m.orphan ? `- ${m.userName} (no such user: a deleted user the target kept)` : `- ${m.userName}`);
      for (const m of op.add) members.push(`+ ${m.userName}`);
      return { sign: '~', color: COLOR.update, text: `members +${op.add.length} -${op.remove.length} (${op.reason})`, members };
    case 'deleteGroup':
      return { sign: '-', color: COLOR.delete, text: `delete (${op.reason})`, members };
  }
}

function section(title: string, ops: readonly PlannedOperation[], paint: Paint): string[] {
  if (ops.length === 0) return [];
  const width = Math.min(40, Math.max(...ops.map((o) => userLabel(o).length)));
  const lines = ['', paint(COLOR.head, `${title} (${ops.length})`)];
  for (const op of ops) {
    const d = describe(op);
    lines.push(`  ${paint(d.color, `${d.sign} ${pad(userLabel(op), width)}`)}  ${d.text}`);
    for (const m of d.members) lines.push(`      ${paint(m.startsWith('+') ? COLOR.create : COLOR.delete, m)}`);
  }
  return lines;
}

/** Held users come first: the one thing in a plan that needs a person, whatever else it does. */
function heldSection(held: readonly HeldUser[], paint: Paint): string[] {
  if (held.length === 0) return [];
  const lines = [
    '',
    paint(COLOR.held, `Held (${held.length}): managed users whose source entry cannot be read; neither changed nor deleted until it is fixed`),
  ];
  for (const h of held) {
    lines.push(`  ${paint(COLOR.held, '!')} ${h.userName}`);
    for (const e of h.entries) lines.push(`      ${e.entry}: ${e.reason}`);
    lines.push(`      fix: ${h.fix}`);
  }
  lines.push('');
  return lines;
}

/** `unmanagedUsers` → `unmanaged users`. */
export function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function closing(s: PlanSummary, ops: number): string {
  if (ops === 0) return 'No changes. The target matches the source.';
  const create = s.createUsers + s.createGroups;
  const update = s.updateUsers + s.updateGroups;
  const del = s.deleteUsers + s.deleteGroups;
  const adopt = s.adoptUsers + s.adoptGroups;
  return `Plan: ${create} to create, ${update} to update, ${del} to delete, ${adopt} to adopt.`;
}

/** `3 h`, `25 min`, `40 s`, `2 d`: a span of time for a person. */
export function describeSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} d`;
}

/** One line naming what "actual" was: "read now, 12 requests" or "target as read 3 h ago, 4 writes since". */
export function describeTargetRead(basis: Plan['basis']): string {
  const r = basis.targetRead;
  if (r === undefined) return 'target read now';
  if (r.source === 'read') return `target read now, ${plural(r.requests, 'request')} (${r.reason})`;
  const at = Date.parse(basis.createdAt);
  const ago = describeSpan(at - Date.parse(r.readAt));
  const next = Date.parse(r.nextFullReadAt) - at;
  const due = next > 0 ? `next full read in ${describeSpan(next)}` : 'a full read is due';
  return `target as read ${ago} ago (${r.readAt}), ${plural(r.writesSince, 'write')} since; no request (${due}, or --refresh)`;
}

export function renderPlanText(plan: Plan, opts: { color?: boolean } = {}): string {
  const paint = opts.color === true ? ANSI : NO_PAINT;
  const s = plan.summary;
  const b = plan.basis;
  const lines: string[] = [
    paint(COLOR.head, `scimsync plan for ${redactUrl(b.target)}`),
    paint(COLOR.dim, `computed ${b.createdAt} from state ${b.stateLineage} serial ${b.stateSerial}`),
    paint(COLOR.dim, describeTargetRead(b)),
    `users: ${s.createUsers} to create, ${s.updateUsers} to update, ${s.deleteUsers} to delete, ${s.adoptUsers} to adopt; ` +
      `groups: ${s.createGroups} to create, ${s.updateGroups} to update, ${s.deleteGroups} to delete, ${s.adoptGroups} to adopt; ` +
      `members: ${s.addMembers} to add, ${s.removeMembers} to remove`,
  ];
  lines.splice(2, 0, ...heldSection(plan.held ?? [], paint));
  const userOps = plan.operations.filter((o) => o.kind.endsWith('User'));
  const groupOps = plan.operations.filter((o) => !o.kind.endsWith('User'));
  lines.push(...section('Users', userOps, paint), ...section('Groups', groupOps, paint));
  if (plan.blocked.length > 0) {
    lines.push('', paint(COLOR.blocked, `Blocked (${plan.blocked.length})`));
    for (const v of plan.blocked) lines.push(`  ${paint(COLOR.blocked, '!')} ${v.message}`);
  }
  if (plan.skipped.length > 0) {
    lines.push('', paint(COLOR.head, `Skipped (${plan.skipped.length})`));
    for (const e of plan.skipped) lines.push(`  ${e.entry}: ${e.reason}`);
  }
  const untouched = Object.entries(plan.untouched).filter(([, n]) => n > 0);
  if (untouched.length > 0) {
    lines.push('', `Untouched: ${untouched.map(([k, n]) => `${n} ${words(k)}`).join(', ')}`);
  }
  lines.push('', closing(s, plan.operations.length));
  if (plan.blocked.length > 0) {
    lines.push(paint(COLOR.blocked, 'Blocked by the deletion guard: apply changes nothing until the fix above is followed.'));
  }
  return lines.join('\n') + '\n';
}
