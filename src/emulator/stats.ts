import type { EmulatorStats } from './types.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Counters of SCIM requests (never /_admin/ ones): each request is counted once, on arrival. */
export class StatsCounter {
  private s: EmulatorStats = StatsCounter.empty();
  /** List GETs being answered now (not reset with the stats: they are still running). */
  private listsInFlight = 0;

  private static empty(): EmulatorStats {
    return { total: 0, byMethod: {}, byRoute: {}, byStatus: {}, writes: 0, maxListsInFlight: 0 };
  }

  arrived(method: string, route: string): void {
    this.s.total++;
    this.s.byMethod[method] = (this.s.byMethod[method] ?? 0) + 1;
    this.s.byRoute[route] = (this.s.byRoute[route] ?? 0) + 1;
    if (WRITE_METHODS.has(method)) this.s.writes++;
  }

  /** `status` is the HTTP status, or `reset` for a socket destroyed without an answer. */
  answered(status: number | 'reset'): void {
    const key = String(status);
    this.s.byStatus[key] = (this.s.byStatus[key] ?? 0) + 1;
  }

  /** A list GET (GET /Users, GET /Groups) starts being answered; `listEnded` when its answer is sent. */
  listStarted(): void {
    this.listsInFlight++;
    this.s.maxListsInFlight = Math.max(this.s.maxListsInFlight, this.listsInFlight);
  }

  listEnded(): void {
    this.listsInFlight--;
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = StatsCounter.empty();
    this.s.maxListsInFlight = this.listsInFlight;
  }
}
