/**
 * `daemon.listen`: where the health and metrics listener binds, as `host:port` (an IPv6 host in brackets;
 * port 0 picks a free one). One parser for the config and the daemon.
 *
 * `:9464` (no host) is refused, not read as "every interface" (Go's and Prometheus exporters' meaning) nor
 * as loopback: the listener has no authentication, so exposing it beyond this machine must be written out
 * (`0.0.0.0:9464`, `[::]:9464`), never implied by a missing host, and a reader of the config should not
 * need to know which convention applies.
 */

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/;

/** `host:port` (IPv6 in brackets) → parts, brackets off; null when malformed or the port is past 65535. */
export function parseListen(listen: string): { host: string; port: number } | null {
  const m = HOST_PORT.exec(listen.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const port = Number(m[2]);
  return port <= 65_535 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : null;
}

/** Why `listen` cannot be bound as written (a message for `daemon.listen: …`), or undefined when it can. */
export function listenProblem(listen: string): string | undefined {
  if (parseListen(listen) !== null) return undefined;
  if (/^:\d+$/.test(listen.trim())) {
    return (
      'has no host — write "127.0.0.1:9464" for this machine only, or "0.0.0.0:9464" for every interface ' +
      '(the listener has no authentication: exposing it is spelled out, never implied)'
    );
  }
  return 'must be host:port, e.g. "127.0.0.1:9464" or "[::1]:9464"';
}
