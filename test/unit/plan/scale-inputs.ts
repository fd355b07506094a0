/**
 * Deterministic large inputs for the scale test and bench/plan.ts: a steady-state run with churn.
 * n users (2% new, 1% leavers, 1% renamed, 1% pending with placeholders), g groups holding m memberships
 * in total, of which about 1% differ in the target.
 */
import { hashUserAttributes } from '../../../src/model/hash.js';
import type { DesiredSnapshot, SourceGroup, SourceUser, TargetGroup, TargetSnapshot, TargetUser } from '../../../src/model/types.js';
import type { GroupRecord, SyncState, UserRecord } from '../../../src/state/types.js';

export interface ScaleInputs {
  readonly desired: DesiredSnapshot;
  readonly actual: TargetSnapshot;
  readonly state: SyncState;
}

export function buildScaleInputs(n: number, g: number, m: number): ScaleInputs {
  const users: SourceUser[] = [];
  const targets: TargetUser[] = [];
  const records: Record<string, UserRecord> = {};
  for (let i = 0; i < n; i++) {
    const email = `user${i}@example.com`;
    const u: SourceUser = { sourceId: `guid-${i}`, email, givenName: `Given${i}`, familyName: `Family${i}`, active: true, origin: `users.csv:${i + 2}` };
    const isNew = i % 50 === 0;
    const leaver = i % 100 === 1;
    const renamed = i % 100 === 2;
    const pending = i % 100 === 3;
    if (!leaver) users.push(renamed ? { ...u, familyName: `Renamed${i}` } : u);
    if (isNew) continue;
    targets.push({
      id: email,
      userName: email,
      givenName: pending ? 'NO_GIVEN_NAME' : u.givenName,
      familyName: pending ? 'NO_FAMILY_NAME' : u.familyName,
      active: true,
    });
    records[u.sourceId] = {
      targetId: email,
      userName: email,
      pushedHash: hashUserAttributes({ userName: email, givenName: u.givenName, familyName: u.familyName }),
      ownership: 'created',
    };
  }
  const per = Math.max(1, Math.floor(m / Math.max(1, g)));
  const groups: SourceGroup[] = [];
  const tgroups: TargetGroup[] = [];
  const groupRecords: SyncState['groups'] = {};
  for (let j = 0; j < g; j++) {
    const members: string[] = [];
    const tmembers: string[] = [];
    for (let k = 0; k < per; k++) {
      const email = `user${(j * 7919 + k * 13) % n}@example.com`;
      members.push(email);
      if (k % 100 !== 5) tmembers.push(email);
    }
    tmembers.push(`user${(j + 1) % n}@example.com`);
    const name = `Group ${j}`;
    groups.push({ name, members, origin: `groups.csv:${j}` });
    tgroups.push({ id: String(1000 + j), displayName: name, members: tmembers });
    (groupRecords as Record<string, GroupRecord>)[name.toLowerCase()] = { targetId: String(1000 + j), displayName: name, ownership: 'created' };
  }
  return {
    desired: { users, groups, skipped: [], quarantined: [] },
    actual: { users: targets, groups: tgroups },
    state: { version: 1, lineage: 'bench', serial: 1, target: 'https://scim.example/', users: records, groups: groupRecords },
  };
}
