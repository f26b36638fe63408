import { describe, expect, it } from 'vitest';
import { effectiveTrials } from '../../src/statistics/effective-trials.ts';
import type { ReturnsMatrix } from '../../src/statistics/returns-matrix.ts';
import { matrixOf, noiseMatrix, normals } from './helpers.ts';

/**
 * The obvious N_eff: every pairwise Pearson correlation written out (constant columns: 1 with each
 * other, 0 with the rest), the adjusted ρ̃² = 1 − (1 − ρ̂²)(T − 1)/(T − 2) off the diagonal, N²/Σρ̃².
 */
function plainEffectiveTrials(m: ReturnsMatrix, adjust = true): number {
  const { days: T, variants: N } = m;
  const col = (j: number) => Array.from(m.values.subarray(j * T, (j + 1) * T));
  const cols = Array.from({ length: N }, (_, j) => col(j));
  const centred = cols.map((c) => { const mu = c.reduce((a, b) => a + b, 0) / T; return c.map((x) => x - mu); });
  const norm = centred.map((c) => Math.sqrt(c.reduce((a, b) => a + b * b, 0)));
  let total = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      let r2: number;
      if (norm[i] === 0 || norm[j] === 0) r2 = norm[i] === 0 && norm[j] === 0 ? 1 : 0;
      else {
        const r = centred[i]!.reduce((a, x, t) => a + x * centred[j]![t]!, 0) / (norm[i]! * norm[j]!);
        r2 = i === j || !adjust ? r * r : 1 - (1 - r * r) * (T - 1) / (T - 2);
      }
      total += r2;
    }
  return Math.min(N, Math.max(1, (N * N) / total));
}

describe('effective number of trials: participation ratio of the correlation eigenvalues, debiased', () => {
  it('identical columns → 1; a column and its negative → 1 (the same bet)', () => {
    const z = normals(1), base = Array.from({ length: 100 }, () => 0.01 * z());
    expect(effectiveTrials(matrixOf(100, 8, (_, t) => base[t]!))).toBeCloseTo(1, 10);
    expect(effectiveTrials(matrixOf(100, 2, (j, t) => (j ? -1 : 1) * base[t]!))).toBeCloseTo(1, 10);
  });

  it('independent columns → ≈ N (tolerance from the sampling sd of Σρ̃², ≈ 0.4 here: 5 sd), where the undebiased ratio says ≈ 42', () => {
    // N = 50, T = 252: Σᵢ≠ⱼ ρ̃² has mean 0 and sd ≈ 2·√(1,225·2)/T ≈ 0.39, so N_eff = N²/(N + Σ) ≈ 50 ± 0.39
    const m = noiseMatrix(252, 50, 2);
    expect(Math.abs(effectiveTrials(m)! - 50)).toBeLessThan(2);
    // without the adjustment, E[ρ̂²] = 1/(T − 1) per pair: N/(1 + (N − 1)/(T − 1)) ≈ 41.8
    expect(plainEffectiveTrials(m, false)).toBeGreaterThan(39);
    expect(plainEffectiveTrials(m, false)).toBeLessThan(45);
  });

  it('k blocks of identical columns, independent between blocks → ≈ k (tolerance: 5 sd of the cross-block noise, ≈ 0.035)', () => {
    const k = 5, size = 10, z = normals(3);
    const blocks = Array.from({ length: k }, () => Array.from({ length: 252 }, () => 0.01 * z()));
    const m = matrixOf(252, k * size, (j, t) => blocks[Math.floor(j / size)]![t]!);
    expect(Math.abs(effectiveTrials(m)! - k)).toBeLessThan(0.2);
  });

  it('agrees with the plain pairwise computation, on both paths (N ≤ T: N × N Gram; N > T: T × T Gram)', () => {
    const z = normals(4);
    const factor = Array.from({ length: 60 }, () => z());
    // correlated through a common factor, with varying loadings, and two constant columns
    const make = (days: number, variants: number) => matrixOf(days, variants, (j, t) => (j >= variants - 2 ? 0.001 * (j - variants + 2) : 0.01 * ((j % 5) * 0.3 * factor[t % 60]! + z())));
    for (const [days, variants] of [[60, 12], [12, 40]] as const) {
      const m = make(days, variants);
      expect(effectiveTrials(m)!).toBeCloseTo(plainEffectiveTrials(m), 10);
    }
  });

  it('constant columns (never traded) form one group of identical trials', () => {
    const z = normals(5);
    const m = matrixOf(200, 7, (j, t) => (j < 3 ? 0.01 * z() : 0 * t));
    // 3 nearly independent columns plus one group of 4: N²/(3 + 4²) = 49/19
    expect(effectiveTrials(m)!).toBeCloseTo(plainEffectiveTrials(m), 10);
    expect(Math.abs(effectiveTrials(m)! - 49 / 19)).toBeLessThan(0.05);
    expect(effectiveTrials(matrixOf(50, 3, () => 0))).toBe(1);
  });

  it('is undefined with fewer than 3 days or no columns; never below 1 nor above N', () => {
    expect(effectiveTrials(matrixOf(2, 5, (j, t) => j + t))).toBeNull();
    expect(effectiveTrials(matrixOf(10, 0, () => 0))).toBeNull();
    // 3 days are enough: two columns on the same line are one trial, and a third at random agrees with the plain sum
    expect(effectiveTrials(matrixOf(3, 2, (j, t) => (j + 1) * (t - 1)))).toBeCloseTo(1, 12);
    const three = matrixOf(3, 3, (j, t) => [[1, 2, 4], [3, 1, 2], [0, 5, 1]][j]![t]! / 100);
    expect(effectiveTrials(three)!).toBeCloseTo(plainEffectiveTrials(three), 12);
    for (let seed = 10; seed < 15; seed++) {
      const n = effectiveTrials(noiseMatrix(5, 30, seed))!; // few days: noisy, but clamped
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(30);
    }
  });
});
