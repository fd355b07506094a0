import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressReporter, etaSeconds, formatDuration, formatProgressLine } from '../../../src/progress/index.js';

/** A real pino logger writing JSON lines into an array. */
function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progress reporter', () => {
  it('computes the ETA from the rate budget: remaining operations at perMinute', () => {
    expect(etaSeconds({ done: 0, failed: 0, total: 900 }, 90)).toBe(600);
    expect(etaSeconds({ done: 880, failed: 10, total: 900 }, 90)).toBe(7);
    expect(etaSeconds({ done: 5, failed: 0, total: 5 }, 90)).toBe(0);
    expect(etaSeconds({ done: 0, failed: 0, total: 5 }, 0)).toBeNull();
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(587)).toBe('9m 47s');
    expect(formatDuration(6000)).toBe('1h 40m');
  });

  it('formats done/total, percent, failures and ETA', () => {
    expect(formatProgressLine({ done: 117, failed: 3, total: 1000 }, 90)).toBe('applying 120/1000 (12%), 3 failed, ETA 9m 47s at 90/min');
    expect(formatProgressLine({ done: 10, failed: 0, total: 10 }, 0)).toBe('applying 10/10 (100%)');
  });

  it('on a terminal redraws one line and ends it on stop', () => {
    const { logger, lines } = captureLogger();
    let out = '';
    const r = createProgressReporter({ total: 4, perMinute: 60, isTTY: true, logger, stream: { write: (s: string) => (out += s) } });
    r.update({ done: 1, failed: 0, total: 4 });
    r.update({ done: 2, failed: 1, total: 4 });
    r.stop();
    r.update({ done: 4, failed: 0, total: 4 }); // after stop: ignored
    const frames = out.split('\r\x1b[2K').filter(Boolean);
    expect(frames).toEqual([
      'applying 1/4 (25%), ETA 3s at 60/min',
      'applying 3/4 (75%), 1 failed, ETA 1s at 60/min',
      'applying 3/4 (75%), 1 failed, ETA 1s at 60/min\n',
    ]);
    expect(lines).toHaveLength(0);
  });

  it('off a terminal logs the latest figures every interval (only when they changed) and once on stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { logger, lines } = captureLogger();
    const r = createProgressReporter({ total: 10, perMinute: 600, isTTY: false, logger, intervalMs: 20 });
    r.update({ done: 3, failed: 0, total: 10 });
    expect(lines).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'apply progress', done: 3, failed: 0, total: 10, etaSeconds: 1 });
    // Five more intervals with unchanged figures: still one line, not one per interval.
    await vi.advanceTimersByTimeAsync(100);
    expect(lines).toHaveLength(1);
    r.update({ done: 5, failed: 1, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ done: 5, failed: 1 });
    r.update({ done: 10, failed: 0, total: 10 });
    r.stop();
    expect(lines.at(-1)).toMatchObject({ msg: 'apply progress', done: 10, total: 10, etaSeconds: 0 });
    const count = lines.length;
    expect(vi.getTimerCount()).toBe(0); // the timer is gone
    await vi.advanceTimersByTimeAsync(100);
    expect(lines).toHaveLength(count);
  });
});
