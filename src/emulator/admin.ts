import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, TargetError } from '../errors.js';
import { errorReply, parseJsonObject, readBody, send, type Reply } from './http.js';
import type { EmulatorControls, FaultOptions } from './types.js';

/** What /_admin/ can do; the RunningEmulator offers the same in-process. */
export interface AdminControl extends EmulatorControls {
  authorized(req: IncomingMessage): boolean;
  reset(): void;
}

type AdminRoute = (c: AdminControl, body: Record<string, unknown>) => Reply;

const ROUTES: Record<string, AdminRoute> = {
  'GET stats': (c) => ({ status: 200, body: c.stats() }),
  'POST reset-stats': (c) => (c.resetStats(), { status: 204 }),
  'GET state': (c) => ({ status: 200, body: { users: c.users(), groups: c.groups() } }),
  'GET events': (c) => ({ status: 200, body: c.events() }),
  'POST rotate-key': (c, b) => {
    if (b.token !== undefined && typeof b.token !== 'string') return errorReply(400, 'token must be a string', 'invalidValue');
    return { status: 200, body: { token: c.rotateToken(b.token as string | undefined) } };
  },
  'POST accept-invite': (c, b) => {
    if (typeof b.userName !== 'string') return errorReply(400, 'userName is required', 'invalidValue');
    const names = typeof b.givenName === 'string' && typeof b.familyName === 'string' ? { givenName: b.givenName, familyName: b.familyName } : undefined;
    c.acceptInvite(b.userName, names);
    return { status: 204 };
  },
  'POST faults': (c, b) => (c.setFaults(b as FaultOptions), { status: 204 }),
  'POST quirks': (c, b) => (c.setQuirks(b.quirks as string[]), { status: 204 }),
  'POST reset': (c) => (c.reset(), { status: 204 }),
};

/** Test controls over HTTP, behind the same bearer key; never counted in the SCIM stats. */
export async function handleAdmin(c: AdminControl, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  let reply: Reply;
  try {
    const raw = await readBody(req, 16 * 1024 * 1024);
    const route = ROUTES[`${(req.method ?? 'GET').toUpperCase()} ${rest.replace(/\/+$/, '')}`];
    if (!c.authorized(req)) reply = errorReply(401, 'authentication failed: missing or invalid bearer token');
    else if (!route) reply = errorReply(404, `no such admin endpoint: ${req.method} /_admin/${rest}`);
    else reply = route(c, raw.length > 0 ? parseJsonObject(raw, req.headers['content-type']) : {});
  } catch (err) {
    if (err instanceof TargetError && err.status !== undefined) reply = errorReply(err.status, err.message, err.scimType);
    else if (err instanceof ConfigError) reply = errorReply(400, err.message, 'invalidValue');
    else reply = errorReply(500, 'internal emulator error');
  }
  send(res, reply, 'application/json');
}
