import { writeFile } from 'node:fs/promises';
import { configJsonSchema } from '../../config/index.js';
import { parseCommandArgs } from '../args.js';
import { SCHEMA } from '../specs.js';

/** `scimsync schema [--out FILE]`: the config's JSON Schema, generated from the zod schema. */
export async function schemaCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(SCHEMA, argv);
  if (!args) return 0;
  const { values } = args;
  const text = JSON.stringify(configJsonSchema(), null, 2) + '\n';
  if (values.out) await writeFile(values.out, text);
  else process.stdout.write(text);
  return 0;
}
