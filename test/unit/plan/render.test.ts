import { describe, expect, it } from 'vitest';
import { planToJson, redactUrl, renderPlanText } from '../../../src/plan/render.js';
import { computePlan } from '../../../src/plan/plan.js';
import { actual, CTX, desired, managed, plan, policy, sg, state, su, tu, tg } from './fixtures.js';

const ann = su('ann');
const bob = su('bob');

function scenario() {
  return plan(
    desired([su('ann', { givenName: 'Anne' }), su('cat'), su('dan')], {
      groups: [sg('Eng', ['ann', 'cat']), sg('Ops', ['dan'])],
      skipped: [{ entry: 'users.csv:12', reason: 'invalid email "nope"' }],
    }),
    actual([tu('ann'), tu('bob'), tu('dan'), tu('zed')], [tg('7', 'Eng', ['ann', 'bob'])]),
    state(managed(ann, bob), { eng: { targetId: '7', displayName: 'Eng', ownership: 'created' } }),
    policy({ safety: { maxDeletes: 0, maxDeletePercent: 100 } }),
  );
}

describe('renderPlanText', () => {
  it('shows every operation with its sign, reason and members, then skipped, untouched and the closing line', () => {
    const text = renderPlanText(scenario());
    const lines = text.split('\n');
    expect(lines[0]).toBe('scimsync plan for https://scim.example/scim/1/');
    expect(text).toMatch(/^ {2}= dan@x\.com\s+adopt, state only \(exists in target with the same userName\)$/m);
    expect(text).toMatch(/^ {2}- bob@x\.com\s+delete \(left the source\)$/m);
    expect(text).toMatch(/^ {2}\+ cat@x\.com\s+create "Cat Lee" \(new in source\)$/m);
    expect(text).toMatch(/^ {2}~ ann@x\.com\s+update "Ann Lee" → "Anne Lee"$/m);
    expect(text).toMatch(/^ {2}\+ Ops\s+create with 1 member \(new in source\)$/m);
    expect(text).toContain('      + cat@x.com');
    expect(text).toMatch(/^ {2}! The plan deletes 1 user, more than safety\.maxDeletes \(0\); re-run with --allow-deletes 1 after checking the source\.$/m);
    expect(text).toContain('Skipped (1)\n  users.csv:12: invalid email "nope"');
    expect(text).toContain('Untouched: 1 unmanaged users');
    expect(text).toContain('Plan: 2 to create, 2 to update, 1 to delete, 1 to adopt.');
    expect(text.endsWith('\n')).toBe(true);
    // bob is deleted by the plan, so the Eng membership op adds cat but does not remove bob separately.
    expect(text).not.toContain('      - bob@x.com');
    expect(text).not.toContain('\u001b[');
  });

  it('says there is nothing to do when nothing is', () => {
    const p = plan(desired([ann]), actual([tu('ann')]), state(managed(ann)));
    expect(renderPlanText(p).trimEnd().split('\n').at(-1)).toBe('No changes. The target matches the source.');
  });

  it('colours only when asked', () => {
    expect(renderPlanText(scenario(), { color: true })).toContain('\u001b[31m- bob@x.com');
  });

  it('never prints credentials carried in the target URL', () => {
    const p = computePlan(desired([]), actual([]), state(), policy(), { ...CTX, target: 'https://user:s3cret@scim.example/scim/1/?token=abc' });
    const text = renderPlanText(p);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('abc');
    expect(JSON.stringify(planToJson(p))).not.toContain('s3cret');
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://scim.example/scim/1/', 'https://scim.example/scim/1/'],
    ['https://u:p@scim.example/x', 'https://***@scim.example/x'],
    ['https://scim.example/x?key=1', 'https://scim.example/x?***'],
  ])('%s → %s', (url, want) => expect(redactUrl(url)).toBe(want));
});

describe('planToJson', () => {
  it('has the contract keys and survives a JSON round trip unchanged', () => {
    const p = scenario();
    const json = planToJson(p);
    expect(Object.keys(json)).toEqual(['formatVersion', 'basis', 'summary', 'operations', 'skipped', 'blocked', 'held', 'untouched']);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.summary).toEqual(p.summary);
    expect(json.basis).toMatchObject({ stateLineage: 'lin-1', stateSerial: 7, configHash: 'cfg', actualHash: 'act', createdAt: CTX.createdAt });
  });
});
