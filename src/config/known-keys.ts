import { z } from 'zod';

/**
 * Only zod's public API (zod 4 classic: `instanceof`, `.shape`, `.unwrap()`, `.in`, `.options`, `.def`,
 * `.values`), never its internals (`_zod`), so a zod upgrade cannot silently break the "did you mean" hints.
 */

/** Wrappers whose `.unwrap()` gives the schema that says which keys are allowed. */
const WRAPPERS = [z.ZodOptional, z.ZodNullable, z.ZodDefault, z.ZodPrefault, z.ZodNonOptional, z.ZodReadonly, z.ZodCatch] as const;

type Wrapper = InstanceType<(typeof WRAPPERS)[number]>;
const isWrapper = (s: z.ZodType): s is Wrapper => WRAPPERS.some((W) => s instanceof W);

/** Unwraps optional/default/prefault/pipe; picks the union option whose discriminator matches the document. */
function resolve(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    if (isWrapper(s)) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else if (s instanceof z.ZodDiscriminatedUnion) {
      const key = s.def.discriminator;
      const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      const match = (s.options as readonly z.ZodType[]).find((o) => {
        const lit = shapeOf(resolve(o, undefined))?.[key];
        return lit instanceof z.ZodLiteral && lit.values.has(tag as z.core.util.Literal);
      });
      if (!match) return s;
      s = match;
    } else return s;
  }
  return s;
}

function shapeOf(s: z.ZodType): Record<string, z.ZodType> | undefined {
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : undefined;
}

/**
 * The keys the schema accepts at a path of the document, for "did you mean" hints on unknown keys.
 * Reads the schema rather than keeping a second list that could drift from it.
 */
export function knownKeysAt(root: z.ZodType, doc: unknown, path: readonly PropertyKey[]): string[] {
  let schema = root;
  let value = doc;
  for (const p of path) {
    const next = shapeOf(resolve(schema, value))?.[String(p)];
    if (!next) return [];
    schema = next;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  }
  return Object.keys(shapeOf(resolve(schema, value)) ?? {});
}
