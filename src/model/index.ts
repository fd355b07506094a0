export * from './types.js';
export { normalizeEmail, isValidEmail, isPlaceholderName } from './normalize.js';
export { stableHash, canonicalJson, hashUserAttributes, unorderedHash, UnorderedHasher } from './hash.js';
