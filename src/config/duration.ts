/**
 * Durations in config (`sync.fullReadEvery`): one or more `<number><unit>` parts, units `s`, `m`, `h`, `d`
 * (`90m`, `1h30m`, `24h`, `7d`), or `0` for "every run". Milliseconds are not offered: nothing in a sync
 * that costs a minute of rate budget per hundred requests is tuned below a second.
 */
const PART = /(\d+(?:\.\d+)?)([smhd])/gy;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The duration in ms, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(s); m !== null; m = PART.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    end = PART.lastIndex;
  }
  return end === s.length && Number.isFinite(total) ? Math.round(total) : undefined;
}
