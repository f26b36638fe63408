import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/statistics/normal.ts';

// Reference values: Φ(−x) and Φ(x) to 20 significant digits, computed with mpmath 1.3.0 at 40 digits
// (mpmath.ncdf); they agree with Abramowitz & Stegun, Table 26.1 (P(x), 15 decimals, x ≤ 5) to the
// digits it prints, and extend it into the far tail.
const CDF: readonly [x: number, lower: number, upper: number][] = [
  [0.1, 0.46017216272297101853, 0.53982783727702898147],
  [0.5, 0.30853753872598689636, 0.69146246127401310364],
  [1, 0.15865525393145705141, 0.84134474606854294859],
  [1.5, 0.066807201268858066004, 0.933192798731141934],
  [1.96, 0.024997895148220434137, 0.97500210485177956586],
  [2, 0.0227501319481792072, 0.9772498680518207928],
  [2.5, 0.006209665325776135167, 0.99379033467422386483],
  [3, 0.0013498980316300945267, 0.99865010196836990547],
  [4, 0.000031671241833119921254, 0.99996832875816688008],
  [5, 2.8665157187919391167e-7, 0.99999971334842812081],
  [6, 9.865876450376981407e-10, 0.99999999901341235496],
  [7, 1.2798125438858350044e-12, 0.99999999999872018746],
  [8, 6.2209605742717841235e-16, 0.9999999999999993779],
  [10, 7.619853024160526066e-24, 1],
  [15, 3.6709661993127508858e-51, 1],
  [20, 2.7536241186062336951e-89, 1],
  [30, 4.9067139271481870595e-198, 1],
  [37, 5.7255712225245768227e-300, 1],
];

// Φ⁻¹(p) to 20 digits, mpmath 1.3.0 (√2·erfinv(2p − 1) at 400 digits); the familiar ones are the
// textbook critical values 1.6449, 1.9600, 2.3263, 3.0902.
const QUANTILE: readonly [p: number, z: number][] = [
  [0.6, 0.2533471031357997988], [0.75, 0.6744897501960817432], [0.9, 1.281551565544600467],
  [0.95, 1.6448536269514727149], [0.975, 1.9599639845400542355], [0.99, 2.3263478740408411009],
  [0.999, 3.0902323061678135415], [1e-5, -4.2648907939228246285], [1e-10, -6.3613409024040562047],
  [1e-15, -7.941345326170996781], [1e-20, -9.2623400897984075737], [1e-50, -14.933337534788488981],
  [1e-100, -21.273453560965324295], [1e-300, -37.047096299361199237],
];

const relative = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('Φ (Cody)', () => {
  it.each(CDF)('Φ(±%s) to 1e-15 relative, far into the lower tail', (x, lower, upper) => {
    expect(relative(normalCdf(-x), lower)).toBeLessThanOrEqual(1e-15);
    expect(relative(normalCdf(x), upper)).toBeLessThanOrEqual(1e-15);
  });

  it('is ½ at 0, symmetric, monotone, and 0 or 1 beyond the underflow', () => {
    expect(normalCdf(0)).toBe(0.5);
    let asymmetry = 0, decreases = 0, previous = 0;
    for (let x = 0; x <= 8; x += 0.01) asymmetry = Math.max(asymmetry, Math.abs(normalCdf(x) + normalCdf(-x) - 1));
    expect(asymmetry).toBeLessThanOrEqual(2.3e-16);
    for (let x = -38; x <= 9; x += 0.001) {
      const v = normalCdf(x);
      if (v < previous) decreases++;
      previous = v;
    }
    expect(decreases).toBe(0);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe('Φ⁻¹ (Wichura AS 241)', () => {
  it.each(QUANTILE)('Φ⁻¹(%s) to 1e-15 relative', (p, z) => {
    expect(relative(normalQuantile(p), z)).toBeLessThanOrEqual(1e-15);
  });

  it('inverts Φ: Φ⁻¹(Φ(z)) = z to 1e-15·max(1, |z|) for z from −37.5 to 0, and to 2e-14 up to 3', () => {
    let lower = 0, upper = 0;
    for (let z = -37.5; z <= 0; z += 0.0137) lower = Math.max(lower, Math.abs(normalQuantile(normalCdf(z)) - z) / Math.max(1, Math.abs(z)));
    expect(lower).toBeLessThanOrEqual(1e-15);
    // above 0, Φ(z) is near 1 and keeps only the absolute precision of a double (ε/φ(3) ≈ 5e-15)
    for (let z = 0; z <= 3; z += 0.0011) upper = Math.max(upper, Math.abs(normalQuantile(normalCdf(z)) - z));
    expect(upper).toBeLessThanOrEqual(2e-14);
  });

  it('is ±∞ at 0 and 1, 0 at ½, NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});
