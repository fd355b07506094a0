import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { parseDuration } from '../../../src/config/duration.js';
import { ConfigError } from '../../../src/errors.js';
import { policyFromConfig } from '../../../src/run/policy.js';

const doc = (target: string, sync = '{}') =>
  `source: { type: csv, users: ./u.csv }\ntarget: { url: "https://core.amplitude.com/scim/1/", token: t0k3n, ${target} }\nsync: ${sync}\n`;

function issuesOf(yaml: string): { path: string; message: string }[] {
  try {
    parseConfig(yaml, { path: '/c/config.yaml', env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('sync.fullReadEvery', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['45s', 45_000],
    ['0', 0],
    [' 2h ', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '1 h', '1h 30m', '-1h', '1w', '1h30'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('defaults to 24h and names the fix for a bad value', () => {
    expect(parseConfig(doc('profile: amplitude'), { path: '/c/config.yaml', env: {} }).config.sync.fullReadEvery).toBe('24h');
    expect(issuesOf(doc('profile: amplitude', '{ fullReadEvery: daily }'))).toEqual([
      { path: 'sync.fullReadEvery', message: 'must be a duration such as "24h", "90m", "1h30m" or "7d" ("0" = read the whole target every run)' },
    ]);
  });
});

describe('target.inviteThroughGroups', () => {
  const policy = (target: string) => policyFromConfig(parseConfig(doc(target), { path: '/c/config.yaml', env: {} }).config);

  it('is on by default for amplitude, off when set false, never on rfc', () => {
    expect(policy('profile: amplitude').inviteThroughGroups).toBe(true);
    expect(policy('profile: amplitude, inviteThroughGroups: false').inviteThroughGroups).toBe(false);
    expect(policy('profile: rfc').inviteThroughGroups).toBe(false);
  });

  it('set true on the rfc profile is a config error with the fix', () => {
    expect(issuesOf(doc('profile: rfc, inviteThroughGroups: true'))).toEqual([
      {
        path: 'target.inviteThroughGroups',
        message: 'is for the amplitude profile only: an RFC 7644 server takes existing user ids as group members — remove it',
      },
    ]);
  });
});
