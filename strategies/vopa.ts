import { bottomK, defineStrategy, peerZScore, riskAdjustedValue, topK, type Bar } from '../src/api.ts';

/**
 * VOPA — Value Over Peer Average. At each rebalance close t, for every member i of the season's
 * universe:
 * 1. r = the L daily returns ending S bars before t (all L + 1 closes needed);
 * 2. value v(i) = mean(r) / sd(r) × √252 (sd with n − 1; sd = 0: no value);
 * 3. μ, σ = mean and sd (n − 1) of the values in i's peer group, or of all members when the group has
 *    fewer than `minPeers` values;
 * 4. VOPA(i) = (v(i) − μ) / σ, 0 when σ = 0;
 * 5. long the `top` highest VOPA, short the `bottom` lowest (from the rest), ties to the lower symbol;
 *    equal weights (gross / top each, or gross / 2 / top and −gross / 2 / bottom with shorts), or
 *    inverse-volatility weights ∝ 1 / sd(r) within each side with the same side totals;
 * 6. decide at the first decision close and every `rebalance` closes after; holdings drift between.
 */
export default defineStrategy({
  name: 'vopa',
  description: 'Value Over Peer Average: long the best risk-adjusted performers against their peer group, optionally short the worst.',
  params: {
    lookback: { type: 'int', default: 63, min: 2, description: 'L, daily returns in the value window' },
    skip: { type: 'int', default: 0, min: 0, description: 'S, most recent bars left out of the window' },
    minPeers: { type: 'int', default: 3, min: 1, description: 'values a peer group needs to be its own reference' },
    top: { type: 'int', default: 10, min: 0, description: 'N, longs' },
    bottom: { type: 'int', default: 0, min: 0, description: 'K, shorts' },
    rebalance: { type: 'int', default: 5, min: 1, description: 'R, bars between decisions' },
    weighting: { type: 'enum', default: 'equal', values: ['equal', 'inverse-vol'], description: 'weights within a side' },
    gross: { type: 'number', default: 1, min: 0, description: 'gross exposure targeted' },
  },
  constraints: [(p) => p.top + p.bottom > 0 || 'top and bottom cannot both be 0'],
  warmup: (p) => p.lookback + p.skip,
  factors: (p) => {
    const value = riskAdjustedValue(p.lookback, p.skip);
    return { value, vopa: peerZScore(value, p.minPeers) };
  },
  signal: (p) => ({ factor: 'vopa', horizon: p.rebalance, extra: ['value'] }),
  every: (p) => p.rebalance, // decide on decision bars 0, R, 2R, … only (its factors are computed on those rows alone)
  decide(bar, p) {
    const vopa = bar.factor('vopa');
    const longs = topK(vopa, p.top);
    let shorts: Int32Array = new Int32Array(0);
    if (p.bottom > 0) {
      const rest = Float64Array.from(vopa);
      for (const i of longs) rest[i] = NaN;
      shorts = bottomK(rest, p.bottom);
    }
    const w = bar.weights();
    const side = p.bottom > 0 ? p.gross / 2 : p.gross;
    assign(w, longs, side / p.top, p.weighting === 'inverse-vol' ? bar : undefined, p.lookback, p.skip);
    if (p.bottom > 0) assign(w, shorts, -side / p.bottom, p.weighting === 'inverse-vol' ? bar : undefined, p.lookback, p.skip);
    return w;
  },
});

/**
 * Weights for one side: `perSlot` each, or (inverse-vol) the same side total split ∝ 1 / sd(r).
 */
function assign(w: Float64Array, chosen: Int32Array, perSlot: number, bar: Bar | undefined, lookback: number, skip: number): void {
  if (!bar) {
    for (const i of chosen) w[i] = perSlot;
    return;
  }
  const inverse = Array.from(chosen, (i) => 1 / returnSd(bar, i, lookback, skip));
  const total = inverse.reduce((a, b) => a + b, 0);
  chosen.forEach((i, k) => { w[i] = (perSlot * chosen.length * inverse[k]!) / total; });
}

/** sd (n − 1) of the L returns ending S bars before the decision, straight from the closes. */
function returnSd(bar: Bar, i: number, lookback: number, skip: number): number {
  const r = new Float64Array(lookback);
  for (let k = 0; k < lookback; k++) r[k] = bar.close(i, skip + k) / bar.close(i, skip + k + 1) - 1;
  let m = 0;
  for (const x of r) m += x;
  m /= lookback;
  let ss = 0;
  for (const x of r) ss += (x - m) ** 2;
  return Math.sqrt(ss / (lookback - 1));
}
