import { z } from 'zod';
import { configInputSchema } from './schema.js';

/**
 * The JSON Schema of the config file (input side: keys with defaults are optional), for editors and for
 * `config/scimsync.schema.json`. Cross-field rules (exactly one of token/tokenFile, http:// only on loopback)
 * are beyond JSON Schema; the loader enforces them.
 */
export function configJsonSchema(): object {
  const { $schema, ...schema } = z.toJSONSchema(configInputSchema, { io: 'input', target: 'draft-2020-12' });
  // A stable identity for editors and schema stores, whatever file name or path the copy has.
  return { $schema, $id: CONFIG_SCHEMA_ID, title: 'scimsync configuration', ...schema };
}

export const CONFIG_SCHEMA_ID = 'urn:scimsync:config';
