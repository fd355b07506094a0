import { amplitudeProfile } from './amplitude.js';
import { rfcProfile } from './rfc.js';
import type { ScimProfile } from './types.js';

export { amplitudeProfile } from './amplitude.js';
export { rfcProfile } from './rfc.js';
export { parseGroup, parseListPage, parseUser, isPlaceholderName, type ListPage } from './parse.js';
export type { ScimProfile, ProfileRequest, UserLookup, JsonObject } from './types.js';
export { SCHEMA } from './types.js';

export function profileByName(name: 'amplitude' | 'rfc'): ScimProfile {
  return name === 'amplitude' ? amplitudeProfile : rfcProfile;
}
