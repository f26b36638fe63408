import { describe, expect, it } from 'vitest';
import { minTrackRecordLength, probabilisticSharpe, sharpeStandardError } from '../../src/statistics/probabilistic-sharpe.ts';
import { bisectionQuantile, simpsonCdf } from './reference-normal.ts';

// The DSR paper's example (Bailey & López de Prado 2014, as in ../shared/REFERENCES.md), per period:
// SR = 2.5 annualised over 250 days a year → 2.5/√250 a day; T = 1,250 days; skewness −3; kurtosis 10.
const SR = 2.5 / Math.sqrt(250), T = 1250, SKEW = -3, KURT = 10;
// Its SR₀ = √(0.5/250)·e(100) (deflated-sharpe.test.ts): 0.11317200186513203 to 17 digits (mpmath, 30 digits).
const SR0 = 0.11317200186513203;

/** The obvious PSR: the formula with the test's own Φ. */
function plainPsr(sr: number, benchmark: number, t: number, skew: number, kurt: number): number {
  return simpsonCdf(((sr - benchmark) * Math.sqrt(t - 1)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr));
}

describe('PSR, σ̂(SR̂) and MinTRL (Bailey & López de Prado 2012)', () => {
  it('the DSR paper example: σ̂(SR̂) ≈ 0.035006 a day, PSR(0) ≈ 0.999997', () => {
    // by hand: 1 + 3·0.158114 + (9/4)·0.025 = 1.530592; √(1.530592/1249) = 0.0350065
    expect(sharpeStandardError(SR, T, SKEW, KURT)).toBeCloseTo(0.0350064805738300, 14);
    const psr = probabilisticSharpe(SR, 0, T, SKEW, KURT)!;
    expect(psr).toBeCloseTo(0.999997, 6);
    expect(psr).toBeCloseTo(0.99999685950789765, 14); // mpmath, 30 digits
    expect(psr).toBeCloseTo(plainPsr(SR, 0, T, SKEW, KURT), 12);
  });

  it('the DSR example as a PSR against SR₀: DSR ≈ 0.9004', () => {
    const dsr = probabilisticSharpe(SR, SR0, T, SKEW, KURT)!;
    expect(dsr).toBeCloseTo(0.9004, 4);
    expect(dsr).toBeCloseTo(0.90039683444939096, 13); // mpmath
    expect(dsr).toBeCloseTo(plainPsr(SR, SR0, T, SKEW, KURT), 12);
  });

  it('MinTRL at 95 %: ≈ 2,051 days against SR₀ and ≈ 167 against 0 — and PSR is exactly 0.95 there', () => {
    const againstSr0 = minTrackRecordLength(SR, SR0, SKEW, KURT, 0.05)!;
    expect(againstSr0).toBeCloseTo(2051.2714273190754, 8); // mpmath
    expect(minTrackRecordLength(SR, 0, SKEW, KURT, 0.05)).toBeCloseTo(166.64328867653560, 9);
    // a second route: MinTRL is the T at which PSR(SR₀) = 1 − α; bisect on T with the plain PSR
    let lo = 2, hi = 1e6;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (plainPsr(SR, SR0, mid, SKEW, KURT) < 0.95) lo = mid;
      else hi = mid;
    }
    expect(againstSr0).toBeCloseTo(lo, 5);
    expect(probabilisticSharpe(SR, SR0, againstSr0, SKEW, KURT)).toBeCloseTo(0.95, 12);
  });

  it('kurtosis is raw (normal = 3): normal returns give Lo’s (1 + SR²/2)/(T − 1), excess kurtosis would not', () => {
    const sr = 0.1;
    expect(sharpeStandardError(sr, 253, 0, 3)).toBeCloseTo(Math.sqrt((1 + sr * sr / 2) / 252), 15);
    expect(sharpeStandardError(sr, 253, 0, 0)).not.toBeCloseTo(Math.sqrt((1 + sr * sr / 2) / 252), 6);
  });

  it('a per-period Sharpe, not an annualised one: the annualised 2.5 fed in by mistake saturates PSR at 1', () => {
    expect(probabilisticSharpe(2.5, 0, 252, 0, 3)).toBe(1);
    expect(probabilisticSharpe(2.5 / Math.sqrt(252), 0, 252, 0, 3)).toBeLessThan(0.9999);
  });

  it('is undefined without a track record, and MinTRL is undefined when SR̂ does not beat SR*', () => {
    expect(probabilisticSharpe(0.1, 0, 1, 0, 3)).toBeNull();
    expect(minTrackRecordLength(0.05, 0.05, 0, 3)).toBeNull();
    expect(minTrackRecordLength(0.01, 0.05, 0, 3)).toBeNull();
    // moments no distribution has (γ₄ < 1 + γ₃²) make the variance factor negative: 1 − 2·2 + 0 = −3 → null, not NaN
    expect(sharpeStandardError(2, 100, 2, 1)).toBeNull();
  });

  it('two returns are the shortest track record: T = 2, SR̂ = 0 gives σ̂(SR̂) = √(1/1) = 1, PSR(0) = ½', () => {
    expect(sharpeStandardError(0, 2, 0, 3)).toBe(1);
    expect(sharpeStandardError(0.5, 2, 0, 3)).toBeCloseTo(Math.sqrt(1 + 0.25 / 2), 15); // Lo: 1 + SR²/2
    expect(probabilisticSharpe(0, 0, 2, 0, 3)).toBeCloseTo(0.5, 15);
  });

  it('a two-point distribution on the edge (γ₄ = 1 + γ₃², SR̂ = 2/γ₃) has a zero variance factor: no σ̂, PSR or MinTRL', () => {
    // 1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂² = 1 − 1·2 + (1/4)·4 = 0 exactly: the estimate would claim certainty
    expect(sharpeStandardError(2, 100, 1, 2)).toBeNull();
    expect(probabilisticSharpe(2, 0, 100, 1, 2)).toBeNull();
    expect(minTrackRecordLength(2, 0, 1, 2)).toBeNull();
    // the same moments with a negative factor (γ₄ < 1 + γ₃²) give none either
    expect(minTrackRecordLength(2, 0, 2, 1)).toBeNull();
  });

  it('agrees with the plain implementation over a grid of inputs', () => {
    for (const sr of [-0.1, 0, 0.03, 0.12])
      for (const bench of [-0.02, 0, 0.05])
        for (const [skew, kurt] of [[0, 3], [-1, 6], [0.5, 4]] as const) {
          expect(probabilisticSharpe(sr, bench, 252, skew, kurt)!).toBeCloseTo(plainPsr(sr, bench, 252, skew, kurt), 11);
        }
    expect(bisectionQuantile(0.95)).toBeCloseTo(1.6448536269514727, 10);
  });
});
