import { ScimsyncError } from '../errors.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A client-side sliding-window request budget: at most `perMinute` sends in any `windowMs`.
 * It keeps the send times of the last `perMinute` requests and lets a new one go only once the oldest
 * is older than the window, so no burst can exceed what a server's rolling window accepts (a token
 * bucket would allow a full burst right after a quiet minute, which a rolling window may refuse).
 * Waiters are served first come, first served. `perMinute: 0` disables the budget.
 */
export class RateBudget {
  readonly #limit: number;
  readonly #windowMs: number;
  /** Send times (performance.now()), oldest first; never longer than #limit. */
  readonly #sent: number[] = [];
  readonly #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(perMinute: number, windowMs = 60_000) {
    if (!Number.isInteger(perMinute) || perMinute < 0) {
      throw new TypeError(`Expected perMinute to be an integer >= 0, got ${String(perMinute)} (${typeof perMinute})`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new TypeError(`Expected windowMs to be a finite number > 0, got ${String(windowMs)} (${typeof windowMs})`);
    }
    this.#limit = perMinute;
    this.#windowMs = windowMs;
  }

  /** Resolves when a request may be sent now (and records it as sent). Rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortedError());
    if (this.#limit === 0) return Promise.resolve();
    if (this.#waiters.length === 0 && this.#tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(abortedError());
          this.#schedule();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#schedule();
    });
  }

  /** Slots used in the current window (for logs and tests). */
  inWindow(): number {
    this.#prune(performance.now());
    return this.#sent.length;
  }

  #prune(now: number): void {
    while (this.#sent.length > 0 && now - (this.#sent[0] as number) > this.#windowMs) this.#sent.shift();
  }

  #tryTake(): boolean {
    const now = performance.now();
    this.#prune(now);
    if (this.#sent.length >= this.#limit) return false;
    this.#sent.push(now);
    return true;
  }

  #pump(): void {
    this.#timer = undefined;
    while (this.#waiters.length > 0 && this.#tryTake()) {
      const w = this.#waiters.shift() as Waiter;
      w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#waiters.length === 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#timer) return;
    const oldest = this.#sent[0];
    // +1 ms: the oldest must be strictly older than the window, and timers may fire a hair early.
    const wait = oldest === undefined ? 0 : Math.max(0, oldest + this.#windowMs - performance.now() + 1);
    this.#timer = setTimeout(() => this.#pump(), wait);
  }
}

function abortedError(): ScimsyncError {
  return new ScimsyncError('SCIMSYNC_ABORTED', 'the SCIM request was aborted while waiting for the rate budget', {
    fix: 'nothing to do: the run was stopped on purpose',
  });
}
