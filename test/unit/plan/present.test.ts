import { describe, expect, it } from 'vitest';
import { PresentUsers } from '../../../src/plan/present.js';

describe('PresentUsers', () => {
  it('finds users by email and by target id while ids are the emails (Amplitude), created users by email only', () => {
    const p = new PresentUsers();
    p.addExisting('ann@x.com', 'ann@x.com');
    p.addCreated('bob@x.com', 'user:create:bob@x.com');
    expect([p.indexOf('ann@x.com'), p.indexOf('bob@x.com'), p.indexOf('cat@x.com')]).toEqual([0, 1, undefined]);
    expect([p.indexOfId('ann@x.com'), p.indexOfId('bob@x.com')]).toEqual([0, undefined]);
    expect([p.ref(0), p.ref(1)]).toEqual([{ id: 'ann@x.com' }, { createdBy: 'user:create:bob@x.com' }]);
    // One ref per user, shared by every group that adds it.
    expect(p.ref(0)).toBe(p.ref(0));
  });

  it('switches to an id index at the first id that is not the email, keeping the users added before', () => {
    const p = new PresentUsers();
    p.addExisting('ann@x.com', 'ann@x.com');
    p.addCreated('bob@x.com', 'user:create:bob@x.com');
    p.addExisting('cat@x.com', 'u-3');
    expect([p.indexOfId('ann@x.com'), p.indexOfId('u-3'), p.indexOfId('cat@x.com'), p.indexOfId('bob@x.com')]).toEqual([0, 2, undefined, undefined]);
    expect([p.size, p.email(2)]).toEqual([3, 'cat@x.com']);
  });
});
