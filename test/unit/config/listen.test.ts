import { describe, expect, it } from 'vitest';
import { listenProblem, parseConfig, parseListen } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';

const MINIMAL = 'source: { type: csv, users: ./users.csv }\ntarget: { url: "https://core.amplitude.com/scim/1/", token: t0k3n }\n';

describe('daemon.listen: one parser for the config and the daemon', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::]:0', { host: '::', port: 0 }],
    ['localhost:65535', { host: 'localhost', port: 65535 }],
    [' 127.0.0.1:9464 ', { host: '127.0.0.1', port: 9464 }],
  ])('%j → %j', (listen, want) => {
    expect(parseListen(listen)).toEqual(want);
    expect(listenProblem(listen)).toBeUndefined();
  });

  it.each(['9464', 'localhost:99999', '::1:9464', 'host:', 'a b:1', ''])('%j is malformed', (listen) => {
    expect(parseListen(listen)).toBeNull();
    expect(listenProblem(listen)).toBe('must be host:port, e.g. "127.0.0.1:9464" or "[::1]:9464"');
  });

  it('":9464" is refused, not taken as every interface: exposing the unauthenticated listener is spelled out', () => {
    expect(parseListen(':9464')).toBeNull();
    let err: unknown;
    try {
      parseConfig(`${MINIMAL}daemon: { listen: ":9464" }\n`, { path: 'config.yaml', env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      {
        path: 'daemon.listen',
        message:
          'has no host — write "127.0.0.1:9464" for this machine only, or "0.0.0.0:9464" for every interface (the listener has no authentication: exposing it is spelled out, never implied)',
      },
    ]);
  });
});
