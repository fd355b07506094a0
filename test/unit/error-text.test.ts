import { describe, expect, it } from 'vitest';
import { describeError, scrub, UNEXPECTED_FIX } from '../../src/error-text.js';
import { TargetError } from '../../src/errors.js';

describe('error text (shared by the CLI and the daemon)', () => {
  it("keeps a ScimsyncError's code and fix and scrubs every secret from message and fix", () => {
    const err = new TargetError('the server echoed s3cr3t-key in its body', { status: 400, fix: 'rotate s3cr3t-key' });
    expect(describeError(err, ['s3cr3t-key'])).toEqual({
      code: 'SCIMSYNC_SCIM_HTTP',
      message: 'the server echoed [redacted] in its body',
      fix: 'rotate [redacted]',
    });
  });

  it('calls anything else unexpected, with the fix that asks for the stack trace', () => {
    expect(describeError(new Error('boom s3cr3t-key'), ['s3cr3t-key'])).toEqual({ code: 'UNEXPECTED', message: 'boom [redacted]', fix: UNEXPECTED_FIX });
    expect(describeError('a string')).toMatchObject({ code: 'UNEXPECTED', message: 'a string' });
  });

  it('leaves values shorter than 4 characters alone (they would shred ordinary words)', () => {
    expect(scrub('a bc abcd', ['bc', 'abcd'])).toBe('a bc [redacted]');
  });
});
