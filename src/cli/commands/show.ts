import { parseCommandArgs } from '../args.js';
import { ConfigError } from '../../errors.js';
import { planFormat, renderPlanAs } from '../output.js';
import { readSavedPlan } from '../saved-plan.js';
import { SHOW } from '../specs.js';

/** `scimsync show PLAN.json [--format text|markdown|json]`: renders a saved plan; reads nothing else. */
export async function showCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(SHOW, argv);
  if (!args) return 0;
  const format = planFormat(args.values.format);
  const [path, ...extra] = args.positionals;
  if (path === undefined || extra.length > 0) {
    throw new ConfigError(
      `scimsync show: expected one plan file, got ${args.positionals.length}`,
      [],
      'run `scimsync show PLAN.json` with the file written by `plan --out`',
    );
  }
  const plan = await readSavedPlan(path);
  process.stdout.write(renderPlanAs(plan, format, { color: process.stdout.isTTY === true }));
  return 0;
}
