import { describe, expect, it } from 'vitest';
import { TIMEOUT_CODE, backoffDelay, decideRetry, type AttemptOutcome, type RetryDecision } from '../../../src/scim/retry-rules.js';

const status = (s: number): AttemptOutcome => ({ kind: 'status', status: s });
const net = (code: string | undefined): AttemptOutcome => ({ kind: 'network', code });

describe('decideRetry', () => {
  it.each<[string, AttemptOutcome, RetryDecision]>([
    ['GET', status(429), 'retry'],
    ['POST', status(429), 'retry'],
    ['PATCH', status(429), 'retry'],
    ['GET', status(503), 'retry'],
    ['PUT', status(500), 'retry'],
    ['DELETE', status(504), 'retry'],
    ['PATCH', status(502), 'retry'],
    ['POST', status(502), 'ambiguous'],
    ['POST', status(503), 'ambiguous'],
    ['GET', status(400), 'fail'],
    ['POST', status(409), 'fail'],
    ['GET', status(404), 'fail'],
    ['GET', status(501), 'fail'],
    ['GET', net('ECONNRESET'), 'retry'],
    ['GET', net('UND_ERR_SOCKET'), 'retry'],
    ['PUT', net('UND_ERR_HEADERS_TIMEOUT'), 'retry'],
    ['POST', net('ECONNRESET'), 'ambiguous'],
    ['POST', net('UND_ERR_HEADERS_TIMEOUT'), 'ambiguous'],
    ['POST', net('ECONNREFUSED'), 'retry'],
    ['POST', net('UND_ERR_CONNECT_TIMEOUT'), 'retry'],
    ['GET', net(TIMEOUT_CODE), 'retry'],
    ['POST', net(TIMEOUT_CODE), 'ambiguous'],
    ['GET', net('ERR_TLS_CERT_ALTNAME_INVALID'), 'fail'],
    ['GET', net(undefined), 'fail'],
  ])('%s after %j → %s', (method, outcome, expected) => {
    expect(decideRetry(method, outcome)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  const backoff = { baseMs: 100, maxMs: 1000 };
  it('is full jitter: anywhere from 0 up to base·2^retry', () => {
    expect(backoffDelay(0, backoff, 0)).toBe(0);
    expect(backoffDelay(0, backoff, 0.999)).toBe(99);
    expect(backoffDelay(2, backoff, 0.5)).toBe(200);
  });
  it('is capped at maxMs', () => {
    expect(backoffDelay(10, backoff, 0.999)).toBe(999);
    expect(backoffDelay(60, backoff, 0.5)).toBe(500);
  });
});
