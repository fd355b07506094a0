import type { FaultOptions } from './types.js';

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'status'; status: number; delayMs: number }
  | { kind: 'status-after-commit'; status: number; delayMs: number }
  | { kind: 'reset'; delayMs: number }
  | { kind: 'burst429'; delayMs: number };

/** mulberry32: a tiny seeded PRNG, so a fault run can be replayed exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normRoute(route: string): string {
  const r = route.trim().replace(/\/+$/, '');
  return (r.startsWith('/') ? r : `/${r}`).replace(/\{id\}/g, ':id');
}

/**
 * Decides, per SCIM request that passed auth and the rate limit, which fault (if any) applies. Scripted
 * faults first (exact, by the nth request of a method + route), then the burst pattern, then random ones.
 */
export class Faults {
  private readonly random: () => number;
  private readonly counts = new Map<string, number>();
  private seen = 0;

  constructor(private readonly opts: FaultOptions) {
    this.random = prng(opts.seed ?? 1);
  }

  decide(method: string, route: string): FaultDecision {
    const key = `${method} ${route}`;
    const nth = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, nth);
    this.seen++;
    const o = this.opts;
    // Draw every number every time so a request's fate does not depend on which faults are configured.
    const jitter = this.random();
    const resetDraw = this.random();
    const errorDraw = this.random();
    let delayMs = (o.latencyMs ?? 0) + Math.floor(jitter * (o.latencyJitterMs ?? 0));

    for (const s of o.script ?? []) {
      if (s.nth !== nth || s.method.toUpperCase() !== method || normRoute(s.route) !== route) continue;
      switch (s.action) {
        case 'status':
          return { kind: 'status', status: s.status, delayMs };
        case 'status-after-commit':
          return { kind: 'status-after-commit', status: s.status, delayMs };
        case 'reset':
          return { kind: 'reset', delayMs };
        case 'latency':
          delayMs += s.ms;
          break;
      }
    }
    const burst = o.burst429;
    if (burst && burst.every > 0 && burst.length > 0 && (this.seen - 1) % burst.every >= burst.every - burst.length) {
      return { kind: 'burst429', delayMs };
    }
    if ((o.resetRate ?? 0) > 0 && resetDraw < (o.resetRate ?? 0)) return { kind: 'reset', delayMs };
    let acc = 0;
    for (const e of o.errorRate ?? []) {
      acc += e.rate;
      if (errorDraw < acc) return { kind: 'status', status: e.status, delayMs };
    }
    return { kind: 'none', delayMs };
  }
}
