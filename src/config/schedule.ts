import { createRequire } from 'node:module';
import type * as NodeCron from 'node-cron';

/**
 * `schedule`: a cron expression of 5 fields, or 6 with seconds first. One validator for the config and the
 * daemon. node-cron parses it, but accepts a step larger than its field (a step of 70 in the seconds field
 * runs once a minute, at second 0, not every 70 seconds): such a step is refused here, since it can only be a mistake.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const SECOND: Field = { name: 'second', min: 0, max: 59 };
const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  // 7 is Sunday again: the week has 7 distinct days, 0–6.
  { name: 'day of week', min: 0, max: 6 },
];

const RANGES = 'valid values: second 0–59, minute 0–59, hour 0–23, day of month 1–31, month 1–12 or JAN–DEC, day of week 0–7 or SUN–SAT';
const EXAMPLE = 'e.g. "*/15 * * * *"';

/**
 * Why `expression` is not a schedule scimsync will run, or undefined. The message reads after `schedule: `
 * and names the field and its valid range.
 */
export function scheduleProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `has ${parts.length} fields; a cron expression has 5 (or 6, seconds first) — ${EXAMPLE}`;
  const fields = parts.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  for (let i = 0; i < parts.length; i++) {
    const f = fields[i]!;
    const step = badStep(parts[i]!, f);
    if (step === undefined) continue;
    const why = `${f.name} steps run 1–${f.max - f.min} (a larger step only ever matches the first value)`;
    return `step ${step} in "${parts[i]}" (${f.name}) is out of range: ${why} — ${RANGES}`;
  }
  // Required here, not imported: only a config with a schedule needs node-cron, and `plan`/`apply` would load
  // it at start-up for nothing.
  const { validateDetailed } = createRequire(import.meta.url)('node-cron') as typeof NodeCron;
  const detail = validateDetailed(expression.trim());
  if (detail.valid) return undefined;
  const which = detail.errors.map((e) => `"${e.value}" (${e.field})`).join(', ');
  return `${which} is out of range or malformed — ${RANGES}; ${EXAMPLE}`;
}

/** The first step (the number after `/`) in a comma-separated field that is outside 1..span-1, or undefined. */
function badStep(part: string, f: Field): string | undefined {
  for (const item of part.split(',')) {
    const slash = item.indexOf('/');
    if (slash < 0) continue;
    const step = item.slice(slash + 1);
    // A step that is not a number at all is node-cron's to report, with the rest of the syntax.
    if (!/^\d+$/.test(step)) continue;
    const n = Number(step);
    if (n < 1 || n > f.max - f.min) return step;
  }
  return undefined;
}
