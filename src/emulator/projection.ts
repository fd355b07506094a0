import { GROUP_URN, USER_URN } from './render.js';

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) for the rfc profile: on every answer that
 * carries users or groups (lists, GET by id, POST, PUT, PATCH). Names are case-insensitive, may carry the core
 * schema URN, and may name a sub-attribute (`name.givenName`, `emails.value`). `id` and `schemas` are returned
 * "always" (RFC 7643 §3.1, §7) and cannot be left out. Amplitude documents neither parameter.
 */
const ALWAYS = new Set(['id', 'schemas']);
const CORE_URN = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

type Json = Record<string, unknown>;
/** Lower-cased attribute paths: ['name'] or ['name', 'givenname']. */
type Path = readonly [string] | readonly [string, string];

function paths(v: string | null): Path[] | undefined {
  if (v === null || v.trim() === '') return undefined;
  return v
    .split(',')
    .map((p) => p.trim().replace(CORE_URN, '').toLowerCase())
    .filter((p) => p !== '')
    .map((p) => p.split('.', 2) as unknown as Path);
}

function keyOf(obj: Json, lower: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** Keeps (`keep`) or drops the sub-attributes `subs` of a complex value, single or multi-valued. */
function filterSubs(value: unknown, subs: ReadonlySet<string>, keep: boolean): unknown {
  const one = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Json).filter(([k]) => subs.has(k.toLowerCase()) === keep));
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

function project(resource: Json, include: Path[] | undefined, exclude: Path[] | undefined): Json {
  let out: Json = resource;
  if (include) {
    const whole = new Set(include.filter((p) => p.length === 1).map((p) => p[0]));
    const subs = new Map<string, Set<string>>();
    for (const p of include) {
      if (p.length !== 2 || whole.has(p[0])) continue;
      const set = subs.get(p[0]) ?? new Set<string>();
      set.add(p[1]);
      subs.set(p[0], set);
    }
    out = {};
    for (const [k, v] of Object.entries(resource)) {
      const lower = k.toLowerCase();
      const wanted = subs.get(lower);
      if (ALWAYS.has(lower) || whole.has(lower)) out[k] = v;
      else if (wanted) out[k] = filterSubs(v, wanted, true);
    }
  }
  for (const p of exclude ?? []) {
    const key = keyOf(out, p[0]);
    if (key === undefined || ALWAYS.has(p[0])) continue;
    if (out === resource) out = { ...resource };
    if (p.length === 1) delete out[key];
    else out[key] = filterSubs(out[key], new Set([p[1]]), false);
  }
  return out;
}

function isResource(v: unknown): v is Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const schemas = (v as Json).schemas;
  return Array.isArray(schemas) && (schemas.includes(USER_URN) || schemas.includes(GROUP_URN));
}

/** The body with the requested attributes only (a ListResponse: each of its resources); others untouched. */
export function projectBody(body: unknown, query: URLSearchParams): unknown {
  const include = paths(query.get('attributes'));
  const exclude = paths(query.get('excludedAttributes'));
  if (!include && !exclude) return body;
  if (isResource(body)) return project(body, include, exclude);
  if (body !== null && typeof body === 'object' && Array.isArray((body as Json).Resources)) {
    const list = body as Json;
    return { ...list, Resources: (list.Resources as unknown[]).map((r) => (isResource(r) ? project(r, include, exclude) : r)) };
  }
  return body;
}
