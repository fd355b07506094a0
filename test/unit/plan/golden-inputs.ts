/**
 * A deterministic mixed dataset for the golden plan test: every rule of the plan core fires many times over
 * (joiners, leavers, movers, renames, disabled, held, quarantined, protected, unmanaged, adoptions, group
 * adds/removes, new/left/excluded/duplicate/adopted groups, orphans and nested groups), so that a refactor
 * or an optimisation that changes a single byte of any plan shows up in the plan's hash.
 */
import { hashUserAttributes } from '../../../src/model/hash.js';
import type { SkippedEntry, SourceGroup, SourceUser, TargetGroup, TargetUser } from '../../../src/model/types.js';
import type { GroupRecord, UserRecord } from '../../../src/state/types.js';
import type { ScaleInputs } from './scale-inputs.js';

/**
 * `rfc`: server ids (`u-…`, externalId sent, members are ids); else Amplitude (id = email). `orphans`: some
 * groups list deleted users the server kept (rfc), which makes the plan remove its leavers' memberships itself.
 */
export function buildGoldenInputs(n: number, profile: 'amplitude' | 'rfc', orphans = true): ScaleInputs {
  const rfc = profile === 'rfc';
  const users: SourceUser[] = [];
  const targets: TargetUser[] = [];
  const records: Record<string, UserRecord> = {};
  const skipped: SkippedEntry[] = [];
  const quarantined: string[] = [];
  const idOf = new Map<string, string>();
  const addTarget = (email: string, over: Partial<TargetUser> = {}): string => {
    const id = rfc ? `u-${targets.length}` : email;
    targets.push({ id, userName: email, givenName: 'G', familyName: 'F', active: true, ...over });
    idOf.set(email, id);
    return id;
  };
  const record = (u: SourceUser, targetId: string, userName = u.email): void => {
    const a = { userName, givenName: u.givenName, familyName: u.familyName, externalId: rfc ? u.sourceId : undefined };
    records[u.sourceId] = { targetId, userName, pushedHash: hashUserAttributes(a), ownership: i2own(targets.length) };
  };
  for (let i = 0; i < n; i++) {
    const email = i % 97 === 0 ? `admin${i}@admins.example.com` : `user${i}@example.com`;
    const u: SourceUser = { sourceId: `src-${i}`, email, givenName: `Given${i}`, familyName: `Family${i}`, active: true, origin: `users.csv:${i + 2}` };
    const tgt = { givenName: u.givenName, familyName: u.familyName, ...(rfc ? { externalId: u.sourceId } : {}) };
    switch (i % 20) {
      case 0: // joiner
        users.push(u);
        break;
      case 1: // leaver (managed)
        record(u, addTarget(email, tgt));
        break;
      case 2: // mover: email changed since the last push
        users.push({ ...u, email: `moved${i}@example.com` });
        record(u, addTarget(email, tgt));
        break;
      case 3: // renamed in source
        users.push({ ...u, familyName: `Renamed${i}` });
        record(u, addTarget(email, tgt));
        break;
      case 4: // pending (placeholders) / drifted in the target
        users.push(u);
        record(u, addTarget(email, i % 40 === 4 ? { givenName: 'NO_GIVEN_NAME', familyName: 'NO_FAMILY_NAME' } : { ...tgt, givenName: 'Drift' }));
        break;
      case 5: // disabled in source
        users.push({ ...u, active: false });
        record(u, addTarget(email, tgt));
        break;
      case 6: // adopted: the target has it, no record
        users.push(u);
        addTarget(email, i % 40 === 6 ? { ...tgt, familyName: 'Other' } : tgt);
        break;
      case 7: // unmanaged target user not in source (manageAllUsers decides)
        addTarget(email, tgt);
        break;
      case 8: // held: its source entry could not be read
        skipped.push({
          entry: `users.csv:${i + 2}`,
          reason: 'status "x" is not mapped',
          email,
          sourceId: u.sourceId,
          ...(i % 40 === 8 ? { fix: 'map it' } : {}),
        });
        record(u, addTarget(email, tgt));
        break;
      case 9: // quarantined (bad row naming the email)
        quarantined.push(email);
        users.push(u);
        record(u, addTarget(email, tgt));
        break;
      case 10: // duplicate source id and duplicate email
        users.push(u, { ...u, origin: `users.csv:dup${i}` }, { ...u, sourceId: `src-dup-${i}`, origin: `users.csv:dupmail${i}` });
        record(u, addTarget(email, tgt));
        break;
      case 11: // inactive in the target: reactivate
        users.push(u);
        record(u, addTarget(email, { ...tgt, active: false }));
        break;
      case 12: // record whose target is gone: re-created
        users.push(u);
        record(u, rfc ? `u-gone-${i}` : email);
        break;
      default: // steady
        users.push(u);
        record(u, addTarget(email, tgt));
    }
  }
  // Records pointing at the next user's target (the state disagrees with the target): that user is held.
  for (let i = 14; i + 1 < n; i += 200) {
    const next = idOf.get(`user${i + 1}@example.com`);
    if (next !== undefined) records[`src-${i}`] = { ...records[`src-${i}`]!, targetId: next };
  }
  const { groups, tgroups, groupRecords } = buildGroups(n, rfc && orphans, idOf);
  return {
    desired: { users, groups, skipped, quarantined },
    actual: { users: targets, groups: tgroups },
    state: { version: 1, lineage: 'golden', serial: 3, target: 'https://scim.example/', users: records, groups: groupRecords },
  };
}

function i2own(i: number): UserRecord['ownership'] {
  return i % 3 === 0 ? 'adopted' : 'created';
}

const GROUPS = 120;

function buildGroups(n: number, orphans: boolean, idOf: ReadonlyMap<string, string>) {
  const groups: SourceGroup[] = [];
  const tgroups: TargetGroup[] = [];
  const groupRecords: Record<string, GroupRecord> = {};
  const member = (k: number): string => (k % 97 === 0 ? `admin${k}@admins.example.com` : `user${k}@example.com`);
  for (let j = 0; j < GROUPS; j++) {
    const name = j % 30 === 29 ? `Excluded ${j}` : `Group ${j}`;
    const members: string[] = [];
    const tmembers: string[] = [];
    const size = 40 + ((j * 37) % 260);
    for (let k = 0; k < size; k++) {
      const email = member((j * 131 + k * 7) % n);
      // Some sources hand over un-normalised emails.
      members.push(k % 53 === 0 ? ` ${email.toUpperCase()}` : email);
      const id = idOf.get(email);
      // Some groups that left the source hold no protected member: those are deleted.
      const dropAdmin = j % 20 === 7 && email.includes('@admins.');
      if (id !== undefined && k % 11 !== 3 && !dropAdmin) tmembers.push(id);
    }
    // Extra target members: a removal, an orphan (deleted user kept: rfc) and a nested group.
    const extra = idOf.get(member(((j * 131 + 5) % n) + 1));
    if (extra !== undefined) tmembers.push(extra);
    if (orphans && j % 4 === 0) tmembers.push(`u-deleted-${j}`);
    if (j % 9 === 0) tmembers.push(`g-${j === 0 ? 10 : 0}`);
    const tid = `g-${j}`;
    const kind = j % 10;
    if (kind !== 7) groups.push({ name: kind === 8 ? name.toUpperCase() : name, members, origin: `groups.csv:${j}` });
    if (kind === 9) groups.push({ name, members: members.slice(0, 3), origin: `groups.csv:dup${j}` }); // duplicate name
    if (kind === 3) continue; // new in source: created (chunked when large)
    tgroups.push({ id: tid, displayName: kind === 8 ? name.toLowerCase() : name, members: tmembers });
    if (kind === 4) continue; // exists in target, no record: adopted by displayName
    if (kind === 6) {
      // Recorded but gone from the target: re-created.
      groupRecords[name.toLowerCase()] = { targetId: `g-gone-${j}`, displayName: name, ownership: 'created' };
      continue;
    }
    groupRecords[name.toLowerCase()] = { targetId: tid, displayName: name, ownership: 'created' };
  }
  // Unmanaged target groups, and a managed group left the source with a protected member.
  tgroups.push({ id: 'g-unmanaged', displayName: 'Unmanaged', members: [] });
  tgroups.push({ id: 'g-protected', displayName: 'Protected left', members: [idOf.get(member(97)) ?? 'x'] });
  groupRecords['protected left'] = { targetId: 'g-protected', displayName: 'Protected left', ownership: 'created' };
  return { groups, tgroups, groupRecords };
}
