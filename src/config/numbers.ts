import { UsageError } from '../errors.ts';

/**
 * Numbers from the command line, checked at the edge: each rule one function, one line of bad input
 * (exit 2) naming the option, the value and what it must be.
 */

/** A finite number ≥ 0 (> 0 with `positive`; a whole number with `whole`), from text or a number. */
export function requireNumber(option: string, value: string | number, { positive = false, whole = false } = {}): number {
  const n = typeof value === 'number' ? value : String(value).trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${option} ${value}: not a number`, 'E_BAD_OPTION');
  if (whole && (!Number.isInteger(n) || n < (positive ? 1 : 0))) throw new UsageError(`${option} ${value}: must be a whole number ≥ ${positive ? 1 : 0}`, 'E_BAD_OPTION');
  if (positive ? n <= 0 : n < 0) throw new UsageError(`${option} ${value}: must be ${positive ? 'greater than 0' : '0 or more'}`, 'E_BAD_OPTION');
  return n;
}

/** A cost in basis points: 0 or more, below 10,000 (100 % of the price or notional would be no market at all). */
export function requireBps(option: string, value: string | number): number {
  const bps = requireNumber(option, value);
  if (bps >= 10_000) throw new UsageError(`${option} ${value}: must be below 10,000 bps (100 %)`, 'E_BAD_OPTION');
  return bps;
}

/** A fraction strictly between 0 and 1. */
export function requireFraction(option: string, value: string | number): number {
  const n = requireNumber(option, value);
  if (!(n > 0 && n < 1)) throw new UsageError(`${option} ${value}: must be between 0 and 1 (exclusive), e.g. 0.25`, 'E_BAD_OPTION');
  return n;
}

/** A share in (0, 1]. */
export function requireShare(option: string, value: string | number, hint: string): number {
  const n = requireNumber(option, value);
  if (!(n > 0 && n <= 1)) throw new UsageError(`${option} ${value}: must be above 0 and at most 1 (${hint})`, 'E_BAD_OPTION');
  return n;
}

/**
 * An annual rate as a fraction (0.04 = 4 %), below 1: from 0 (`--cash-rate`), or above −1 with
 * `negative` (`--risk-free`: rates have been below zero).
 */
export function requireRate(option: string, value: string | number, { negative = false } = {}): number {
  const n = typeof value === 'number' ? value : String(value).trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${option} ${value}: not a number`, 'E_BAD_OPTION');
  if (negative ? !(n > -1 && n < 1) : !(n >= 0 && n < 1)) {
    throw new UsageError(`${option} ${value}: must be ${negative ? 'between −1 and 1' : 'from 0 to below 1'} (an annual rate as a fraction: 0.04 is 4 %)`, 'E_BAD_OPTION');
  }
  return n;
}
