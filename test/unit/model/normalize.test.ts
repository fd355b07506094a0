import { describe, expect, it } from 'vitest';
import { isPlaceholderName, isValidEmail, normalizeEmail } from '../../../src/model/normalize.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
    ['BOB@X.COM', 'bob@x.com'],
    // "é" written as e + combining acute (NFD) equals the precomposed form after NFC.
    ['Rene\u0301@x.com', 'ren\u00e9@x.com'],
    ['\tjoe@x.com\n', 'joe@x.com'],
  ])('%j → %j', (raw, want) => {
    expect(normalizeEmail(raw)).toBe(want);
  });
});

describe('isValidEmail', () => {
  it.each([
    ['ann@example.com', true],
    ['a.b+tag@sub.example.co.uk', true],
    ['ann@localhost', false],
    ['ann', false],
    ['', false],
    ['ann@@x.com', false],
    ['an n@x.com', false],
    ['@x.com', false],
    ['ann@.com', false],
    ['ann@x..com', false],
    ['ann@x.com.', false],
    [`${'a'.repeat(250)}@x.com`, false],
  ])('%j → %s', (email, want) => {
    expect(isValidEmail(email)).toBe(want);
  });
});

describe('isPlaceholderName', () => {
  it.each([
    ['NO_GIVEN_NAME', true],
    ['NO_FAMILY_NAME', true],
    ['', true],
    ['  ', true],
    ['undefined', true],
    [null, true],
    [undefined, true],
    ['Ann', false],
    ['No', false],
    ['Nogivenname', false],
  ])('%j → %s', (v, want) => {
    expect(isPlaceholderName(v)).toBe(want);
  });
});
