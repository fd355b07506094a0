import { describe, expect, it } from 'vitest';
import { compileGlobs, compileGroupFilter } from '../../../src/plan/glob.js';

describe('compileGlobs', () => {
  it.each([
    [['boss@x.com'], 'BOSS@x.com', true],
    [['boss@x.com'], 'boss@x.co', false],
    [['*@admins.example.com'], 'ann@admins.example.com', true],
    [['*@admins.example.com'], 'ann@admins-example.com', false],
    [['*@admins.example.com'], 'ann@sub.admins.example.com', false],
    [['svc-*'], 'svc-backup@x.com', true],
    [['a*b*c'], 'axxbyyc', true],
    [['a*b*c'], 'axxbyy', false],
    [['(x)+'], '(x)+', true],
    [[], 'anything', false],
  ])('%j matches %s: %s', (patterns, value, want) => {
    expect(compileGlobs(patterns).matches(value)).toBe(want);
  });
});

describe('compileGroupFilter', () => {
  it.each([
    [['*'], [], 'Eng', true],
    [[], [], 'Eng', true],
    [['eng*'], [], 'Engineering', true],
    [['eng*'], [], 'Sales', false],
    [['*'], ['*-test'], 'Eng-TEST', false],
  ])('include %j exclude %j: %s → %s', (inc, exc, name, want) => {
    expect(compileGroupFilter(inc, exc)(name)).toBe(want);
  });
});
