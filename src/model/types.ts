/**
 * The canonical data every part of scimsync speaks: what the source wants (desired), what the target has
 * (actual). Plain, JSON-serialisable objects only. Emails are trimmed and lower-cased before they get here.
 */

/** A person as the source describes them. */
export interface SourceUser {
  /** Stable id from the source: AD objectGUID, LDAP entryUUID, CSV `id` column, else the email. */
  readonly sourceId: string;
  /** Lower-cased, trimmed email. This is the SCIM userName. */
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  /** false = disabled/left in the source: never created, deprovisioned if managed. */
  readonly active: boolean;
  /** Where the entry came from, for messages: `users.csv:12` or an LDAP DN. */
  readonly origin: string;
}

/** A group as the source describes it. Members are emails of SourceUsers (already flattened). */
export interface SourceGroup {
  /** The group's display name in the target. Matching is case-insensitive. */
  readonly name: string;
  readonly members: readonly string[];
  readonly origin: string;
}

/** A source entry left out of the desired state, with the reason (shown in the plan, never a deletion). */
export interface SkippedEntry {
  /** `users.csv:12`, an LDAP DN, or a group name. */
  readonly entry: string;
  readonly reason: string;
  /** The email the entry names, when leaving it out quarantines that person (the plan holds them). */
  readonly email?: string | undefined;
  /** The source id the entry names, when known: a managed user with this id is held, not "left the source". */
  readonly sourceId?: string | undefined;
  /** How to make the entry readable, when the source knows (e.g. map a status value). */
  readonly fix?: string | undefined;
}

export interface DesiredSnapshot {
  readonly users: readonly SourceUser[];
  readonly groups: readonly SourceGroup[];
  readonly skipped: readonly SkippedEntry[];
  /**
   * Emails whose source rows were bad (duplicates with conflicting data, invalid rows that still named an
   * email): the plan must neither create nor delete these users.
   */
  readonly quarantined: readonly string[];
}

/** The attributes scimsync pushes for a user (and hashes, to tell a change in the source from target noise). */
export interface UserAttributes {
  readonly userName: string;
  readonly givenName: string;
  readonly familyName: string;
  /** Sent as externalId where the profile supports it (rfc). */
  readonly externalId?: string | undefined;
}

/** A user as the SCIM target holds it. */
export interface TargetUser {
  /** The target's id (Amplitude: the email; RFC servers: a server-generated id). */
  readonly id: string;
  /** Lower-cased userName (the email). */
  readonly userName: string;
  /** null = unknown: Amplitude's placeholder `NO_GIVEN_NAME` for a pending user, or absent. */
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly active: boolean;
  readonly externalId?: string | undefined;
}

export interface TargetGroup {
  /** Always a string here, whatever JSON type the target used (Amplitude: number in lists). */
  readonly id: string;
  readonly displayName: string;
  /** Target user ids of the members (Amplitude: emails). */
  readonly members: readonly string[];
}

export interface TargetSnapshot {
  readonly users: readonly TargetUser[];
  readonly groups: readonly TargetGroup[];
}
