import { isPlaceholderName, type TargetGroup, type TargetUser } from '../../model/index.js';
import type { JsonObject } from './types.js';

/**
 * Reading what a SCIM target returns into the canonical model. Defensive: targets differ in JSON types
 * (Amplitude's group id is a number in lists, a string elsewhere) and fill unknown names with placeholders.
 * Returns an error string instead of throwing so the client can build a TargetError naming the request.
 */

// Amplitude's stand-ins for the names of a user who never signed up are unknown, not data: one rule,
// shared with the plan core.
export { isPlaceholderName };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function nameField(name: unknown, key: 'givenName' | 'familyName'): string | null {
  if (!isObject(name)) return null;
  const value = name[key];
  if (typeof value !== 'string' || isPlaceholderName(value)) return null;
  return value;
}

/** `active` may be a boolean or, from some servers, the string "True"/"False"; absent means active. */
function activeField(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.trim().toLowerCase() !== 'false';
  return true;
}

function primaryEmail(emails: unknown): string | undefined {
  if (!Array.isArray(emails)) return undefined;
  const objects = emails.filter(isObject);
  const chosen = objects.find((e) => e['primary'] === true) ?? objects[0];
  return chosen ? scalarString(chosen['value']) : undefined;
}

export function parseUser(raw: unknown, normalizeId: (id: string) => string): TargetUser | string {
  if (!isObject(raw)) return 'a user resource is not a JSON object';
  const userName = scalarString(raw['userName']) ?? primaryEmail(raw['emails']);
  const id = scalarString(raw['id']) ?? userName;
  if (id === undefined || userName === undefined) return 'a user resource has neither id nor userName';
  const externalId = scalarString(raw['externalId']);
  return {
    id: normalizeId(id),
    userName: userName.toLowerCase(),
    givenName: nameField(raw['name'], 'givenName'),
    familyName: nameField(raw['name'], 'familyName'),
    active: activeField(raw['active']),
    ...(externalId === undefined ? {} : { externalId }),
  };
}

export function parseGroup(raw: unknown, normalizeId: (id: string) => string): TargetGroup | string {
  if (!isObject(raw)) return 'a group resource is not a JSON object';
  const id = scalarString(raw['id']);
  const displayName = typeof raw['displayName'] === 'string' ? raw['displayName'] : undefined;
  if (id === undefined || displayName === undefined) return 'a group resource has no id or displayName';
  const rawMembers = raw['members'];
  if (rawMembers !== undefined && rawMembers !== null && !Array.isArray(rawMembers)) return `group ${id} has a members field that is not a list`;
  const members: string[] = [];
  for (const m of (rawMembers as unknown[] | undefined | null) ?? []) {
    const value = isObject(m) ? scalarString(m['value']) : undefined;
    if (value === undefined) return `group ${id} has a member without a value`;
    members.push(normalizeId(value));
  }
  return { id, displayName, members };
}

export interface ListPage {
  /** undefined when the server did not say (or said something that is not a number). */
  readonly totalResults: number | undefined;
  readonly resources: readonly unknown[];
}

export function parseListPage(raw: unknown): ListPage | string {
  if (!isObject(raw)) return 'the list response is not a JSON object';
  const total = raw['totalResults'];
  const totalResults =
    typeof total === 'number' && Number.isFinite(total) ? total : typeof total === 'string' && /^\d+$/.test(total) ? Number(total) : undefined;
  const resources = raw['Resources'] ?? raw['resources'];
  if (resources === undefined || resources === null) {
    // RFC 7644 §3.4.2: Resources may be omitted only when there is nothing to return.
    if (totalResults === undefined || totalResults === 0) return { totalResults, resources: [] };
    return `the list response has totalResults ${totalResults} but no Resources`;
  }
  if (!Array.isArray(resources)) return 'the list response has a Resources field that is not a list';
  return { totalResults, resources };
}
