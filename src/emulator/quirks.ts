import { ConfigError } from '../errors.js';

/**
 * Behaviours of deployed SCIM servers that differ from RFC 7644 (or from Amplitude's documented API), switched
 * on one by one with `--quirk NAME[=VALUE]` / `startEmulator({ quirks })`, so a client can be run against each
 * (reference/scim-server-quirks.md; docs/emulator-quirks.md has the same table for people). Every quirk applies
 * to both profiles unless the entry says otherwise. Composable: `ignores-start-index` plus `page-size-cap=50`
 * serves the first 50 every time.
 */
export interface QuirkInfo {
  readonly name: string;
  /** `N` when the quirk takes a number (`page-size-cap=N`). */
  readonly value?: { readonly label: string; readonly min: number };
  readonly behaviour: string;
  /** Where it was reported (scim-server-quirks.md). */
  readonly seenIn: string;
  /** Switches the quirk on in `q` (`n` is the value, 0 when it takes none). */
  readonly set: (q: MutableQuirks, n: number) => void;
}

export const QUIRKS: readonly QuirkInfo[] = [
  {
    name: 'total-results-per-page',
    behaviour: 'a list response says totalResults = the number of resources on that page, not the total',
    seenIn: 'WSO2 Identity Server (product-is 7320, 12717, 12813, 13823); AzureAD/SCIMReferenceCode 83; SCIMple 74; scimmy 64; python scim2-server',
    set: (q) => (q.totalResultsPerPage = true),
  },
  {
    name: 'ignores-start-index',
    behaviour:
      'startIndex and count are ignored: every list request gets the first 100 (or page-size-cap) resources, with startIndex 1 and totalResults = that number',
    seenIn: '@better-auth/scim before PR 10399 (better-auth issue 10398)',
    set: (q) => (q.ignoresStartIndex = true),
  },
  {
    name: 'page-size-cap',
    value: { label: 'N', min: 1 },
    behaviour:
      'count / itemsPerPage silently capped at N; totalResults stays true; the response itemsPerPage echoes the size asked on the amplitude profile (as Amplitude does) and the number returned on rfc (RFC 7644 §3.4.2)',
    seenIn: 'Amplitude (caps at 100); common elsewhere; itemsPerPage semantics differ (healthcare-federated-access-services 46)',
    set: (q, n) => (q.pageSizeCap = n),
  },
  {
    name: 'empty-page-at',
    value: { label: 'N', min: 1 },
    behaviour: 'the page starting at index N comes back empty (totalResults unchanged) although more resources remain',
    seenIn: 'a transient glitch mid-list; what a client must not read as the end of the list (scim-server-quirks.md: "an early empty page")',
    set: (q, n) => (q.emptyPageAt = n),
  },
  {
    name: 'endless-pages',
    behaviour:
      'the list never ends: past the real resources every page is full of new, never-seen resources and totalResults always promises one page more, so a client that trusts the server never stops',
    seenIn: 'a server whose paging does not terminate (design.md: "too many pages"); no named product',
    set: (q) => (q.endlessPages = true),
  },
  {
    name: 'keeps-deleted-members',
    behaviour: "DELETE /Users/{id} leaves the user's id in the groups' members: group reads show a member that is no longer a user",
    seenIn: 'python scim2-server core (the RFC does not require removal); Amplitude removes it',
    set: (q) => (q.keepsDeletedMembers = true),
  },
  {
    name: 'ops-in-order',
    behaviour:
      'group PATCH operations applied strictly in sequence, so add then remove of the same member removes it. Without it the amplitude profile applies the remove operations first, then add/replace (a member both added and removed stays); the rfc profile is always in order',
    seenIn: 'any server that follows RFC 7644 §3.5.2 literally ("each operation ... in sequence")',
    set: (q) => (q.opsInOrder = true),
  },
  {
    name: 'patch-204',
    behaviour: 'PATCH /Users and PATCH /Groups answer 204 No Content without the resource',
    seenIn: 'allowed by RFC 7644 §3.5.2; many servers; Microsoft Entra expects it on group PATCH',
    set: (q) => (q.patch204 = true),
  },
  {
    name: 'no-filter',
    behaviour: 'any filter query parameter is answered 400 scimType invalidFilter',
    seenIn: 'common (filters unsupported or partial); Amplitude documents only userName eq',
    set: (q) => (q.noFilter = true),
  },
  {
    name: 'slow-list',
    value: { label: 'MS', min: 0 },
    behaviour: 'GET /Users and GET /Groups (lists) answer after a delay of MS milliseconds',
    seenIn: 'large tenants with slow list queries (any server)',
    set: (q, n) => (q.slowListMs = n),
  },
];

/** The parsed quirks of one emulator; all off by default. */
export interface Quirks {
  readonly totalResultsPerPage: boolean;
  readonly ignoresStartIndex: boolean;
  readonly pageSizeCap: number | undefined;
  readonly emptyPageAt: number | undefined;
  readonly endlessPages: boolean;
  readonly keepsDeletedMembers: boolean;
  readonly opsInOrder: boolean;
  readonly patch204: boolean;
  readonly noFilter: boolean;
  readonly slowListMs: number;
}

type MutableQuirks = { -readonly [K in keyof Quirks]: Quirks[K] };

export const NO_QUIRKS: Quirks = {
  totalResultsPerPage: false,
  ignoresStartIndex: false,
  pageSizeCap: undefined,
  emptyPageAt: undefined,
  endlessPages: false,
  keepsDeletedMembers: false,
  opsInOrder: false,
  patch204: false,
  noFilter: false,
  slowListMs: 0,
};

function known(): string {
  return QUIRKS.map((q) => (q.value ? `${q.name}=${q.value.label}` : q.name)).join(', ');
}

function badQuirk(spec: unknown, detail: string): ConfigError {
  const message = `emulator quirk ${JSON.stringify(spec)}: ${detail}`;
  return new ConfigError(message, [{ path: 'quirks', message: detail }], `use one of: ${known()}`);
}

/** Parses `NAME` / `NAME=VALUE` specs; an unknown name or a bad value is a ConfigError listing the known quirks. */
export function parseQuirks(specs: readonly string[] | undefined): Quirks {
  if (specs === undefined) return NO_QUIRKS;
  if (!Array.isArray(specs)) throw badQuirk(specs, 'quirks must be an array of names');
  const q: MutableQuirks = { ...NO_QUIRKS };
  for (const spec of specs) {
    if (typeof spec !== 'string') throw badQuirk(spec, 'a quirk is a string NAME or NAME=VALUE');
    const eq = spec.indexOf('=');
    const name = (eq < 0 ? spec : spec.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? undefined : spec.slice(eq + 1).trim();
    const info = QUIRKS.find((k) => k.name === name);
    if (!info) throw badQuirk(spec, 'unknown quirk');
    let n = 0;
    if (info.value) {
      if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < info.value.min) {
        throw badQuirk(spec, `${name} takes a whole number ${info.value.label} >= ${info.value.min}: ${name}=${info.value.label}`);
      }
      n = Number(raw);
    } else if (raw !== undefined) {
      throw badQuirk(spec, `${name} takes no value`);
    }
    info.set(q, n);
  }
  return q;
}
