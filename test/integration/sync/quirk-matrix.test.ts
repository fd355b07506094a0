import { describe, expect, it } from 'vitest';
import { comparable, expected, QUIRK_CASES, runCell, SCENARIOS } from './quirk-scenarios.js';

/**
 * Every sync scenario against every quirk of real SCIM servers (quirk-scenarios.ts), on the profiles where the
 * quirk means something. A cell either converges with exactly the baseline's writes (and a plan after it finds
 * nothing to do), or, where the quirk makes a multi-page read impossible to prove complete, stops before any
 * write and leaves the target as it was. `npx tsx bench/quirk-matrix.ts` prints the same cells as a table.
 */
for (const q of QUIRK_CASES) {
  describe.each(q.profiles)(`quirk ${q.name} (%s)`, (profile) => {
    it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
      const want = expected(q, s, profile);
      const got = await runCell(q, s, profile);
      expect(comparable(got, want), got.error).toEqual(want);
    });
  });
}
