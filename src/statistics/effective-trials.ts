import type { ReturnsMatrix } from './returns-matrix.ts';

/**
 * The effective number of independent trials among N variants, from the correlation of their
 * daily returns: the participation ratio of the eigenvalues λᵢ of the N × N correlation matrix R,
 *
 *   N_eff = (Σλᵢ)² / Σλᵢ² = N² / Σᵢⱼ ρᵢⱼ²     (trace R = N, trace R² = Σᵢⱼ ρᵢⱼ²).
 *
 * Why this one: it needs no eigendecomposition and no tuning (a clustering, as López de Prado
 * suggests, needs a number of clusters or a seeded search for it); it is N for uncorrelated
 * variants, 1 for identical ones and k for k groups of identical variants that are uncorrelated
 * between groups, and it moves smoothly in between.
 * 1. Centre each column and scale it to unit length: zₜⱼ = (xₜⱼ − x̄ⱼ)/‖xⱼ − x̄ⱼ‖, so ρ̂ᵢⱼ = Σₜ zₜᵢzₜⱼ.
 *    Columns with no dispersion (a variant that never trades) have no correlation: they are taken
 *    together as one group of identical trials.
 * 2. Σᵢⱼ ρ̂ᵢⱼ² = ‖ZᵀZ‖²_F = ‖ZZᵀ‖²_F: the Gram matrix of the smaller side is formed (N × N over T
 *    days, or T × T over N variants), costing min(N, T)²·max(N, T)/2 multiply-adds.
 * 3. Sampling noise: independent series still show ρ̂² of about 1/(T − 1) (exactly, for normal data),
 *    which alone would make 1,000 independent variants over 252 days look like ≈ 200. Each
 *    off-diagonal ρ̂² is replaced by the adjusted 1 − (1 − ρ̂²)(T − 1)/(T − 2) (the adjusted R² of one
 *    regressor: unbiased for ρ = 0 under normality, exact at ρ² = 1); being linear in ρ̂², the sum
 *    adjusts in one step: Σᵢ≠ⱼ ρ̃² = ((T − 1)·Σᵢ≠ⱼ ρ̂² − N(N − 1))/(T − 2).
 * 4. N_eff = N² / (N + Σᵢ≠ⱼ ρ̃² + m²) over N' varying columns plus m constant ones (N = N' + m),
 *    clamped to [1, N]. Null with fewer than 3 days (no adjustment possible) or no columns.
 */

/** Σᵢⱼ ρ̂ᵢⱼ² over the varying columns, and how many columns vary / are constant. */
export function squaredCorrelationSum(matrix: ReturnsMatrix): { sum: number; varying: number; constant: number } {
  const { days: T, variants: N, values } = matrix;
  const z = new Float64Array(T * N); // column-major, varying columns only, packed
  let varying = 0;
  for (let j = 0; j < N; j++) {
    const base = j * T;
    let s = 0;
    for (let t = 0; t < T; t++) s += values[base + t]!;
    const m = s / T;
    let ss = 0;
    for (let t = 0; t < T; t++) {
      const d = values[base + t]! - m;
      ss += d * d;
    }
    if (!(ss > 0)) continue;
    const scale = 1 / Math.sqrt(ss), out = varying * T;
    for (let t = 0; t < T; t++) z[out + t] = (values[base + t]! - m) * scale;
    varying++;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, ‖ZᵀZ‖²_F = ‖ZZᵀ‖²_F: either Gram gives the sum (this picks the cheaper)
  return { sum: varying <= T ? gramNormColumns(z, T, varying) : gramNormRows(z, T, varying), varying, constant: N - varying };
}

/** ‖ZᵀZ‖²_F for Z column-major T × n: n(n + 1)/2 dot products of length T. */
function gramNormColumns(z: Float64Array, T: number, n: number): number {
  let diag = 0, off = 0;
  for (let i = 0; i < n; i++) {
    const a = i * T;
    for (let j = i; j < n; j++) {
      const b = j * T;
      let dot = 0;
      // Stryker disable next-line AssignmentOperator: equivalent, a dot product's sign is lost in its square
      for (let t = 0; t < T; t++) dot += z[a + t]! * z[b + t]!;
      // Stryker disable next-line ArithmeticOperator: equivalent, the columns are unit vectors: a diagonal dot is 1 (to rounding), and 1·1 = 1/1
      if (i === j) diag += dot * dot;
      else off += dot * dot;
    }
  }
  return diag + 2 * off;
}

/** ‖ZZᵀ‖²_F for Z column-major T × n (n > T): transposed to rows once, then T(T + 1)/2 dot products of length n. */
function gramNormRows(z: Float64Array, T: number, n: number): number {
  const rows = new Float64Array(T * n);
  for (let j = 0; j < n; j++) for (let t = 0; t < T; t++) rows[t * n + j] = z[j * T + t]!;
  let diag = 0, off = 0;
  for (let s = 0; s < T; s++) {
    const a = s * n;
    for (let u = s; u < T; u++) {
      const b = u * n;
      let dot = 0;
      // Stryker disable next-line AssignmentOperator: equivalent, a dot product's sign is lost in its square
      for (let j = 0; j < n; j++) dot += rows[a + j]! * rows[b + j]!;
      if (s === u) diag += dot * dot;
      else off += dot * dot;
    }
  }
  return diag + 2 * off;
}

/**
 * N_eff of the matrix's columns (outline above); null with fewer than 3 days or no columns.
 *
 * @example effectiveTrials(fiveCopiesOfOneSeries) // 1
 */
export function effectiveTrials(matrix: ReturnsMatrix): number | null {
  const T = matrix.days, N = matrix.variants;
  if (T < 3 || N === 0) return null;
  const { sum, varying: n, constant: m } = squaredCorrelationSum(matrix);
  const offRaw = sum - n; // the diagonal is ρ̂ⱼⱼ = 1 for each varying column
  const offAdjusted = ((T - 1) * offRaw - n * (n - 1)) / (T - 2);
  const total = n + offAdjusted + m * m;
  // total ≥ m² ≥ 0 (‖ZZᵀ‖²_F ≥ n²/(T − 1)); at 0, N²/0 = ∞ clamps to N as the fallback does
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, as above
  const effective = total > 0 ? (N * N) / total : N;
  return Math.min(N, Math.max(1, effective));
}
