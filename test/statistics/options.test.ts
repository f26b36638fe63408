import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { validateBootstrapReps, validatePboBlocks, validateSeed } from '../../src/statistics/options.ts';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('E_BAD_OPTION');
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('options of the overfitting statistics', () => {
  it('--pbo-blocks: even, 4 … 20, 2 days a block', () => {
    expect(validatePboBlocks('16', 252)).toBe(16);
    expect(validatePboBlocks(4)).toBe(4);
    expect(message(() => validatePboBlocks(7, 252))).toBe('--pbo-blocks 7: must be an even whole number from 4 to 20');
    expect(message(() => validatePboBlocks(2))).toBe('--pbo-blocks 2: must be an even whole number from 4 to 20');
    expect(message(() => validatePboBlocks(22))).toBe('--pbo-blocks 22: must be an even whole number from 4 to 20');
    expect(message(() => validatePboBlocks('x'))).toBe('--pbo-blocks x: must be a whole number');
    expect(message(() => validatePboBlocks(16, 20))).toBe('--pbo-blocks 16: each block needs at least 2 days, so 16 blocks need 32; the run has 20 days');
    expect(message(() => validatePboBlocks(4, 1))).toBe('--pbo-blocks 4: each block needs at least 2 days, so 4 blocks need 8; the run has 1 day');
  });

  it('--bootstrap-reps: 100 … 100,000', () => {
    expect(validateBootstrapReps('1000')).toBe(1000);
    expect(validateBootstrapReps(100)).toBe(100);
    expect(message(() => validateBootstrapReps(99))).toBe('--bootstrap-reps 99: must be from 100 to 100,000');
    expect(message(() => validateBootstrapReps(1e6))).toBe('--bootstrap-reps 1000000: must be from 100 to 100,000');
    expect(message(() => validateBootstrapReps(150.5))).toBe('--bootstrap-reps 150.5: must be a whole number');
  });

  it('--seed: a whole number ≥ 0', () => {
    expect(validateSeed('42')).toBe(42);
    expect(message(() => validateSeed(-1))).toBe('--seed -1: must be 0 or more');
    expect(message(() => validateSeed(''))).toBe('--seed "": must be a whole number');
  });
});
