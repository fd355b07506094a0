import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import { parseQuirks, type Quirks } from './quirks.js';
import type { EmulatorOptions, EmulatorProfile, EmulatorSeed, FaultOptions, RetryAfterMode } from './types.js';

export interface ResolvedOptions {
  host: string;
  port: number;
  token: string;
  profile: EmulatorProfile;
  rateLimit: number;
  retryAfter: RetryAfterMode;
  pendingNames: 'placeholder' | 'keep';
  seed: EmulatorSeed | undefined;
  maxMembersPerPatch: number;
  faults: FaultOptions | undefined;
  persistPath: string | undefined;
  maxBodyBytes: number;
  etag: boolean;
  clock: () => number;
  quirks: Quirks;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_TOKEN = 'emulator-token';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function bad(option: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(
    `emulator option ${option} must be ${expected}, got ${JSON.stringify(value)}`,
    [{ path: option, message: `expected ${expected}` }],
    `set ${option} to ${expected}`,
  );
}

function intAtLeast(option: string, value: number | undefined, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw bad(option, value, `an integer from ${min} to ${max}`);
  return value;
}

function oneOf<T extends string>(option: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw bad(option, value, `one of ${allowed.join(', ')}`);
  return value;
}

/** Merges defaults once and checks every option, naming the bad one (p-queue style). */
export function resolveOptions(o: EmulatorOptions = {}): ResolvedOptions {
  const profile = oneOf('profile', o.profile, ['amplitude', 'rfc'], 'amplitude');
  const token = o.token ?? DEFAULT_TOKEN;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) throw bad('token', '[redacted]', 'a non-empty string without spaces');
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) throw bad('host', o.host, 'a host name or address');
  if (o.faults !== undefined) validateFaults(o.faults);
  return {
    host: o.host ?? '127.0.0.1',
    port: intAtLeast('port', o.port, 0, 0, 65535),
    token,
    profile,
    rateLimit: intAtLeast('rateLimit', o.rateLimit, 0, profile === 'amplitude' ? 100 : 0),
    retryAfter: oneOf('retryAfter', o.retryAfter, ['seconds', 'absent', 'date'], 'seconds'),
    pendingNames: oneOf('pendingNames', o.pendingNames, ['placeholder', 'keep'], 'placeholder'),
    seed: o.seed,
    maxMembersPerPatch: intAtLeast('maxMembersPerPatch', o.maxMembersPerPatch, 0, 0),
    faults: o.faults,
    persistPath: o.persistPath,
    maxBodyBytes: intAtLeast('maxBodyBytes', o.maxBodyBytes, 1, DEFAULT_MAX_BODY_BYTES),
    etag: o.etag ?? true,
    clock: o.clock ?? Date.now,
    quirks: parseQuirks(o.quirks),
    sleep: o.sleep ?? ((ms) => delay(ms)),
  };
}

function rate(option: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw bad(option, v, 'a probability from 0 to 1');
}

/** Checks a FaultOptions value (it also arrives as JSON through /_admin/faults). */
export function validateFaults(f: FaultOptions): void {
  if (f === null || typeof f !== 'object') throw bad('faults', f, 'an object');
  if (f.seed !== undefined && !Number.isInteger(f.seed)) throw bad('faults.seed', f.seed, 'an integer');
  rate('faults.resetRate', f.resetRate);
  intAtLeast('faults.latencyMs', f.latencyMs, 0, 0);
  intAtLeast('faults.latencyJitterMs', f.latencyJitterMs, 0, 0);
  if (f.errorRate !== undefined) {
    if (!Array.isArray(f.errorRate)) throw bad('faults.errorRate', f.errorRate, 'an array of {status, rate}');
    for (const e of f.errorRate) {
      if (![500, 502, 503].includes(e?.status)) throw bad('faults.errorRate[].status', e?.status, '500, 502 or 503');
      rate('faults.errorRate[].rate', e.rate);
    }
  }
  if (f.burst429 !== undefined) {
    intAtLeast('faults.burst429.every', f.burst429?.every, 1, 1);
    intAtLeast('faults.burst429.length', f.burst429?.length, 0, 0, f.burst429?.every);
  }
  if (f.script !== undefined) {
    if (!Array.isArray(f.script)) throw bad('faults.script', f.script, 'an array');
    for (const s of f.script) {
      if (typeof s?.method !== 'string' || typeof s.route !== 'string') throw bad('faults.script[]', s, '{method, route, nth, action}');
      intAtLeast('faults.script[].nth', s.nth, 1, 1);
      if (!['status', 'reset', 'status-after-commit', 'latency'].includes(s.action)) {
        throw bad('faults.script[].action', s.action, 'status, reset, status-after-commit or latency');
      }
      if ((s.action === 'status' || s.action === 'status-after-commit') && !(Number.isInteger(s.status) && s.status >= 100 && s.status <= 599)) {
        throw bad('faults.script[].status', s.status, 'an HTTP status');
      }
      if (s.action === 'latency') intAtLeast('faults.script[].ms', s.ms, 0, 0);
    }
  }
}
