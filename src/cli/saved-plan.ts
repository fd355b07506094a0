import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { Plan } from '../plan/index.js';

/** Reads a plan written by `plan --out` (for `apply --plan` and `show`). */
export async function readSavedPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read saved plan ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      [],
      'pass the file written by `scimsync plan --out`',
    );
  }
  try {
    const plan = JSON.parse(text) as Plan;
    if (!plan || typeof plan !== 'object' || !Array.isArray(plan.operations) || !plan.basis) throw new Error('not a plan');
    return plan;
  } catch {
    throw new ConfigError(`${path} is not a scimsync plan file`, [], 'pass the file written by `scimsync plan --out`, unmodified');
  }
}
