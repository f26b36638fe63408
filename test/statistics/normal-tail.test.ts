import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../src/statistics/normal.ts';

// Φ at arguments with many significant bits, where x² itself rounds: Cody's device (e^{−x²/2} formed from
// x truncated to a multiple of 1/16, whose square is exact, times e^{−(x − x̃)(x + x̃)/2}) is what keeps
// the tail's relative accuracy there; without it the rounding of x² (up to ½ ulp of ~1,400 = 1.1·10⁻¹³)
// reaches e^{−x²/2} and Φ(−x) loses digits far out in the tail (p-values, PSR and DSR read it).
// Reference values: mpmath 1.3.0 at 40 digits (mpmath.ncdf of the exact double), to 20 digits.
const CDF: readonly [x: number, lower: number, upper: number][] = [
  [0.7123456789, 0.23812537218808701849, 0.76187462781191298151],
  [3.3333333333, 0.00042906033324824655889, 0.99957093966675175344],
  [5.123456789, 1.4999220914979120167e-7, 0.99999985000779085021],
  [5.7, 5.9903714010635281878e-9, 0.99999999400962859894],
  [7.7777777777, 3.6904787166057143293e-15, 0.99999999999999630952],
  [12.3456789, 2.5699415182297383869e-35, 1],
  [20.987654321, 4.2520097636042773113e-98, 1],
  [30.123456789, 1.1945473740014352431e-199, 1],
  [36.98765432, 9.0429867287835018515e-300, 1],
];

const relative = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('Φ where x² rounds', () => {
  it.each(CDF)('Φ(±%s) to 1e-15 relative', (x, lower, upper) => {
    expect(relative(normalCdf(-x), lower)).toBeLessThanOrEqual(1e-15);
    expect(relative(normalCdf(x), upper)).toBeLessThanOrEqual(1e-15);
  });
});
