/**
 * Users: create, adopt and update operations from the matching. Only givenName/familyName (and externalId
 * where the profile sends it) are compared. A target name that is a placeholder (Amplitude's pending users)
 * is unknown, not drift: a change is detected against the hash of what was last pushed instead.
 */
import { hashUserAttributes, isPlaceholderName, isUserAttributesHash, type SourceUser, type TargetUser, type UserAttributes } from '../model/index.js';
import type { UserMatching } from './match.js';
import { PresentUsers } from './present.js';
import type { PlannedOperation, PlanPolicy } from './types.js';

export function desiredAttributes(u: SourceUser, policy: PlanPolicy): UserAttributes {
  return {
    userName: u.email,
    givenName: u.givenName,
    familyName: u.familyName,
    externalId: policy.profile.sendsExternalId ? u.sourceId : undefined,
  };
}

function known(v: string | null): string | null {
  return isPlaceholderName(v) ? null : v;
}

interface Drift {
  readonly names: boolean;
  readonly externalId: boolean;
  readonly inactive: boolean;
}

/** A name the target shows that differs from the desired one and is not a placeholder. */
function differs(shown: string | null, want: string): boolean {
  // Equal names (the common case) need no placeholder check.
  return shown !== want && known(shown) !== null;
}

const NO_DRIFT: Drift = { names: false, externalId: false, inactive: false };

/** What the target reads back that provably differs from the desired attributes (given as fields: no object per user). */
function targetDrift(t: TargetUser, givenName: string, familyName: string, wantExternalId: string | undefined, policy: PlanPolicy): Drift {
  const names = differs(t.givenName, givenName) || differs(t.familyName, familyName);
  const ext = t.externalId;
  const externalId = policy.profile.sendsExternalId && ext !== undefined && ext !== '' && ext !== wantExternalId;
  if (!names && !externalId && t.active) return NO_DRIFT;
  return { names, externalId, inactive: !t.active };
}

function hasDrift(d: Drift): boolean {
  return d.names || d.externalId || d.inactive;
}

function fullName(given: string | null, family: string | null): string {
  return `${given ?? '?'} ${family ?? '?'}`;
}

function updateReason(t: TargetUser, a: UserAttributes, d: Drift): string {
  const parts: string[] = [];
  if (d.inactive) parts.push('inactive in target: reactivate');
  if (d.names) {
    parts.push(`name changed: "${fullName(known(t.givenName), known(t.familyName))}" → "${a.givenName} ${a.familyName}"`);
  }
  if (d.externalId) parts.push(`externalId changed: ${t.externalId ?? ''} → ${a.externalId ?? ''}`);
  if (parts.length === 0) {
    const unknownNames = known(t.givenName) === null || known(t.familyName) === null;
    parts.push(
      unknownNames
        ? 'changed in source since the last push; the target shows placeholder names until the invite is accepted'
        : 'changed in source since the last push',
    );
  }
  return parts.join('; ');
}

function updateOp(t: TargetUser, u: SourceUser, a: UserAttributes, hash: string, d: Drift): PlannedOperation {
  return {
    kind: 'updateUser',
    key: `user:update:${u.email}`,
    reason: updateReason(t, a, d),
    sourceId: u.sourceId,
    target: { id: t.id },
    before: { givenName: known(t.givenName), familyName: known(t.familyName) },
    attributes: a,
    hash,
    ...(d.inactive ? { reactivate: true } : {}),
  };
}

export interface UserDiff {
  readonly ops: PlannedOperation[];
  /** Every desired user that exists once the plan is applied, with its member ref. */
  readonly present: PresentUsers;
}

/** Attributes as found on the target, so an adopted user with drift keeps being updated until it succeeds. */
function foundAttributes(t: TargetUser, a: UserAttributes): UserAttributes {
  return {
    userName: t.userName,
    givenName: t.givenName ?? '',
    familyName: t.familyName ?? '',
    externalId: a.externalId === undefined ? undefined : t.externalId,
  };
}

/** Protected users never reach here: the matching leaves them out (sync.protect: never created, adopted or updated). */
export function diffUsers(matching: UserMatching, policy: PlanPolicy): UserDiff {
  const ops: PlannedOperation[] = [];
  const present = new PresentUsers(matching.active, matching.activeByEmail);
  for (const m of matching.matches) {
    const u = m.user;
    if (m.kind === 'create') {
      const a = desiredAttributes(u, policy);
      const key = `user:create:${u.email}`;
      let reason = 'new in source';
      if (m.record !== undefined) {
        reason = m.record.userName === u.email ? 'missing in target (was managed)' : `email changed from ${m.record.userName}`;
      }
      ops.push({ kind: 'createUser', key, reason, sourceId: u.sourceId, attributes: a, hash: hashUserAttributes(a) });
      present.addCreated(m.slot, key);
      continue;
    }
    const t = m.target;
    present.addExisting(m.slot, t.id);
    const ext = policy.profile.sendsExternalId ? u.sourceId : undefined;
    const drift = targetDrift(t, u.givenName, u.familyName, ext, policy);
    // Most users on most runs: matched, unchanged since the last push, no drift. Nothing is allocated for them.
    if (m.kind === 'matched' && !hasDrift(drift) && isUserAttributesHash(m.record.pushedHash, u.email, u.givenName, u.familyName, ext)) continue;
    const a = desiredAttributes(u, policy);
    const hash = hashUserAttributes(a);
    if (m.kind === 'adopt') {
      const prefix = m.record !== undefined && m.record.userName !== u.email ? `email changed from ${m.record.userName}; ` : '';
      ops.push({
        kind: 'adoptUser',
        key: `user:adopt:${u.email}`,
        reason: `${prefix}exists in target with the same userName`,
        sourceId: u.sourceId,
        userName: u.email,
        target: { id: t.id },
        hash: hasDrift(drift) ? hashUserAttributes(foundAttributes(t, a)) : hash,
      });
      if (hasDrift(drift)) ops.push(updateOp(t, u, a, hash, drift));
      continue;
    }
    ops.push(updateOp(t, u, a, hash, drift));
  }
  return { ops, present };
}
