import { describe, expect, it } from 'vitest';
import { bindStopSignal } from '../../../src/apply/stop-signal.js';
import type { TargetSnapshot } from '../../../src/model/index.js';
import { LiveTarget, RecordingTarget } from '../../../src/run/live-target.js';
import { WrappedTarget } from '../../../src/scim/index.js';
import { FakeTarget } from '../apply/fake-target.js';

/** The fake target, noting the signal each call arrived with (first, middle and last signal positions). */
class SignalNotingTarget extends FakeTarget {
  readonly signals: { call: string; signal: AbortSignal | undefined }[] = [];
  inFlightWrites = 3;

  override snapshot(signal?: AbortSignal): Promise<TargetSnapshot> {
    this.signals.push({ call: 'snapshot', signal });
    return super.snapshot();
  }

  override deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    this.signals.push({ call: 'deleteUser', signal });
    return super.deleteUser(id);
  }

  override patchMembers(groupId: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<void> {
    this.signals.push({ call: 'patchMembers', signal });
    return super.patchMembers(groupId, add, remove);
  }

  writesInFlight(): number {
    return this.inFlightWrites;
  }
}

describe('WrappedTarget: the one way to wrap a ScimTarget', () => {
  it('bindStopSignal gives every call the stop signal unless the caller passed its own', async () => {
    const target = new SignalNotingTarget();
    const u = target.seedUser('ann@example.com');
    const g = target.seedGroup('Eng', [u.id]);
    const stop = new AbortController();
    const own = new AbortController();
    const bound = bindStopSignal(target, stop.signal);
    await bound.snapshot();
    await bound.patchMembers(g.id, [], [u.id], own.signal);
    await bound.deleteUser(u.id);
    expect(target.signals).toEqual([
      { call: 'snapshot', signal: stop.signal },
      { call: 'patchMembers', signal: own.signal },
      { call: 'deleteUser', signal: stop.signal },
    ]);
  });

  it('keeps the optional members the wrapped target has, and only those', () => {
    const target = new SignalNotingTarget();
    // bindStopSignal used to restate the port and dropped writesInFlight (and requestStatusCounts).
    expect(bindStopSignal(target, new AbortController().signal).writesInFlight?.()).toBe(3);
    target.inFlightWrites = 1;
    expect(new RecordingTarget(target, new LiveTarget({ users: [], groups: [] }, 'amplitude')).writesInFlight?.()).toBe(1);
    const plain = new WrappedTarget(new FakeTarget());
    expect(plain.writesInFlight).toBeUndefined();
    expect(plain.requestStatusCounts).toBeUndefined();
  });

  it('a RecordingTarget over a bound target records the write and the call still carries the stop signal', async () => {
    const target = new SignalNotingTarget();
    const u = target.seedUser('ann@example.com');
    const live = new LiveTarget(await target.snapshot(), 'amplitude');
    target.signals.length = 0;
    const stop = new AbortController();
    const rec = new RecordingTarget(bindStopSignal(target, stop.signal), live);
    await rec.deleteUser(u.id);
    expect(target.signals).toEqual([{ call: 'deleteUser', signal: stop.signal }]);
    expect(live.snapshot().users).toEqual([]);
  });
});
