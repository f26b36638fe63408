import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { validateBootstrapReps, validatePboBlocks, validateSeed } from '../../src/statistics/options.ts';

// The ranges the README and --help state are inclusive at both ends: a user who asks for the largest
// (or smallest) documented value gets it, and a blank value is refused rather than read as 0.

const refused = (f: () => unknown) => {
  expect(f).toThrow(UsageError);
  try { f(); } catch (err) { return (err as Error).message; }
  return '';
};

describe('the documented bounds are allowed', () => {
  it('--pbo-blocks 20 (the maximum), and exactly 2 days a block', () => {
    expect(validatePboBlocks(20)).toBe(20);
    expect(validatePboBlocks('20', 40)).toBe(20); // 20 blocks × 2 days = 40 days: enough
    expect(validatePboBlocks(4, 8)).toBe(4);
    expect(refused(() => validatePboBlocks(4, 7))).toBe('--pbo-blocks 4: each block needs at least 2 days, so 4 blocks need 8; the run has 7 days');
  });

  it('--bootstrap-reps 100,000 (the maximum) and 100 (the minimum)', () => {
    expect(validateBootstrapReps(100_000)).toBe(100_000);
    expect(validateBootstrapReps('100000')).toBe(100_000);
    expect(refused(() => validateBootstrapReps(100_001))).toBe('--bootstrap-reps 100001: must be from 100 to 100,000');
  });

  it('--seed 0 (the smallest) and 2⁵³ − 1 (the largest)', () => {
    expect(validateSeed(0)).toBe(0);
    expect(validateSeed('0')).toBe(0);
    expect(validateSeed(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(refused(() => validateSeed(2 ** 53))).toBe('--seed 9007199254740992: must be a whole number');
  });
});

describe('blank values are refused, not read as 0', () => {
  it('spaces only', () => {
    expect(refused(() => validateSeed('  '))).toBe('--seed   : must be a whole number');
    expect(refused(() => validatePboBlocks(' '))).toBe('--pbo-blocks  : must be a whole number');
    expect(refused(() => validateBootstrapReps('\t'))).toBe('--bootstrap-reps \t: must be a whole number');
  });
});
