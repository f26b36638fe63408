import { describe, expect, it } from 'vitest';
import { sampleSd } from '../../src/metrics/returns.ts';
import { sharpe } from '../../src/metrics/sharpe.ts';
import { volatility } from '../../src/metrics/volatility.ts';

/**
 * Returns that are all the same have no dispersion: sd 0, no Sharpe — not the rounding residue of
 * their mean, which scored a Sharpe of about 10¹⁵ (0.002 a day for 80 days: the computed mean is not
 * exactly 0.002, so every deviation was a few ulps).
 */
describe('constant returns', () => {
  it('have an sd of exactly 0 and no Sharpe ratio, whatever their length', () => {
    for (const [x, n] of [[0.002, 80], [0.04 / 252, 1000], [-0.0013, 7], [0.1, 5040]] as const) {
      const r = new Float64Array(n).fill(x);
      expect(sampleSd(r), `${x} × ${n}`).toBe(0);
      expect(sharpe(r), `${x} × ${n}`).toBeNull();
      expect(volatility(r), `${x} × ${n}`).toBe(0);
    }
  });

  it('while the smallest real dispersion is kept: one value a part in 10¹⁰ apart', () => {
    const r = new Float64Array(80).fill(0.002);
    r[40] = 0.002 * (1 + 1e-10);
    expect(sampleSd(r)!).toBeGreaterThan(0);
    const want = 0.002e-10 / Math.sqrt(80); // δ √(1/n): one value δ apart
    expect(Math.abs(sampleSd(r)! - want) / want).toBeLessThan(1e-3);
  });
});
