import { describe, expect, it } from 'vitest';
import { parseStateV1, stateV1 } from '../../../src/state/schema.js';

/**
 * parseStateV1 checks the many user and group records by hand, in place, and leaves everything else (and any
 * record it does not accept) to zod. Proven here against the zod schema itself: the same states accepted,
 * the same records out, the same first problem for every state refused.
 */

const user = (i: number) => ({ targetId: `t${i}`, userName: `u${i}@example.com`, pushedHash: `h${i}`, ownership: i % 2 ? 'created' : 'adopted' });
const group = (i: number) => ({ targetId: `g${i}`, displayName: `G${i}`, ownership: 'created' });

function doc(): Record<string, unknown> & { users: Record<string, Record<string, unknown>>; groups: Record<string, Record<string, unknown>> } {
  return {
    version: 1,
    lineage: 'lin',
    serial: 3,
    target: 'https://scim.example/',
    users: { E1: user(1), E2: user(2), E3: user(3) },
    groups: { sales: group(1), eng: group(2) },
  };
}

/** What zod alone says about `d`, in parseStateV1's terms. */
function byZod(d: unknown) {
  const r = stateV1.safeParse(d);
  if (r.success) return { ok: true, state: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, problem: `${issue.path.length > 0 ? issue.path.join('.') : 'document'}: ${issue.message}` };
}

describe('parseStateV1: the records checked in place, as strict as zod', () => {
  it('a valid state: the same state as zod gives, its records not copied', () => {
    const d = { ...doc(), lastRun: { startedAt: 'a', finishedAt: 'b', outcome: 'converged', summary: { creates: 1 }, failed: 0, requests: { GET: 2 } }, extra: 'kept' };
    const r = parseStateV1(d);
    expect(r).toEqual(byZod(d));
    // In place: the parsed document's own record maps (zod builds copies of every record).
    expect(r.ok && r.state.users).toBe(d.users);
    expect(r.ok && r.state.groups).toBe(d.groups);
  });

  const corrupt: [string, (d: ReturnType<typeof doc>) => void][] = [
    ['user targetId empty', (d) => (d.users['E2']!['targetId'] = '')],
    ['user targetId a number', (d) => (d.users['E2']!['targetId'] = 7)],
    ['user userName missing', (d) => delete d.users['E3']!['userName']],
    ['user pushedHash null', (d) => (d.users['E1']!['pushedHash'] = null)],
    ['user ownership unknown', (d) => (d.users['E2']!['ownership'] = 'stolen')],
    ['user record an array', (d) => (d.users['E2'] = [] as unknown as Record<string, unknown>)],
    ['user record null', (d) => (d.users['E2'] = null as unknown as Record<string, unknown>)],
    ['user record a string', (d) => (d.users['E2'] = 'x' as unknown as Record<string, unknown>)],
    ['users an array', (d) => ((d as Record<string, unknown>)['users'] = [user(1)])],
    ['users missing', (d) => delete (d as Record<string, unknown>)['users']],
    ['group displayName a number', (d) => (d.groups['eng']!['displayName'] = 5)],
    ['group ownership missing', (d) => delete d.groups['sales']!['ownership']],
    ['groups null', (d) => ((d as Record<string, unknown>)['groups'] = null)],
    ['lineage empty (records fine)', (d) => (d['lineage'] = '')],
    ['serial negative (records fine)', (d) => (d['serial'] = -1)],
    ['progress.done not a list', (d) => (d['progress'] = { planId: 'p', startedAt: 's', total: 1, done: 'x' })],
    ['a bad user and a bad lineage: the first problem, as zod orders them', (d) => ((d['lineage'] = ''), (d.users['E1']!['ownership'] = 'x'))],
  ];
  it.each(corrupt)('%s: refused with the problem zod names', (_name, spoil) => {
    const d = doc();
    spoil(d);
    const r = parseStateV1(d);
    expect(r.ok).toBe(false);
    expect(r).toEqual(byZod(d));
  });

  it('a record with a key the format does not know: accepted, the key dropped, as zod does', () => {
    const d = doc();
    d.users['E1']!['note'] = 'from a newer writer';
    d.groups['eng']!['note'] = 'x';
    const r = parseStateV1(d);
    expect(r).toEqual(byZod(d));
    expect(r.ok && r.state.users['E1']).toEqual(user(1));
    expect(r.ok && r.state.groups['eng']).toEqual(group(2));
  });

  it('a record keyed `__proto__` (JSON.parse makes it an own key): what zod says', () => {
    const d = JSON.parse(JSON.stringify(doc()).replace('"E1"', '"__proto__"')) as unknown;
    expect(parseStateV1(d)).toEqual(byZod(d));
  });
});
