export * from './types.js';
export { normalizeEmail, isValidEmail, isPlaceholderName } from './normalize.js';
export { stableHash, canonicalJson, hashUserAttributes, isUserAttributesHash, unorderedHash, UnorderedHasher } from './hash.js';
