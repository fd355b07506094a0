import type { z } from 'zod';

interface AnyDef {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: string;
}

const defOf = (s: z.core.$ZodType): AnyDef => s._zod.def as unknown as AnyDef;

/** Unwraps optional/default/prefault/pipe; picks the union option whose discriminator matches the document. */
function resolve(schema: z.core.$ZodType, value: unknown): z.core.$ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'union' && d.options) {
      const tag = d.discriminator && value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[d.discriminator] : undefined;
      const match = d.options.find((o) => {
        const shape = defOf(resolve(o, undefined)).shape;
        const lit = shape && d.discriminator ? shape[d.discriminator] : undefined;
        return lit !== undefined && (defOf(lit) as { values?: unknown[] }).values?.includes(tag);
      });
      if (!match) return s;
      s = match;
    } else return s;
  }
  return s;
}

/**
 * The keys the schema accepts at a path of the document, for "did you mean" hints on unknown keys.
 * Reads zod's definitions rather than keeping a second list that could drift from the schema.
 */
export function knownKeysAt(root: z.core.$ZodType, doc: unknown, path: readonly PropertyKey[]): string[] {
  let schema = root;
  let value = doc;
  for (const p of path) {
    const shape = defOf(resolve(schema, value)).shape;
    const next = shape?.[String(p)];
    if (!next) return [];
    schema = next;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  }
  return Object.keys(defOf(resolve(schema, value)).shape ?? {});
}
