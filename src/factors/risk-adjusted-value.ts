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
 * For speed (issue 21) each symbol's sums, anchor and counts share one cache line (`WindowSums.acc`,
 * stride 8) instead of eight arrays, and step 4 walks the ring for four adjacent symbols at once,
 * their sums interleaved: ~15 % and ~4 % of this factor on 500 × 1,000, the arithmetic unchanged
 * (bit for bit). What remains is the arithmetic itself, about 40 additions, 2 divisions and a
 * square root per symbol-day, a third of them step 4's (README, Performance).
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
        if (pos === L - 1) state.reanchorAll();
        state.emit(out);
      };
    },
  };
}

// One symbol's state in `WindowSums.acc`: Σr and Σ(r−K)² with their compensations (Knuth's
// two-sum), the anchor K, the returns in the window and how many of them are exactly 0.
const STRIDE = 8;
const SUM = 0, SUM_COMP = 1, SQ = 2, SQ_COMP = 3, ANCHOR = 4, COUNT = 5, ZEROS = 6;

/**
 * Per-symbol rolling sums of the last L returns. The hot loops are methods of one class (not
 * per-factor closures), so V8 optimises them once and every factor instance reuses that code.
 */
class WindowSums {
  readonly n: number;
  readonly L: number;
  /** Time-major ring (slot = pos · n + i): one bar touches one contiguous row of it. */
  readonly ring: Float64Array;
  /** Symbol i's state at i · STRIDE (see above): one cache line a symbol. */
  readonly acc: Float64Array;
  /** Scratch: the symbols `emit` found ill-conditioned, re-anchored after its loop. */
  private readonly ill: Int32Array;

  constructor(n: number, L: number) {
    this.n = n;
    this.L = L;
    this.ring = new Float64Array(n * L).fill(NaN);
    this.acc = new Float64Array(n * STRIDE);
    this.ill = new Int32Array(n);
  }

  /** Drops the return leaving the window and adds r = now / before − 1 (NaN when a close is missing). */
  slide(now: Float64Array, before: Float64Array, pos: number): void {
    const { n, ring, acc } = this;
    const base = pos * n;
    for (let i = 0; i < n; i++) {
      const old = ring[base + i]!;
      const r = now[i]! / before[i]! - 1;
      ring[base + i] = r;
      const a = i * STRIDE;
      let s = acc[a + SUM]!, c = acc[a + SUM_COMP]!, q = acc[a + SQ]!, qc = acc[a + SQ_COMP]!;
      const k = acc[a + ANCHOR]!;
      let count = acc[a + COUNT]!, zeros = acc[a + ZEROS]!;
      if (old === old) {
        const x = -old, t = s + x, z = t - s;
        c += s - (t - z) + (x - z);
        s = t;
        const d = -((old - k) * (old - k)); // the very double added with it: its rounding cancels
        const u = q + d, w = u - q;
        qc += q - (u - w) + (d - w);
        q = u;
        count--;
        if (old === 0) zeros--;
      }
      if (r === r) {
        const t = s + r, z = t - s;
        c += s - (t - z) + (r - z);
        s = t;
        const d = (r - k) * (r - k);
        const u = q + d, w = u - q;
        qc += q - (u - w) + (d - w);
        q = u;
        count++;
        if (r === 0) zeros++;
      }
      acc[a + SUM] = s;
      acc[a + SUM_COMP] = c;
      acc[a + SQ] = q;
      acc[a + SQ_COMP] = qc;
      acc[a + COUNT] = count;
      acc[a + ZEROS] = zeros;
    }
  }

  /** v = mean / sd × √252 per symbol; NaN without L returns, or with sd = 0. */
  emit(out: Float64Array): void {
    const { n, L, acc, ill } = this;
    const invL = 1 / L;
    let illCount = 0;
    for (let i = 0; i < n; i++) {
      const a = i * STRIDE;
      if (acc[a + COUNT] !== L || acc[a + ZEROS] === L) {
        out[i] = NaN;
        continue;
      }
      const mean = (acc[a + SUM]! + acc[a + SUM_COMP]!) * invL;
      const shift = mean - acc[a + ANCHOR]!;
      const ss = acc[a + SQ]! + acc[a + SQ_COMP]! - L * shift * shift;
      // Ill-conditioned: the window's spread is tiny next to its distance from the anchor (e.g. two
      // nearly equal returns), so the d² roundings dominate. Re-anchored at its mean below: with no
      // call inside it, this loop keeps its arrays in registers (~5–10 % of the factor).
      if (!(ss * 1e4 > acc[a + SQ]! + acc[a + SQ_COMP]!)) {
        ill[illCount++] = i;
        continue;
      }
      out[i] = ss > 0 ? mean * Math.sqrt((L - 1) / ss) * SQRT_252 : NaN;
    }
    for (let k = 0; k < illCount; k++) {
      const i = ill[k]!, a = i * STRIDE;
      this.reanchor(i);
      const mean = (acc[a + SUM]! + acc[a + SUM_COMP]!) * invL;
      const shift = mean - acc[a + ANCHOR]!;
      const ss = acc[a + SQ]! + acc[a + SQ_COMP]! - L * shift * shift;
      out[i] = ss > 0 ? mean * Math.sqrt((L - 1) / ss) * SQRT_252 : NaN;
    }
  }

  /** Step 4 for every symbol: four at a time, the rest one by one. */
  reanchorAll(): void {
    const n = this.n;
    let i = 0;
    for (; i + 4 <= n; i += 4) this.reanchor4(i);
    for (; i < n; i++) this.reanchor(i);
  }

  /**
   * `reanchor` of symbols i … i+3 in one walk down the ring: the four share its cache lines, and their
   * four chains of dependent additions interleave. Each symbol's sums are reanchor's, in its order.
   */
  reanchor4(i: number): void {
    const { n, L, ring, acc } = this;
    let s0 = 0, c0 = 0, k0 = 0, s1 = 0, c1 = 0, k1 = 0, s2 = 0, c2 = 0, k2 = 0, s3 = 0, c3 = 0, k3 = 0;
    for (let j = 0, b = i; j < L; j++, b += n) {
      const r0 = ring[b]!, r1 = ring[b + 1]!, r2 = ring[b + 2]!, r3 = ring[b + 3]!;
      if (r0 === r0) { const t = s0 + r0, z = t - s0; c0 += s0 - (t - z) + (r0 - z); s0 = t; k0++; }
      if (r1 === r1) { const t = s1 + r1, z = t - s1; c1 += s1 - (t - z) + (r1 - z); s1 = t; k1++; }
      if (r2 === r2) { const t = s2 + r2, z = t - s2; c2 += s2 - (t - z) + (r2 - z); s2 = t; k2++; }
      if (r3 === r3) { const t = s3 + r3, z = t - s3; c3 += s3 - (t - z) + (r3 - z); s3 = t; k3++; }
    }
    const a0 = k0 ? (s0 + c0) / k0 : 0, a1 = k1 ? (s1 + c1) / k1 : 0, a2 = k2 ? (s2 + c2) / k2 : 0, a3 = k3 ? (s3 + c3) / k3 : 0;
    let q0 = 0, e0 = 0, q1 = 0, e1 = 0, q2 = 0, e2 = 0, q3 = 0, e3 = 0;
    for (let j = 0, b = i; j < L; j++, b += n) {
      const r0 = ring[b]!, r1 = ring[b + 1]!, r2 = ring[b + 2]!, r3 = ring[b + 3]!;
      if (r0 === r0) { const d = (r0 - a0) * (r0 - a0), t = q0 + d, z = t - q0; e0 += q0 - (t - z) + (d - z); q0 = t; }
      if (r1 === r1) { const d = (r1 - a1) * (r1 - a1), t = q1 + d, z = t - q1; e1 += q1 - (t - z) + (d - z); q1 = t; }
      if (r2 === r2) { const d = (r2 - a2) * (r2 - a2), t = q2 + d, z = t - q2; e2 += q2 - (t - z) + (d - z); q2 = t; }
      if (r3 === r3) { const d = (r3 - a3) * (r3 - a3), t = q3 + d, z = t - q3; e3 += q3 - (t - z) + (d - z); q3 = t; }
    }
    let a = i * STRIDE;
    acc[a + ANCHOR] = a0; acc[a + SUM] = s0; acc[a + SUM_COMP] = c0; acc[a + SQ] = q0; acc[a + SQ_COMP] = e0;
    a += STRIDE;
    acc[a + ANCHOR] = a1; acc[a + SUM] = s1; acc[a + SUM_COMP] = c1; acc[a + SQ] = q1; acc[a + SQ_COMP] = e1;
    a += STRIDE;
    acc[a + ANCHOR] = a2; acc[a + SUM] = s2; acc[a + SUM_COMP] = c2; acc[a + SQ] = q2; acc[a + SQ_COMP] = e2;
    a += STRIDE;
    acc[a + ANCHOR] = a3; acc[a + SUM] = s3; acc[a + SUM_COMP] = c3; acc[a + SQ] = q3; acc[a + SQ_COMP] = e3;
  }

  /** Recomputes a symbol's sums from its ring, anchored at the window's mean. */
  reanchor(i: number): void {
    const { n, L, ring, acc } = this;
    let s = 0, c = 0, k = 0;
    for (let j = 0; j < L; j++) {
      const r = ring[j * n + i]!;
      if (r !== r) continue;
      const t = s + r, z = t - s;
      c += s - (t - z) + (r - z);
      s = t;
      k++;
    }
    const av = k ? (s + c) / k : 0;
    let q = 0, qc = 0;
    for (let j = 0; j < L; j++) {
      const r = ring[j * n + i]!;
      if (r !== r) continue;
      const d = (r - av) * (r - av);
      const t = q + d, z = t - q;
      qc += q - (t - z) + (d - z);
      q = t;
    }
    const a = i * STRIDE;
    acc[a + ANCHOR] = av;
    acc[a + SUM] = s;
    acc[a + SUM_COMP] = c;
    acc[a + SQ] = q;
    acc[a + SQ_COMP] = qc;
  }
}
