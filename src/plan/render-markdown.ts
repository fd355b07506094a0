/**
 * A plan as Markdown for a change ticket (`plan --format markdown`, `show PLAN.json --format markdown`):
 * counts first, then what a reviewer must look at hardest (deletions), then updates, creates, memberships,
 * adoptions, what was skipped or left alone and why, and the basis the plan was computed from.
 * Reads only the Plan, which holds no secret; the target URL is redacted like everywhere else.
 */
import { describe, plural, redactUrl, userLabel, words } from './render.js';
import { countChanges } from './summary.js';
import type { Plan, PlannedOperation, PlanSummary } from './types.js';

/**
 * Names, reasons and group names come from a directory or an HR export: a `|`, `*`, `[x](y)` or `<img>`
 * in them must stay text. CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones
 * that can start markup in the middle of a line (every line here starts with our own text).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

const COUNT_ROWS: readonly (readonly [keyof PlanSummary, string])[] = [
  ['deleteUsers', 'users to delete'],
  ['deleteGroups', 'groups to delete'],
  ['updateUsers', 'users to update'],
  ['updateGroups', 'groups whose members change'],
  ['createUsers', 'users to create'],
  ['createGroups', 'groups to create'],
  ['addMembers', 'members to add'],
  ['removeMembers', 'members to remove'],
  ['adoptUsers', 'users to adopt (state only, no request)'],
  ['adoptGroups', 'groups to adopt (state only, no request)'],
];

/** Deletions first, as in the order of apply: leavers lose access before anything else happens. */
const SECTIONS: readonly (readonly [string, (op: PlannedOperation) => boolean])[] = [
  ['Deletions', (op) => op.kind === 'deleteUser' || op.kind === 'deleteGroup'],
  ['Updates', (op) => op.kind === 'updateUser'],
  ['Creates', (op) => op.kind === 'createUser' || op.kind === 'createGroup'],
  ['Memberships', (op) => op.kind === 'updateMembers'],
  ['Adoptions (recorded in state only)', (op) => op.kind === 'adoptUser' || op.kind === 'adoptGroup'],
];

function kindNoun(op: PlannedOperation): string {
  return op.kind.endsWith('User') ? 'user' : 'group';
}

function operationItem(op: PlannedOperation): string[] {
  const d = describe(op);
  const lines = [`- ${kindNoun(op)} **${escapeMarkdown(userLabel(op))}**: ${escapeMarkdown(d.text)}`];
  for (const m of d.members) lines.push(`  - ${m.startsWith('+') ? 'add' : 'remove'} ${escapeMarkdown(m.slice(2))}`);
  return lines;
}

function countsTable(plan: Plan): string[] {
  const rows = COUNT_ROWS.map(([key, label]) => `| ${label} | ${plan.summary[key]} |`);
  return ['| change | count |', '| --- | ---: |', ...rows];
}

function basisTable(plan: Plan): string[] {
  const b = plan.basis;
  const rows: [string, string][] = [
    ['target', redactUrl(b.target)],
    ['computed at', b.createdAt],
    ['config hash', b.configHash],
    ['state', `${b.stateLineage}, serial ${b.stateSerial}`],
    ['target snapshot hash', b.actualHash],
  ];
  return ['| basis | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${escapeMarkdown(v)} |`)];
}

export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`# scimsync plan for ${escapeMarkdown(redactUrl(plan.basis.target))}`, ''];
  const writes = countChanges(plan.operations);
  out.push(writes === 0 ? 'No changes: the target matches the source.' : `${plural(writes, 'change')} to the target.`, '');
  out.push(...countsTable(plan), '');
  if (plan.blocked.length > 0) {
    out.push('## Blocked by the deletion guard', '', 'Apply changes nothing until this is resolved:', '');
    for (const v of plan.blocked) out.push(`- ${escapeMarkdown(v.message)}`);
    out.push('');
  }
  // Held users need a person whatever else the plan does: right after the guard, before any change.
  const held = plan.held ?? [];
  if (held.length > 0) {
    out.push(`## Held (${held.length})`, '', 'Managed users whose source entry cannot be read: neither changed nor deleted until it is fixed.', '');
    for (const h of held) {
      out.push(`- ${escapeMarkdown(h.userName)}: fix: ${escapeMarkdown(h.fix)}`);
      for (const e of h.entries) out.push(`  - entry ${escapeMarkdown(e.entry)}: ${escapeMarkdown(e.reason)}`);
    }
    out.push('');
  }
  for (const [title, belongs] of SECTIONS) {
    const ops = plan.operations.filter(belongs);
    if (ops.length === 0) continue;
    out.push(`## ${title} (${ops.length})`, '');
    for (const op of ops) out.push(...operationItem(op));
    out.push('');
  }
  if (plan.skipped.length > 0) {
    out.push(
      `## Skipped source entries (${plan.skipped.length})`,
      '',
      'Left out of the sync; a managed user behind one of them is held: neither changed nor deleted.',
      '',
    );
    for (const e of plan.skipped) out.push(`- entry ${escapeMarkdown(e.entry)}: ${escapeMarkdown(e.reason)}`);
    out.push('');
  }
  const untouched = Object.entries(plan.untouched).filter(([, n]) => n > 0);
  if (untouched.length > 0) {
    out.push('## Left alone in the target', '');
    for (const [reason, n] of untouched) out.push(`- ${words(reason)}: ${n}`);
    out.push('');
  }
  out.push('## Basis', '', ...basisTable(plan));
  return out.join('\n') + '\n';
}
