/** A rolling 60-second window per token, as Amplitude's "100 requests per minute per organization". */
export const WINDOW_MS = 60_000;

interface Window {
  times: number[];
  head: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Admits a request (returns 0) or refuses it, returning the ms until the oldest request in the window
   * leaves it. A refused request does not use a slot.
   */
  take(token: string): number {
    if (this.limit <= 0) return 0;
    const now = this.clock();
    let w = this.windows.get(token);
    if (!w) {
      w = { times: [], head: 0 };
      this.windows.set(token, w);
    }
    while (w.head < w.times.length && (w.times[w.head] as number) <= now - WINDOW_MS) w.head++;
    if (w.head > 1024) {
      w.times = w.times.slice(w.head);
      w.head = 0;
    }
    if (w.times.length - w.head >= this.limit) {
      return Math.max(1, (w.times[w.head] as number) + WINDOW_MS - now);
    }
    w.times.push(now);
    return 0;
  }

  reset(): void {
    this.windows.clear();
  }
}
