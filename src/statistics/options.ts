import { UsageError } from '../errors.ts';

/**
 * The settings of the overfitting statistics a user can choose, their defaults and their checks
 * (for the CLI's --pbo-blocks, --bootstrap-reps and --seed): one-line UsageErrors (exit 2).
 */

/** CSCV blocks: C(16, 8) = 12,870 splits. */
export const DEFAULT_PBO_BLOCKS = 16;
/** C(20, 10) = 184,756 splits, 14× the default's work; beyond, the splits outgrow a sweep's budget. */
export const MAX_PBO_BLOCKS = 20;
export const DEFAULT_BOOTSTRAP_REPS = 1000;
export const MIN_BOOTSTRAP_REPS = 100;
/** Work grows linearly with the replications: 100,000 is 100× the default. */
export const MAX_BOOTSTRAP_REPS = 100_000;
/** The bootstrap's seed when none is given (recorded with the results either way). */
export const DEFAULT_SEED = 1;

function wholeNumber(option: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new UsageError(`${option} ${String(value) === '' ? '""' : String(value)}: must be a whole number`, 'E_BAD_OPTION');
  }
  return n;
}

/**
 * --pbo-blocks: even, 4 … 20, and at most days/2 (each block needs 2 days) when the run's number of
 * days is known.
 *
 * @example validatePboBlocks('16', 252) // 16
 */
export function validatePboBlocks(value: unknown, days?: number): number {
  const n = wholeNumber('--pbo-blocks', value);
  if (n % 2 !== 0 || n < 4 || n > MAX_PBO_BLOCKS) {
    throw new UsageError(`--pbo-blocks ${n}: must be an even whole number from 4 to ${MAX_PBO_BLOCKS}`, 'E_BAD_OPTION');
  }
  if (days !== undefined && 2 * n > days) {
    throw new UsageError(`--pbo-blocks ${n}: each block needs at least 2 days, so ${n} blocks need ${2 * n}; the run has ${days} day${days === 1 ? '' : 's'}`, 'E_BAD_OPTION');
  }
  return n;
}

/**
 * --bootstrap-reps: a whole number from 100 to 100,000.
 *
 * @example validateBootstrapReps(1000) // 1000
 */
export function validateBootstrapReps(value: unknown): number {
  const n = wholeNumber('--bootstrap-reps', value);
  if (n < MIN_BOOTSTRAP_REPS || n > MAX_BOOTSTRAP_REPS) {
    throw new UsageError(`--bootstrap-reps ${n}: must be from ${MIN_BOOTSTRAP_REPS} to ${MAX_BOOTSTRAP_REPS.toLocaleString('en-US')}`, 'E_BAD_OPTION');
  }
  return n;
}

/** --seed: a whole number from 0 to 2⁵³ − 1 (the bootstrap's generator, ./rng.ts). */
export function validateSeed(value: unknown): number {
  const n = wholeNumber('--seed', value);
  if (n < 0) throw new UsageError(`--seed ${n}: must be 0 or more`, 'E_BAD_OPTION');
  return n;
}
