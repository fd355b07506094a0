import type { Config } from '../config/index.js';
import type { PlanPolicy } from '../plan/types.js';
import { profileByName } from '../scim/profiles/index.js';

/** Everything from config (and the command line) that shapes a plan, as the pure core wants it. */
export function policyFromConfig(config: Config, allowDeletes = 0): PlanPolicy {
  return {
    deprovision: config.sync.deprovision,
    protect: config.sync.protect.map((p) => p.trim().toLowerCase()),
    groups: {
      enabled: config.sync.groups.enabled,
      include: config.sync.groups.include,
      exclude: config.sync.groups.exclude,
    },
    safety: { ...config.sync.safety },
    allowDeletes,
    manageAllUsers: config.sync.manageAllUsers,
    onEmailChange: config.sync.onEmailChange,
    maxMembersPerPatch: config.target.maxMembersPerPatch,
    // Amplitude invites an unknown email added to a group; an RFC server wants existing user ids.
    inviteThroughGroups: config.target.profile === 'amplitude' && config.target.inviteThroughGroups !== false,
    profile: {
      name: config.target.profile,
      sendsExternalId: config.target.profile === 'rfc',
      deprovisionDropsMembers: profileByName(config.target.profile).deprovisionDropsMembers,
    },
  };
}
