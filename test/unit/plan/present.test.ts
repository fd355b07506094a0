import { describe, expect, it } from 'vitest';
import { PresentUsers } from '../../../src/plan/present.js';

/** Candidates numbered in order, as the matching hands them over. */
function candidates(...emails: string[]): PresentUsers {
  return new PresentUsers(
    emails.map((email) => ({ email })),
    new Map(emails.map((email, i) => [email, i])),
  );
}

describe('PresentUsers', () => {
  it('finds users by email and by target id while ids are the emails (Amplitude), created users by email only', () => {
    const p = candidates('ann@x.com', 'bob@x.com', 'cat@x.com');
    p.addExisting(0, 'ann@x.com');
    p.addCreated(1, 'user:create:bob@x.com');
    // cat is a candidate the matching held: never added, never present.
    expect([p.indexOf('ann@x.com'), p.indexOf('bob@x.com'), p.indexOf('cat@x.com')]).toEqual([0, 1, undefined]);
    expect([p.indexOfId('ann@x.com'), p.indexOfId('bob@x.com')]).toEqual([0, undefined]);
    expect([p.ref(0), p.ref(1)]).toEqual([{ id: 'ann@x.com' }, { createdBy: 'user:create:bob@x.com' }]);
    // One ref per user, shared by every group that adds it.
    expect(p.ref(0)).toBe(p.ref(0));
  });

  it('switches to an id index at the first id that is not the email, keeping the users added before', () => {
    const p = candidates('ann@x.com', 'bob@x.com', 'cat@x.com');
    p.addExisting(0, 'ann@x.com');
    p.addCreated(1, 'user:create:bob@x.com');
    p.addExisting(2, 'u-3');
    expect([p.indexOfId('ann@x.com'), p.indexOfId('u-3'), p.indexOfId('cat@x.com'), p.indexOfId('bob@x.com')]).toEqual([0, 2, undefined, undefined]);
    expect([p.size, p.email(2)]).toEqual([3, 'cat@x.com']);
  });
});
