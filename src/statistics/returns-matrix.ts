import { mean as meanOf, sampleSd } from '../metrics/returns.ts';

/**
 * Every variant's daily returns over the run's common evaluation window, in one columnar
 * Float64Array: variant j's return on day t is values[j·days + t] (one variant's days contiguous).
 * A collector allocates it once with the run's shape and writes each variant's column as that
 * variant finishes, in whatever order (local threads or queue jobs): the matrix, and so every
 * statistic computed from it, does not depend on the order of arrival. A column never written stays
 * NaN and is left out of the statistics (its variant gets no per-variant values).
 */
export interface ReturnsMatrix {
  /** T: rows (trading days of the evaluation window). */
  readonly days: number;
  /** N: columns (variants, in variant order). */
  readonly variants: number;
  /** days × variants, column-major: values[j·days + t]. */
  readonly values: Float64Array;
}

/**
 * A days × variants matrix filled with NaN (no column written yet).
 *
 * @example const m = createReturnsMatrix(252, 1000); writeVariantReturns(m, 7, returnsOfVariant7);
 */
export function createReturnsMatrix(days: number, variants: number): ReturnsMatrix {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days ${days}: must be a whole number ≥ 0`);
  if (!Number.isInteger(variants) || variants < 0) throw new RangeError(`variants ${variants}: must be a whole number ≥ 0`);
  return { days, variants, values: new Float64Array(days * variants).fill(NaN) };
}

/** Wraps an existing column-major array (length days × variants) without copying. */
export function returnsMatrixFrom(values: Float64Array, days: number, variants: number): ReturnsMatrix {
  if (values.length !== days * variants) throw new RangeError(`values has ${values.length} numbers, expected ${days} × ${variants}`);
  return { days, variants, values };
}

/** Copies one variant's daily returns (exactly `days` of them) into column `variant`. */
export function writeVariantReturns(matrix: ReturnsMatrix, variant: number, returns: ArrayLike<number>): void {
  if (!Number.isInteger(variant) || variant < 0 || variant >= matrix.variants) {
    throw new RangeError(`variant ${variant}: not a column of a matrix with ${matrix.variants}`);
  }
  if (returns.length !== matrix.days) throw new RangeError(`variant ${variant}: ${returns.length} returns, the window has ${matrix.days} days`);
  const base = variant * matrix.days;
  for (let t = 0; t < matrix.days; t++) matrix.values[base + t] = returns[t]!;
}

/** Column `variant` as a view (no copy). */
export function variantColumn(matrix: ReturnsMatrix, variant: number): Float64Array {
  return matrix.values.subarray(variant * matrix.days, (variant + 1) * matrix.days);
}

/** True when every value of column `variant` is finite (the column was written and is usable). */
export function isFiniteColumn(matrix: ReturnsMatrix, variant: number): boolean {
  const base = variant * matrix.days;
  for (let t = 0; t < matrix.days; t++) if (!Number.isFinite(matrix.values[base + t]!)) return false;
  return true;
}

/** A matrix of the chosen columns, in the given order (a copy). */
export function selectColumns(matrix: ReturnsMatrix, columns: readonly number[]): ReturnsMatrix {
  const out = new Float64Array(matrix.days * columns.length);
  columns.forEach((j, k) => out.set(variantColumn(matrix, j), k * matrix.days));
  return { days: matrix.days, variants: columns.length, values: out };
}

/**
 * Per column: the mean x̄ⱼ and the sample sd sⱼ (n − 1) of src/metrics/returns.ts, so that x̄ⱼ/sⱼ is
 * exactly the summary's `sharpe` ÷ √252 (NaN where undefined). The kernels work on centred values
 * xₜⱼ − x̄ⱼ, which keeps sums of squares over parts of a column free of cancellation.
 */
export interface ColumnMoments {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

export function columnMoments(matrix: ReturnsMatrix): ColumnMoments {
  const mean = new Float64Array(matrix.variants), sd = new Float64Array(matrix.variants);
  for (let j = 0; j < matrix.variants; j++) {
    const column = variantColumn(matrix, j);
    mean[j] = meanOf(column) ?? NaN;
    sd[j] = sampleSd(column) ?? NaN;
  }
  return { mean, sd };
}

/**
 * A Sharpe ratio per period from the count n, the sum S₁ and the sum of squares S₂ of centred values
 * (xₜ − c) and the centre c: mean = c + S₁/n, variance = (S₂ − S₁²/n)/(n − 1) (n − 1: sample), Sharpe
 * = mean/√variance. A part with no dispersion (variance ≤ 0) scores 0: no return per unit of risk is
 * claimed where there is no risk to measure (a variant that did not trade earns 0 for 0). `noise`: the
 * rounding error S₂ − S₁²/n may carry when its sums are differences of prefix sums (a resample of one day
 * repeated has no dispersion, yet its differences leave a residue of a few ulps of the prefix sums,
 * which would score a Sharpe of billions): at or below it, the part has no dispersion.
 */
export function sharpeFromSums(n: number, s1: number, s2: number, centre: number, noise = 0): number {
  const ss = s2 - (s1 * s1) / n;
  return ss > noise ? (centre + s1 / n) / Math.sqrt(ss / (n - 1)) : 0;
}
