import { describe, expect, it } from 'vitest';
import { planToJson, renderPlanText } from '../../../src/plan/render.js';
import type { SkippedEntry } from '../../../src/model/types.js';
import { actual, desired, keys, managed, plan, policy, state, su, tu } from './fixtures.js';

/**
 * Held users (design.md "Safety"): a managed user whose source entry cannot be read is neither changed nor
 * deleted, and the plan names it first, with the entry at fault and the fix.
 */
const ann = su('ann');
const bob = su('bob');
const cat = su('cat');
const fix = 'map it in source.statusValues: add "on leave" under active or inactive';
// What the CSV source hands over for a row with an unmapped status (see sources/csv/users.ts).
const unmapped: SkippedEntry = { entry: 'users.csv:3', reason: 'unknown status "On Leave" in column Status', email: 'bob@x.com', sourceId: 'id-bob', fix };

describe('held users', () => {
  it('a managed user behind an unmapped status is held: not deleted, listed with its entry and fix', () => {
    const p = plan(desired([ann], { skipped: [unmapped], quarantined: ['bob@x.com'] }), actual([tu('ann'), tu('bob')]), state(managed(ann, bob)));
    expect(keys(p)).toEqual([]);
    expect(p.held).toEqual([
      { userName: 'bob@x.com', sourceId: 'id-bob', entries: [{ entry: 'users.csv:3', reason: 'unknown status "On Leave" in column Status' }], fix },
    ]);
    expect(planToJson(p).held).toEqual(p.held);
  });

  it('held by source id too: the same unreadable row also changed the email, so the old user is not "left the source"', () => {
    const row: SkippedEntry = { ...unmapped, email: 'robert@x.com' };
    const p = plan(desired([ann], { skipped: [row], quarantined: ['robert@x.com'] }), actual([tu('ann'), tu('bob')]), state(managed(ann, bob)));
    expect(keys(p)).toEqual([]);
    expect(p.held.map((h) => [h.userName, h.sourceId, h.entries.length])).toEqual([['bob@x.com', 'id-bob', 1]]);
    expect(p.untouched).toEqual({ quarantinedUsers: 1 });
  });

  it('an unmanaged or unknown person behind a bad row is only skipped, not held; a readable duplicate is not held', () => {
    const p = plan(
      desired([ann, cat, su('cat2', { sourceId: 'id-cat', email: 'cat@x.com', origin: 'users.csv:9' })], { skipped: [unmapped], quarantined: ['bob@x.com'] }),
      actual([tu('ann'), tu('bob'), tu('cat')]),
      state(managed(ann, cat)),
    );
    expect(p.held).toEqual([]);
  });

  it('with manageAllUsers every user in scope is managed: one behind a bad row is held', () => {
    const p = plan(
      desired([ann], { skipped: [unmapped], quarantined: ['bob@x.com'] }),
      actual([tu('ann'), tu('bob')]),
      state(managed(ann)),
      policy({ manageAllUsers: true }),
    );
    expect(keys(p)).toEqual([]);
    expect(p.held.map((h) => [h.userName, h.sourceId])).toEqual([['bob@x.com', null]]);
  });

  it('a source that names no entry still gets a reason and a generic fix', () => {
    const p = plan(desired([ann], { quarantined: ['bob@x.com'] }), actual([tu('ann'), tu('bob')]), state(managed(ann, bob)));
    expect(p.held).toEqual([
      {
        userName: 'bob@x.com',
        sourceId: 'id-bob',
        entries: [{ entry: 'bob@x.com', reason: 'its source entry was left out (see skipped)' }],
        fix: expect.stringMatching(/^fix the source entry/) as unknown as string,
      },
    ]);
  });

  it('the plan text shows held users first, before any operation, with the fix', () => {
    const p = plan(desired([ann, cat], { skipped: [unmapped], quarantined: ['bob@x.com'] }), actual([tu('ann'), tu('bob')]), state(managed(ann, bob)));
    const text = renderPlanText(p);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Held (1)'));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at, at + 4)).toEqual([
      'Held (1): managed users whose source entry cannot be read; neither changed nor deleted until it is fixed',
      '  ! bob@x.com',
      '      users.csv:3: unknown status "On Leave" in column Status',
      `      fix: ${fix}`,
    ]);
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('users: ')));
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('Users (')));
  });
});
