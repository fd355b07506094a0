/**
 * Held users (design.md "Safety"): a managed user whose source entry cannot be read — a status value nobody
 * mapped, a bad or conflicting row — is neither changed nor deleted. Deprovisioning already leaves it alone
 * (the quarantine); this names each one with the entries at fault and the fix, so that a plan, `check` and
 * the daemon can say it out loud on every run instead of keeping a user for good in silence.
 */
import type { SkippedEntry } from '../model/index.js';
import type { ManagedRecords } from './deprovision.js';
import type { TargetIndex, UserMatching } from './match.js';
import type { HeldUser, PlanPolicy } from './types.js';

export interface HeldInputs {
  readonly managedRecords: ManagedRecords;
  readonly index: TargetIndex;
  readonly matching: UserMatching;
  readonly quarantined: ReadonlySet<string>;
  /** Every skipped entry of the plan (source and matching). */
  readonly skipped: readonly SkippedEntry[];
  readonly policy: PlanPolicy;
  readonly isProtected: (email: string) => boolean;
}

const DEFAULT_FIX = 'fix the source entry named above; until then scimsync neither changes nor deletes this user';

function push<K>(map: Map<K, SkippedEntry[]>, key: K | undefined, e: SkippedEntry): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

export function findHeld(input: HeldInputs): HeldUser[] {
  const { matching, quarantined, index } = input;
  const byEmail = new Map<string, SkippedEntry[]>();
  const byId = new Map<string, SkippedEntry[]>();
  for (const e of input.skipped) {
    push(byEmail, e.email, e);
    push(byId, e.sourceId, e);
  }
  const heldEmail = (email: string): boolean => quarantined.has(email) || matching.heldEmails.has(email);
  const out: HeldUser[] = [];
  const seen = new Set<string>();

  const hold = (userName: string, targetId: string, sourceId: string | null, sourceEmail: string | undefined): void => {
    seen.add(targetId);
    const found = new Set<SkippedEntry>([
      ...(byEmail.get(userName) ?? []),
      ...(sourceEmail !== undefined ? (byEmail.get(sourceEmail) ?? []) : []),
      ...(sourceId !== null ? (byId.get(sourceId) ?? []) : []),
    ]);
    const entries = [...found].map(({ entry, reason }) => ({ entry, reason }));
    if (entries.length === 0) entries.push({ entry: userName, reason: 'its source entry was left out (see skipped)' });
    out.push({ userName, sourceId, entries, fix: [...found].find((e) => e.fix !== undefined)?.fix ?? DEFAULT_FIX });
  };

  for (const { sourceId, target: t } of input.managedRecords.unclaimed) {
    // managedRecords leaves out claimed users: another entry of the same person was read, and the user is synced from it.
    if (seen.has(t.id) || input.isProtected(t.userName)) continue;
    const u = matching.bySourceId.get(sourceId);
    const held = heldEmail(t.userName) || (u !== undefined ? quarantined.has(u.email) : matching.held.has(sourceId));
    if (held) hold(t.userName, t.id, sourceId, u?.email);
  }
  if (input.policy.manageAllUsers) {
    // Every user in scope is managed: one the source names on an unreadable entry is held too.
    for (const t of index.byId.values()) {
      if (seen.has(t.id) || matching.claimed.has(t.id) || input.isProtected(t.userName) || !heldEmail(t.userName)) continue;
      hold(t.userName, t.id, null, undefined);
    }
  }
  return out.sort((a, b) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
}
