import type { Factor } from '../strategy/types.ts';

/** Trading days a year: annualises a daily Sharpe ratio. */
const SQRT_252 = Math.sqrt(252);

/**
 * VOPA's value: v(i, t) = mean(r) / sd(r) × √252 over the L daily returns
 * r(τ) = close(τ) / close(τ−1) − 1, τ = t−S−L+1 … t−S (sd with n − 1). The member needs all
 * L + 1 closes; sd = 0 gives no value (NaN).
 *
 * One pass over the panel, O(1) per symbol-day:
 * 1. each bar adds the return ending at t−S to a per-symbol ring of the last L returns and drops
 *    the one that falls out;
 * 2. Σr and Σ(r−K)² are kept with compensated summation (Knuth's two-sum), K an anchor near the window's
 *    mean: the mean stays accurate to a few ulps even when tiny (v near 0), and the variance
 *    (Σ(r−K)² − L(mean−K)²)/(L−1) neither cancels nor drifts when large returns leave a calm window;
 * 4. every L bars both sums are recomputed from the ring around a fresh anchor, so
 *    rounding never accumulates beyond one window; a symbol whose window is ill-conditioned for its
 *    anchor (a spread tiny next to the anchor's distance) is re-anchored at once: results equal the
 *    direct formula to ~1e−13 relative;
 * 5. a window whose L returns are all exactly zero (a flat price) has sd = 0 exactly: no value.
 */
export function riskAdjustedValue(lookback: number, skip = 0): Factor {
  if (!Number.isInteger(lookback) || lookback < 2) throw new RangeError(`lookback must be an integer ≥ 2, got ${lookback}`);
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be an integer ≥ 0, got ${skip}`);
  const L = lookback;
  return {
    key: `value(${L},${skip})`,
    create({ n }) {
      const state = new WindowSums(n, L);
      return (history, out) => {
        const pos = history.t % L;
        state.slide(history.row('close', skip), history.row('close', skip + 1), pos);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in value: re-anchoring recomputes the sums exactly from the ring, so doing it on other bars too changes cost, not results
        if (pos === L - 1) for (let i = 0; i < n; i++) state.reanchor(i);
        state.emit(out);
      };
    },
  };
}

/**
 * Per-symbol rolling sums of the last L returns. The hot loops are methods of one class (not
 * per-factor closures), so V8 optimises them once and every factor instance reuses that code.
 * Exported for its tests: the ill-conditioning guard repairs broken sums before they reach a value.
 */
export class WindowSums {
  readonly n: number;
  readonly L: number;
  /** Time-major ring (slot = pos · n + i): one bar touches one contiguous row of it. */
  readonly ring: Float64Array;
  readonly anchor: Float64Array;
  /** Σr and Σ(r−K)², each with its compensation (Knuth's two-sum). */
  readonly sum: Float64Array;
  readonly sumComp: Float64Array;
  readonly sq: Float64Array;
  readonly sqComp: Float64Array;
  readonly count: Int32Array;
  readonly zeros: Int32Array;

  constructor(n: number, L: number) {
    this.n = n;
    this.L = L;
    this.ring = new Float64Array(n * L).fill(NaN);
    this.anchor = new Float64Array(n);
    this.sum = new Float64Array(n);
    this.sumComp = new Float64Array(n);
    this.sq = new Float64Array(n);
    this.sqComp = new Float64Array(n);
    this.count = new Int32Array(n);
    this.zeros = new Int32Array(n);
  }

  /** Drops the return leaving the window and adds r = now / before − 1 (NaN when a close is missing). */
  slide(now: Float64Array, before: Float64Array, pos: number): void {
    const { n, ring, anchor, sum, sumComp, sq, sqComp, count, zeros } = this;
    const base = pos * n;
    for (let i = 0; i < n; i++) {
      const old = ring[base + i]!;
      const r = now[i]! / before[i]! - 1;
      ring[base + i] = r;
      let s = sum[i]!, c = sumComp[i]!, q = sq[i]!, qc = sqComp[i]!;
      const k = anchor[i]!;
      if (old === old) {
        const x = -old, t = s + x, z = t - s;
        c += s - (t - z) + (x - z);
        s = t;
        const d = -((old - k) * (old - k)); // the very double added with it: its rounding cancels
        const u = q + d, w = u - q;
        qc += q - (u - w) + (d - w);
        q = u;
        count[i]!--;
        if (old === 0) zeros[i]!--;
      }
      if (r === r) {
        const t = s + r, z = t - s;
        c += s - (t - z) + (r - z);
        s = t;
        const d = (r - k) * (r - k);
        const u = q + d, w = u - q;
        qc += q - (u - w) + (d - w);
        q = u;
        count[i]!++;
        if (r === 0) zeros[i]!++;
      }
      sum[i] = s;
      sumComp[i] = c;
      sq[i] = q;
      sqComp[i] = qc;
    }
  }

  /** v = mean / sd × √252 per symbol; NaN without L returns, or with sd = 0. */
  emit(out: Float64Array): void {
    const { n, L, sum, sumComp, sq, sqComp, count, zeros, anchor } = this;
    const invL = 1 / L;
    for (let i = 0; i < n; i++) {
      if (count[i] !== L || zeros[i] === L) {
        out[i] = NaN;
        continue;
      }
      let mean = (sum[i]! + sumComp[i]!) * invL;
      let shift = mean - anchor[i]!;
      let ss = sq[i]! + sqComp[i]! - L * shift * shift; // Σ(r − mean)²
      // Ill-conditioned: the window's spread is tiny next to its distance from the anchor (e.g. two
      // nearly equal returns), so the d² roundings dominate. Re-anchor this symbol at its mean now.
      if (!(ss * 1e4 > sq[i]! + sqComp[i]!)) {
        this.reanchor(i);
        mean = (sum[i]! + sumComp[i]!) * invL;
        shift = mean - anchor[i]!;
        ss = sq[i]! + sqComp[i]! - L * shift * shift;
      }
      out[i] = ss > 0 ? mean * Math.sqrt((L - 1) / ss) * SQRT_252 : NaN;
    }
  }

  /** Recomputes a symbol's sums from its ring, anchored at the window's mean. */
  reanchor(i: number): void {
    const { n, L, ring } = this;
    let s = 0, c = 0, k = 0;
    for (let j = 0; j < L; j++) {
      const r = ring[j * n + i]!;
      if (r !== r) continue;
      const t = s + r, z = t - s;
      c += s - (t - z) + (r - z);
      s = t;
      k++;
    }
    const a = k ? (s + c) / k : 0;
    let q = 0, qc = 0;
    for (let j = 0; j < L; j++) {
      const r = ring[j * n + i]!;
      if (r !== r) continue;
      const d = (r - a) * (r - a);
      const t = q + d, z = t - q;
      qc += q - (t - z) + (d - z);
      q = t;
    }
    this.anchor[i] = a;
    this.sum[i] = s;
    this.sumComp[i] = c;
    this.sq[i] = q;
    this.sqComp[i] = qc;
  }
}
