/**
 * The plan is plain data (Terraform-style): computed by a pure function, printed, saved as JSON, reviewed,
 * and applied later exactly as reviewed. The executor reads only this, never config or mode flags.
 */
import type { UserAttributes } from '../model/types.js';

/** A stable string naming one operation, e.g. `user:create:jdoe@example.com`. */
export type OpKey = string;

/** An existing target object, or the object an earlier operation of the same plan creates. */
export type TargetRef = { readonly id: string } | { readonly createdBy: OpKey };

// Transitional: UserAttributes belongs to the model (model/types.ts); this re-export keeps imports from
// plan/types.js compiling until every caller imports it from model/. Remove it once none does.
export type { UserAttributes } from '../model/types.js';

export interface MemberRef {
  readonly userName: string;
  readonly target: TargetRef;
  /**
   * The group lists this id but no target user has it (a deleted user the server kept as a member): it is
   * removed, and `userName` is the raw value the group holds.
   */
  readonly orphan?: true | undefined;
}

interface OpBase {
  readonly key: OpKey;
  /** Display only: why this operation is in the plan. Never drives apply. */
  readonly reason: string;
}

export type PlannedOperation =
  | (OpBase & {
      readonly kind: 'deleteUser';
      readonly sourceId: string | null;
      readonly userName: string;
      readonly target: { readonly id: string };
      /** delete = DELETE /Users/:id; deactivate = set active:false (Amplitude: same effect). */
      readonly mode: 'delete' | 'deactivate';
      /** The names the target last showed (empty when unknown): a full-body deactivation (PUT) resends them. */
      readonly names?: { readonly givenName: string; readonly familyName: string } | undefined;
      /**
       * Managed groups listing this user, when the profile does not promise that a delete drops memberships
       * (rfc: the RFC does not require it). After the deletes the executor reads one of these groups; if the
       * server kept the deleted user, it removes it from each of them in the same run.
       */
      readonly memberOf?: readonly { readonly groupName: string; readonly groupId: string }[] | undefined;
    })
  | (OpBase & {
      readonly kind: 'createUser';
      readonly sourceId: string;
      readonly attributes: UserAttributes;
      /** Hash recorded in state as pushedHash once applied. */
      readonly hash: string;
      /**
       * Amplitude: no POST /Users; the user is invited by the first write of these groups (createGroup or
       * updateMembers of this plan adding it) that succeeds. Absent: a POST /Users.
       */
      readonly invitedThrough?: readonly string[] | undefined;
    })
  | (OpBase & {
      readonly kind: 'updateUser';
      readonly sourceId: string;
      readonly target: { readonly id: string };
      readonly before: { readonly givenName: string | null; readonly familyName: string | null };
      readonly attributes: UserAttributes;
      readonly hash: string;
      /** The target holds the user as inactive (rfc after `deprovision: deactivate`): send active:true too. */
      readonly reactivate?: boolean | undefined;
    })
  | (OpBase & {
      /** Record an existing target user in state; no request. */
      readonly kind: 'adoptUser';
      readonly sourceId: string;
      readonly userName: string;
      readonly target: { readonly id: string };
      readonly hash: string;
    })
  | (OpBase & { readonly kind: 'createGroup'; readonly name: string; readonly members: readonly MemberRef[] })
  | (OpBase & { readonly kind: 'adoptGroup'; readonly name: string; readonly target: { readonly id: string } })
  | (OpBase & {
      /** One PATCH: adds and removes for one group (one chunk of them if the profile limits members per request). */
      readonly kind: 'updateMembers';
      readonly groupName: string;
      readonly group: TargetRef;
      readonly add: readonly MemberRef[];
      readonly remove: readonly MemberRef[];
    })
  | (OpBase & { readonly kind: 'deleteGroup'; readonly name: string; readonly target: { readonly id: string } });

export type OperationKind = PlannedOperation['kind'];

/** The exact keys of the contract's `summary` object (design.md). Each is a count. */
export interface PlanSummary {
  createUsers: number;
  updateUsers: number;
  deleteUsers: number;
  createGroups: number;
  updateGroups: number;
  deleteGroups: number;
  addMembers: number;
  removeMembers: number;
  adoptUsers: number;
  adoptGroups: number;
}

/** How the target side of a plan was obtained (shown in the plan; `apply --plan` insists on the same kind). */
export type TargetReadBasis =
  | {
      /** Listed in full for this plan. */
      readonly source: 'read';
      readonly readAt: string;
      /** Requests the read cost. */
      readonly requests: number;
      /** Why a full read was due (first run, --refresh, fullReadEvery elapsed, last run did not converge, …). */
      readonly reason: string;
    }
  | {
      /** The target as last read in full, plus the writes scimsync applied since: no request. */
      readonly source: 'snapshot';
      readonly readAt: string;
      readonly writesSince: number;
      /** When the next full read is due. */
      readonly nextFullReadAt: string;
    };

/** The guard's rules, each named after its `sync.safety` key. */
export type SafetyRule = 'maxDeletes' | 'maxDeletePercent' | 'maxGroupDeletes' | 'maxMemberRemovals' | 'maxMemberRemovalPercent';

export interface SafetyViolation {
  readonly rule: SafetyRule;
  readonly limit: number;
  /** The value compared with `limit`: a count, or a percentage for the *Percent rules. */
  readonly actual: number;
  /** What the rule counts (users deleted, groups deleted, members removed): `--allow-deletes N` lifts it when N ≥ count. */
  readonly count: number;
  readonly message: string;
}

/**
 * A managed user whose source entry cannot be read (an unmapped status value, a bad or conflicting row): the
 * plan neither changes nor deletes it, and says so first, every run, until the entry is fixed.
 */
export interface HeldUser {
  /** The target user's userName. */
  readonly userName: string;
  /** The source id scimsync recorded for it, or null (`manageAllUsers` without a record). */
  readonly sourceId: string | null;
  /** The source entries that could not be read (`users.csv:12` and why). */
  readonly entries: readonly { readonly entry: string; readonly reason: string }[];
  readonly fix: string;
}

export interface Plan {
  readonly formatVersion: 1;
  /** What the plan was computed from; `apply --plan` refuses a plan whose basis no longer holds. */
  readonly basis: {
    /** The target base URL (never the token). */
    readonly target: string;
    /** Hash of the config that matters to the plan (source, target url/profile, sync). */
    readonly configHash: string;
    readonly stateLineage: string;
    readonly stateSerial: number;
    /** Hash of the target snapshot the plan was computed against. */
    readonly actualHash: string;
    readonly createdAt: string;
    /** Where "actual" came from: a full read now, or the snapshot kept since the last one. Absent in old plans (= read). */
    readonly targetRead?: TargetReadBasis | undefined;
  };
  /** Ordered: deprovision, create users, update users, create groups, memberships, delete groups. */
  readonly operations: readonly PlannedOperation[];
  readonly summary: PlanSummary;
  readonly skipped: readonly { readonly entry: string; readonly reason: string }[];
  /** Non-empty: the plan must not be applied without `--allow-deletes`. */
  readonly blocked: readonly SafetyViolation[];
  /** Managed users left exactly as they are because their source entry cannot be read. */
  readonly held: readonly HeldUser[];
  /** Users and groups scimsync leaves alone on purpose (unmanaged, protected, quarantined …): a count by reason, for display. */
  readonly untouched: Readonly<Record<string, number>>;
}

/** Everything from config that shapes a plan. */
export interface PlanPolicy {
  readonly deprovision: 'delete' | 'deactivate' | 'none';
  /** Emails (lower-case) or glob patterns never touched. */
  readonly protect: readonly string[];
  readonly groups: { readonly enabled: boolean; readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly safety: {
    readonly maxDeletes: number;
    readonly maxDeletePercent: number;
    readonly maxGroupDeletes: number;
    readonly maxMemberRemovals: number;
    readonly maxMemberRemovalPercent: number;
  };
  /** `--allow-deletes N`: lifts each guard rule whose count (users, groups or members) is at most N. */
  readonly allowDeletes: number;
  /** Also deprovision unmanaged target users who are not in the source (dangerous; default false). */
  readonly manageAllUsers: boolean;
  /** On an email change of the same source id: delete the old user (default) or leave it. */
  readonly onEmailChange: 'delete-old' | 'keep-old';
  /** Max members (adds + removes) in one group PATCH. */
  readonly maxMembersPerPatch: number;
  /** Amplitude: a new user who joins a synced group is invited by that group's write instead of a POST /Users. */
  readonly inviteThroughGroups?: boolean | undefined;
  /** Profile facts the diff needs. */
  readonly profile: {
    readonly name: 'amplitude' | 'rfc';
    /** Member values in groups are user ids (rfc) — for amplitude ids are emails anyway. */
    readonly sendsExternalId: boolean;
    /**
     * The target documents that a deprovisioned user (deleted or deactivated) leaves every group (Amplitude:
     * both remove the user from the org). When false (rfc), a deactivated user stays a member, so the plan
     * removes it; a deleted user's memberships are checked after the delete (see `memberOf`).
     */
    readonly deprovisionDropsMembers: boolean;
  };
}
