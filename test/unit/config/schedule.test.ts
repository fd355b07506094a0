import { describe, expect, it } from 'vitest';
import { parseConfig, scheduleProblem } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';

const MINIMAL = 'source: { type: csv, users: ./users.csv }\ntarget: { url: "https://core.amplitude.com/scim/1/", token: t0k3n }\n';

/** The issues of a config with this schedule, or [] when it loads. */
function scheduleIssues(schedule: string): { path: string; message: string }[] {
  try {
    parseConfig(`${MINIMAL}schedule: "${schedule}"\n`, { path: 'config.yaml', env: {} });
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
}

describe('schedule: one validator, with the valid ranges in its message', () => {
  it('refuses a step past its field ("*/70" seconds would run once a minute, not every 70 s), naming schedule and the ranges', () => {
    expect(scheduleIssues('*/70 * * * * *')).toEqual([
      {
        path: 'schedule',
        message:
          'step 70 in "*/70" (second) is out of range: second steps run 1–59 (a larger step only ever matches the first value) — valid values: second 0–59, minute 0–59, hour 0–23, day of month 1–31, month 1–12 or JAN–DEC, day of week 0–7 or SUN–SAT',
      },
    ]);
  });

  it.each(['*/60 * * * *', '* */24 * * *', '* * */32 * *', '* * * */12 *', '* * * * */7', '*/0 * * * *', '0 */1000 * * * *'])('refuses the step in %j', (s) => {
    expect(scheduleProblem(s)).toMatch(/^step \d+ in ".*" \((second|minute|hour|day of month|month|day of week)\) is out of range: .* steps run 1–\d+/);
  });

  it.each(['61 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', 'x * * * *'])('refuses %j naming the field and the ranges', (s) => {
    expect(scheduleProblem(s)).toMatch(
      /^".*" \((minute|hour|dayOfMonth|month|dayOfWeek)\) is out of range or malformed — valid values: second 0–59, minute 0–59, hour 0–23/,
    );
  });

  it('counts the fields', () => {
    expect(scheduleProblem('* * *')).toBe('has 3 fields; a cron expression has 5 (or 6, seconds first) — e.g. "*/15 * * * *"');
    expect(scheduleProblem('* * * * * * *')).toMatch(/^has 7 fields/);
  });

  it.each(['*/15 * * * *', '*/59 * * * *', '0 */5 * * * *', '*/30 * * * * *', '0 3 * * 1-5', '0 0 1 JAN *', '0 9 * * MON-FRI', '* * * * 7', '0 */23 * * *'])(
    'accepts %j',
    (s) => {
      expect(scheduleProblem(s)).toBeUndefined();
      expect(scheduleIssues(s)).toEqual([]);
    },
  );
});
