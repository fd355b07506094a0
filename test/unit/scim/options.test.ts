import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { resolveScimClientOptions } from '../../../src/scim/options.js';

const base = { url: 'https://core.amplitude.com/scim/1', token: 'secret-token-xyz', profile: 'amplitude' } as const;

describe('resolveScimClientOptions', () => {
  it('fills defaults and normalises the base URL to end with /', () => {
    const o = resolveScimClientOptions(base);
    expect(o.url.href).toBe('https://core.amplitude.com/scim/1/');
    expect(o).toMatchObject({
      perMinute: 90,
      concurrency: 2,
      maxRetries: 5,
      timeoutMs: 30_000,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      rejectUnauthorized: true,
    });
    expect(o).toMatchObject({ maxResponseBytes: 32 * 1024 * 1024, maxRetryAfterSeconds: 120, maxRetryTimeSeconds: 600 });
  });

  it.each([
    [{ perMinute: -1 }, /perMinute: expected an integer >= 0, got -1 \(number\)/],
    [{ concurrency: 0 }, /concurrency/],
    [{ maxRetries: 1.5 }, /maxRetries/],
    [{ timeoutMs: '5' }, /timeoutMs: expected an integer >= 1, got "5" \(string\)/],
    [{ backoff: { baseMs: 100, maxMs: 10 } }, /backoff.maxMs/],
    [{ profile: 'okta' }, /profile/],
    [{ url: 'ftp://x/scim' }, /url/],
    [{ url: 'not a url' }, /url/],
    [{ rejectUnauthorized: 'no' }, /rejectUnauthorized/],
    [{ maxResponseBytes: 100 }, /maxResponseBytes: expected an integer >= 1024, got 100/],
    [{ maxRetryAfterSeconds: -1 }, /maxRetryAfterSeconds/],
    [{ maxRetryTimeSeconds: 0.5 }, /maxRetryTimeSeconds/],
  ])('refuses %j', (patch, message) => {
    expect(() => resolveScimClientOptions({ ...base, ...(patch as object) } as never)).toThrow(message);
  });

  it('refuses credentials or a query in the URL without echoing them', () => {
    for (const url of ['https://user:pa55word@h/scim/1/', 'https://h/scim/1/?token=pa55word']) {
      const err = (() => {
        try {
          resolveScimClientOptions({ ...base, url });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(String(err)).not.toContain('pa55word');
    }
  });

  it('refuses an empty or multi-line token without showing it', () => {
    expect(() => resolveScimClientOptions({ ...base, token: '' })).toThrow(/token/);
    try {
      resolveScimClientOptions({ ...base, token: 'abc\r\nX-Evil: 1' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('X-Evil');
    }
  });
});
