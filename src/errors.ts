/**
 * Every error scimsync throws on purpose. Branch on `code` (and `retryable`), never on message text.
 * Messages are one line a person can act on: what went wrong, where, and the fix. They never carry a secret.
 */
export type ErrorCode =
  | 'SCIMSYNC_CONFIG_INVALID'
  | 'SCIMSYNC_SOURCE_READ'
  | 'SCIMSYNC_SOURCE_INVALID'
  | 'SCIMSYNC_SCIM_HTTP'
  | 'SCIMSYNC_SCIM_AUTH'
  | 'SCIMSYNC_SCIM_NETWORK'
  /** A target list could not be proven complete (paging broken, an oversized body): nothing was written. */
  | 'SCIMSYNC_TARGET_READ_INCOMPLETE'
  /** The target asked to wait longer than allowed, or retries used up the run's retry time: the run stopped. */
  | 'SCIMSYNC_TARGET_THROTTLED'
  | 'SCIMSYNC_PLAN_STALE'
  | 'SCIMSYNC_PLAN_MISMATCH'
  | 'SCIMSYNC_SAFETY_BLOCKED'
  | 'SCIMSYNC_STATE_CORRUPT'
  | 'SCIMSYNC_STATE_LOCKED'
  | 'SCIMSYNC_STATE_OTHER_TARGET'
  | 'SCIMSYNC_STATE_IO'
  | 'SCIMSYNC_ABORTED';

export class ScimsyncError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** What the user should do about it; printed on its own line by the CLI. */
  readonly fix: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; fix?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.fix = opts.fix;
  }
}

export class ConfigError extends ScimsyncError {
  /** One entry per problem: `path` is the dotted config path (or file:line), `message` says what and how to fix. */
  readonly issues: readonly { path: string; message: string }[];
  constructor(message: string, issues: readonly { path: string; message: string }[] = [], fix?: string) {
    super('SCIMSYNC_CONFIG_INVALID', message, { fix });
    this.issues = issues;
  }
}

/** The source could not be read completely. A run that sees this never writes to the target. */
export class SourceError extends ScimsyncError {
  constructor(message: string, opts: { fix?: string; cause?: unknown; code?: 'SCIMSYNC_SOURCE_READ' | 'SCIMSYNC_SOURCE_INVALID' } = {}) {
    super(opts.code ?? 'SCIMSYNC_SOURCE_READ', message, { fix: opts.fix, cause: opts.cause });
  }
}

/** An HTTP-level failure talking to the SCIM target. */
export class TargetError extends ScimsyncError {
  readonly status: number | undefined;
  readonly scimType: string | undefined;
  constructor(message: string, opts: { status?: number; scimType?: string; retryable?: boolean; fix?: string; cause?: unknown; code?: ErrorCode } = {}) {
    super(opts.code ?? 'SCIMSYNC_SCIM_HTTP', message, {
      retryable: opts.retryable ?? (opts.status === 429 || (opts.status !== undefined && opts.status >= 500)),
      fix: opts.fix,
      cause: opts.cause,
    });
    this.status = opts.status;
    this.scimType = opts.scimType;
  }
}

export class StateError extends ScimsyncError {
  constructor(
    code: 'SCIMSYNC_STATE_CORRUPT' | 'SCIMSYNC_STATE_LOCKED' | 'SCIMSYNC_STATE_OTHER_TARGET' | 'SCIMSYNC_STATE_IO',
    message: string,
    fix?: string,
    cause?: unknown,
  ) {
    super(code, message, { fix, cause });
  }
}

export class PlanError extends ScimsyncError {
  constructor(code: 'SCIMSYNC_PLAN_STALE' | 'SCIMSYNC_PLAN_MISMATCH' | 'SCIMSYNC_SAFETY_BLOCKED', message: string, fix?: string) {
    super(code, message, { fix });
  }
}

export function isScimsyncError(err: unknown): err is ScimsyncError {
  return err instanceof ScimsyncError;
}
