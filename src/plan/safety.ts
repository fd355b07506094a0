/**
 * The deletion guard (design.md "Safety"): a plan that would remove more users than `safety.maxDeletes`, or
 * more than `safety.maxDeletePercent` of the managed users, is blocked unless `--allow-deletes N` covers it.
 * A source hiccup then costs one refused run, not everyone's access.
 */
import type { PlanPolicy, SafetyViolation } from './types.js';

/**
 * @param deletes number of deleteUser operations (both modes)
 * @param managed number of state.users records whose target user still exists
 */
export function checkSafety(deletes: number, managed: number, policy: PlanPolicy): SafetyViolation[] {
  if (deletes === 0 || policy.allowDeletes >= deletes) return [];
  const users = `${deletes} user${deletes === 1 ? '' : 's'}`;
  const fix = `re-run with --allow-deletes ${deletes} after checking the source`;
  const out: SafetyViolation[] = [];
  const { maxDeletes, maxDeletePercent } = policy.safety;
  if (deletes > maxDeletes) {
    out.push({
      rule: 'maxDeletes',
      limit: maxDeletes,
      actual: deletes,
      message: `The plan deletes ${users}, more than safety.maxDeletes (${maxDeletes}); ${fix}.`,
    });
  }
  // Integer comparison (deletes*100 > pct*managed) so 10% of 50 allows exactly 5, with no float rounding.
  if (deletes * 100 > maxDeletePercent * managed) {
    const pct = managed === 0 ? 100 : Math.round((deletes * 1000) / managed) / 10;
    out.push({
      rule: 'maxDeletePercent',
      limit: maxDeletePercent,
      actual: pct,
      message:
        managed === 0
          ? `The plan deletes ${users} while scimsync manages none yet (safety.maxDeletePercent ${maxDeletePercent}%); ${fix}.`
          : `The plan deletes ${deletes} of ${managed} managed users (${pct}%), more than safety.maxDeletePercent (${maxDeletePercent}%); ${fix}.`,
    });
  }
  return out;
}
