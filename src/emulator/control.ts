import { randomBytes } from 'node:crypto';
import { TargetError } from '../errors.js';
import type { AdminControl } from './admin.js';
import type { Persister } from './persist.js';
import { parseQuirks } from './quirks.js';
import type { Ctx } from './render.js';
import type { ScimServer } from './server.js';
import type { Store, UserRec } from './store.js';
import { validateFaults } from './options.js';
import type { EmulatorGroup, EmulatorUser, FaultOptions } from './types.js';

/** The emulator's ctx while it starts: the base URL is known only once it listens. */
export type MutableCtx = { -readonly [K in keyof Ctx]: Ctx[K] };

function toUser(u: UserRec): EmulatorUser {
  const out: EmulatorUser = {
    id: u.id,
    userName: u.userName,
    givenName: u.givenName,
    familyName: u.familyName,
    active: u.active !== false,
    pending: u.pending,
  };
  if (u.externalId !== undefined) out.externalId = u.externalId;
  return out;
}

function toGroup(g: ReturnType<Store['orderedGroups']>[number]): EmulatorGroup {
  return { id: g.id, displayName: g.displayName, ...(g.externalId === undefined ? {} : { externalId: g.externalId }), members: [...g.members] };
}

/**
 * What tests and the admin endpoints (/_admin/) may do to a running emulator: read its data and stats,
 * rotate the key, accept an invite, switch faults and quirks, reset.
 */
export function createControl(scim: ScimServer, ctx: MutableCtx, persister: Persister | undefined): AdminControl {
  const store = ctx.store;
  return {
    authorized: (req) => scim.authorized(req),
    stats: () => scim.stats.snapshot(),
    resetStats: () => scim.stats.reset(),
    users: () => store.orderedUsers().map(toUser),
    groups: () => store.orderedGroups().map(toGroup),
    events: () => store.eventLog.map((e) => ({ ...e })),
    rotateToken: (newToken) => {
      if (newToken !== undefined && (newToken === '' || /\s/.test(newToken))) {
        throw new TargetError('the new emulator token must be a non-empty string without spaces', { status: 400, fix: 'pass another token' });
      }
      // Like Amplitude's "Generate SCIM Key": the old key is rejected from the next request on.
      scim.token = newToken ?? `emulator-${randomBytes(12).toString('hex')}`;
      return scim.token;
    },
    acceptInvite: (userName, names) => {
      const u = store.findUserByName(userName);
      if (!u) throw new TargetError(`emulator: no user ${userName} to accept an invite`, { status: 404, fix: 'create or invite the user first' });
      if (names) {
        u.givenName = names.givenName;
        u.familyName = names.familyName;
      }
      u.pending = false;
      store.touchUser(u);
      store.event('accept', u.userName);
      persister?.schedule();
    },
    setFaults: (f: FaultOptions) => {
      validateFaults(f);
      scim.setFaults(f);
    },
    setQuirks: (quirks) => {
      ctx.quirks = parseQuirks(quirks);
    },
    reset: () => {
      store.clear();
      scim.stats.reset();
      scim.limiter.reset();
      persister?.schedule();
    },
  };
}
