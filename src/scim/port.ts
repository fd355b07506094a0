import type { TargetGroup, TargetSnapshot, TargetUser } from '../model/types.js';
import type { UserAttributes } from '../plan/types.js';

/** HTTP requests made to the target, by method (GET, POST, PUT, PATCH, DELETE). */
export type RequestCounts = Record<string, number>;

/**
 * The SCIM target as the rest of scimsync sees it. Profiles (amplitude, rfc) live behind it; retries,
 * the rate budget and 429 handling happen inside it, per HTTP request.
 */
export interface ScimTarget {
  /** The base URL (for state and plan basis). Never includes the token. */
  readonly baseUrl: string;
  /** Reads every user and group with the largest page the target allows. Throws on any page error. */
  snapshot(signal?: AbortSignal): Promise<TargetSnapshot>;
  /**
   * Creates a user. If the target already has it (409, or a retried POST whose first attempt succeeded),
   * looks it up by userName and returns it with `adopted: true` instead of duplicating.
   */
  createUser(attrs: UserAttributes, signal?: AbortSignal): Promise<{ user: TargetUser; adopted: boolean }>;
  updateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void>;
  /** Sets active:false (Amplitude: removes the user from the org). */
  deactivateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void>;
  deleteUser(id: string, signal?: AbortSignal): Promise<void>;
  findUserByUserName(userName: string, signal?: AbortSignal): Promise<TargetUser | undefined>;
  /** Creates a group (Amplitude answers 200, not 201). Adopts an existing one of the same name on conflict. */
  createGroup(displayName: string, memberIds: readonly string[], signal?: AbortSignal): Promise<{ group: TargetGroup; adopted: boolean }>;
  /** One group as the target holds it now; undefined when it is gone (404). */
  getGroup(id: string, signal?: AbortSignal): Promise<TargetGroup | undefined>;
  /** One PATCH adding and removing member ids. */
  patchMembers(groupId: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<void>;
  deleteGroup(id: string, signal?: AbortSignal): Promise<void>;
  /** Requests made so far, by method. */
  requestCounts(): RequestCounts;
  /**
   * Requests made so far by method, then by response status ("200", "429", …; "error" when no response
   * arrived). Optional: the daemon's `scimsync_requests_total{method,status}` uses it when present.
   */
  requestStatusCounts?(): Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Writes sent and not yet answered. A caller's signal abandons waits (rate budget, retry backoff) and
   * reads, never a write already sent: its outcome must be known to be recorded. Optional (`apply`'s Ctrl-C
   * message says how many it waits for).
   */
  writesInFlight?(): number;
  close(): Promise<void>;
}
