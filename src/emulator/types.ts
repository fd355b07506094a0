/**
 * Public types of the SCIM emulator. Other modules (the SCIM client's tests, the end-to-end sync tests,
 * the CLI) code against these exactly, so fields are only ever added, never renamed.
 */

export type EmulatorProfile = 'amplitude' | 'rfc';
export type RetryAfterMode = 'seconds' | 'absent' | 'date';

export interface EmulatorSeedUser {
  readonly userName: string;
  readonly givenName?: string;
  readonly familyName?: string;
  /** Seed the user as invited but never signed up (Amplitude placeholders). @default false */
  readonly pending?: boolean;
  readonly externalId?: string;
}

export interface EmulatorSeedGroup {
  readonly displayName: string;
  /** Member emails (userNames). */
  readonly members?: readonly string[];
}

export interface EmulatorSeed {
  readonly users?: readonly EmulatorSeedUser[];
  readonly groups?: readonly EmulatorSeedGroup[];
}

export type ScriptedFault =
  | { readonly method: string; readonly route: string; readonly nth: number; readonly action: 'status'; readonly status: number }
  | { readonly method: string; readonly route: string; readonly nth: number; readonly action: 'reset' }
  /** The write is committed, then `status` is answered: the ambiguous-failure case. */
  | { readonly method: string; readonly route: string; readonly nth: number; readonly action: 'status-after-commit'; readonly status: number }
  | { readonly method: string; readonly route: string; readonly nth: number; readonly action: 'latency'; readonly ms: number };

export interface FaultOptions {
  /** PRNG seed: the same seed and request sequence give the same faults. @default 1 */
  readonly seed?: number;
  /** Random server errors; rates are probabilities per request (0..1), drawn in order. */
  readonly errorRate?: readonly { readonly status: 500 | 502 | 503; readonly rate: number }[];
  /** Added delay before every SCIM request is handled. */
  readonly latencyMs?: number;
  /** Extra random delay, uniform in [0, latencyJitterMs). */
  readonly latencyJitterMs?: number;
  /** Probability of destroying the socket without answering. */
  readonly resetRate?: number;
  /** In every cycle of `every` requests, the last `length` get 429 (Retry-After 1 s when in seconds mode). */
  readonly burst429?: { readonly every: number; readonly length: number };
  /** `nth` counts requests matching method + route template (e.g. `POST /Users`, `/Users/:id`) since set. */
  readonly script?: readonly ScriptedFault[];
}

export interface EmulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default 'emulator-token' */
  token?: string;
  /** @default 'amplitude' */
  profile?: EmulatorProfile;
  /** Requests per rolling 60 s per token; 0 = off. @default 100 (amplitude), 0 (rfc) */
  rateLimit?: number;
  /** How 429s carry Retry-After. @default 'seconds' */
  retryAfter?: RetryAfterMode;
  /** Amplitude: pending users show NO_GIVEN_NAME/NO_FAMILY_NAME until they accept. @default 'placeholder' */
  pendingNames?: 'placeholder' | 'keep';
  seed?: EmulatorSeed;
  /** Members named per PATCH /Groups above which it is refused (400 tooMany amplitude, 413 rfc). 0 = unlimited. */
  maxMembersPerPatch?: number;
  faults?: FaultOptions;
  /** JSON file the users and groups are loaded from (if present) and saved to after each write. */
  persistPath?: string;
  /** @default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  /** RFC profile: ETag / If-Match support (412 on mismatch). @default true */
  etag?: boolean;
  /** Clock in ms (tests of the rate-limit window). @default Date.now */
  clock?: () => number;
  /**
   * Behaviours of real servers to imitate, `NAME` or `NAME=VALUE` (e.g. `page-size-cap=50`); see
   * docs/emulator-quirks.md. An unknown name is a ConfigError listing the known ones. @default []
   */
  quirks?: readonly string[];
  /** How the emulator waits (the slow-list quirk); tests pass their own to observe it. @default timers setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface EmulatorStats {
  total: number;
  byMethod: Record<string, number>;
  byRoute: Record<string, number>;
  /** By HTTP status; a socket destroyed by a fault counts under `reset`. */
  byStatus: Record<string, number>;
  /** POST + PUT + PATCH + DELETE. */
  writes: number;
  /** The most list GETs (GET /Users, GET /Groups) answered at the same time: above 1 when a client reads ahead. */
  maxListsInFlight: number;
}

export interface EmulatorUser {
  id: string;
  userName: string;
  /** What was last sent (not the placeholder a pending user shows); null if never sent. */
  givenName: string | null;
  familyName: string | null;
  /** false when deactivated (rfc); an rfc user whose `active` was removed counts as active. */
  active: boolean;
  /** Invited, never signed up (Amplitude). Always false in the rfc profile. */
  pending: boolean;
  externalId?: string;
}

export interface EmulatorGroup {
  id: string;
  displayName: string;
  /** rfc profile only. */
  externalId?: string;
  /** Member user ids (Amplitude: emails). */
  members: string[];
}

export type EmulatorEventType = 'invite' | 'accept' | 'create' | 'update' | 'remove' | 'revoke' | 'deactivate' | 'activate' | 'delete';

export interface EmulatorEvent {
  type: EmulatorEventType;
  userName: string;
  /** ISO-8601 time. */
  at: string;
}

/** Inspection and control of a running emulator: in-process here, over HTTP under /_admin/. */
export interface EmulatorControls {
  stats(): EmulatorStats;
  resetStats(): void;
  users(): EmulatorUser[];
  groups(): EmulatorGroup[];
  events(): EmulatorEvent[];
  rotateToken(newToken?: string): string;
  /** A pending user signs up: the names last sent now show (or `names`, if given). */
  acceptInvite(userName: string, names?: { givenName: string; familyName: string }): void;
  setFaults(f: FaultOptions): void;
  /** Replaces the quirks in force (same names as EmulatorOptions.quirks; [] = none), from the next request on. */
  setQuirks(quirks: readonly string[]): void;
}

export interface RunningEmulator extends EmulatorControls {
  /** SCIM base URL with a trailing slash. */
  url: string;
  adminUrl: string;
  token: string;
  stop(): Promise<void>;
}
