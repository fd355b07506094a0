import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';
import { resolveScimClientOptions } from '../../../src/scim/options.js';

/** target.url's problem as the config loader reports it, or undefined when the config loads. */
function configSays(url: string): string | undefined {
  try {
    parseConfig(`source: { type: csv, users: ./u.csv }\ntarget: { url: "${url}", token: t0k3n }\n`, { path: 'config.yaml', env: {} });
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.find((i) => i.path === 'target.url')?.message;
  }
}

/** target.url's problem as the SCIM client reports it, or undefined when it accepts the URL. */
function clientSays(url: string): string | undefined {
  try {
    resolveScimClientOptions({ url, token: 't0k3n', profile: 'amplitude' });
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.find((i) => i.path === 'target.url')?.message;
  }
}

describe('target URL: the config and the SCIM client apply one rule set', () => {
  it.each([
    ['https://core.amplitude.com/scim/1/', undefined],
    ['https://core.amplitude.com/scim/1', undefined],
    ['http://127.0.0.1:8080/scim/1/', undefined],
    ['http://[::1]:8080/scim/1/', undefined],
    ['not a url', 'is not a valid URL — e.g. https://core.amplitude.com/scim/1/'],
    ['ftp://x.example/', 'must be an https:// URL, got ftp://'],
    ['https://user:pa55word@x.example/', 'must not contain credentials — put the token in token or tokenFile'],
    // The config used to accept these two; the client refused them only when a run built it.
    [
      'https://x.example/scim/1/?token=pa55word',
      'must not contain a query or fragment — give the SCIM base URL alone, e.g. https://core.amplitude.com/scim/1/',
    ],
    ['https://x.example/scim/1/#frag', 'must not contain a query or fragment — give the SCIM base URL alone, e.g. https://core.amplitude.com/scim/1/'],
    // The client used to accept this one: a library caller could send the token in clear.
    [
      'http://scim.example.com/',
      'http:// is refused for scim.example.com: the token would travel in clear — use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)',
    ],
  ])('%s → %s', (url, message) => {
    expect(configSays(url)).toBe(message);
    expect(clientSays(url)).toBe(message);
    if (message) expect(message).not.toContain('pa55word');
  });
});
