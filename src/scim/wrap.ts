import type { TargetGroup, TargetSnapshot, TargetUser, UserAttributes } from '../model/index.js';
import type { RequestCounts, ScimTarget } from './port.js';

/**
 * The one way to wrap a ScimTarget (a decorator). Every member passes to the wrapped target, the optional
 * ones only where it has them; a subclass overrides the calls it watches and calls `super` to send them
 * (run/live-target.ts folds accepted writes into the snapshot). With `signal`, every call not given its
 * own carries that one (apply/stop-signal.ts: a stop abandons what is only waiting).
 */
export class WrappedTarget implements ScimTarget {
  readonly baseUrl: string;
  readonly requestStatusCounts?: () => Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly writesInFlight?: () => number;
  readonly #inner: ScimTarget;
  readonly #signal: AbortSignal | undefined;

  constructor(inner: ScimTarget, options: { readonly signal?: AbortSignal | undefined } = {}) {
    this.#inner = inner;
    this.#signal = options.signal;
    this.baseUrl = inner.baseUrl;
    // Optional members stay optional: a caller that checks for one must see whether the target has it.
    if (inner.requestStatusCounts) this.requestStatusCounts = () => inner.requestStatusCounts?.() ?? {};
    if (inner.writesInFlight) this.writesInFlight = () => inner.writesInFlight?.() ?? 0;
  }

  snapshot(signal?: AbortSignal): Promise<TargetSnapshot> {
    return this.#inner.snapshot(signal ?? this.#signal);
  }

  createUser(attrs: UserAttributes, signal?: AbortSignal): Promise<{ user: TargetUser; adopted: boolean }> {
    return this.#inner.createUser(attrs, signal ?? this.#signal);
  }

  updateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    return this.#inner.updateUser(id, attrs, signal ?? this.#signal);
  }

  deactivateUser(id: string, attrs: UserAttributes, signal?: AbortSignal): Promise<void> {
    return this.#inner.deactivateUser(id, attrs, signal ?? this.#signal);
  }

  deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    return this.#inner.deleteUser(id, signal ?? this.#signal);
  }

  findUserByUserName(userName: string, signal?: AbortSignal): Promise<TargetUser | undefined> {
    return this.#inner.findUserByUserName(userName, signal ?? this.#signal);
  }

  createGroup(displayName: string, memberIds: readonly string[], signal?: AbortSignal): Promise<{ group: TargetGroup; adopted: boolean }> {
    return this.#inner.createGroup(displayName, memberIds, signal ?? this.#signal);
  }

  getGroup(id: string, signal?: AbortSignal): Promise<TargetGroup | undefined> {
    return this.#inner.getGroup(id, signal ?? this.#signal);
  }

  patchMembers(groupId: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.#inner.patchMembers(groupId, add, remove, signal ?? this.#signal);
  }

  deleteGroup(id: string, signal?: AbortSignal): Promise<void> {
    return this.#inner.deleteGroup(id, signal ?? this.#signal);
  }

  requestCounts(): RequestCounts {
    return this.#inner.requestCounts();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
