import type { Factor } from '../strategy/types.ts';
import { ExactSum } from './exact-sum.ts';

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
 * 2. Σr and Σq, q = r² rounded to a multiple of 2⁻⁸⁸, are kept exactly as double-doubles (WindowSums
 *    says why every addition is exact) and brought to one canonical form, (fl(Σ), Σ − fl(Σ)), after
 *    each bar: the sums depend on the window's returns only, never on earlier history, so identical
 *    windows give bit-identical values and exact ties stay ties (broken by symbol);
 * 3. mean = fl(Σr) / L (the direct formula's own numerator: fl(Σr) is fsum of the window) and
 *    D = L·Σq − (Σr)² ≈ L·Σ(r − mean)² in double-double; v = mean · √((L − 1)·L / D) · √252;
 * 4. a window where that would be inaccurate — ill-conditioned (D < 2⁻⁸ · L·Σq, i.e. |mean| / sd
 *    above ~16, such as L equal returns), nearly flat (D < L² · 2⁻⁴⁴, sd below ~2.4e−7), or holding a
 *    return of 2 or more (or not finite) — is computed from its ring by the direct two-pass formula
 *    with correctly rounded sums: O(L), rare, and again a function of the window alone;
 * 5. a window whose L returns are all exactly zero (a flat price) has sd = 0 exactly: no value.
 * Elsewhere the error is below 2⁻⁴⁴ relative (the bound is worked out at WindowSums);
 * test/vopa/kernels.test.ts checks 1e−13 against the direct formula on every bar of the sample.
 */
export function riskAdjustedValue(lookback: number, skip = 0): Factor {
  if (!Number.isInteger(lookback) || lookback < 2) throw new RangeError(`lookback must be an integer ≥ 2, got ${lookback}`);
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be an integer ≥ 0, got ${skip}`);
  const L = lookback;
  return {
    key: `value(${L},${skip})`,
    sparse: true, // the window slides on every bar; its value is worked out only on the rows read
    create({ n }) {
      const state = new WindowSums(n, L);
      return (history, out, _inputs, emit) => {
        state.slide(history.row('close', skip), history.row('close', skip + 1), history.t % L);
        // Stryker disable next-line ConditionalExpression: equivalent in value, a row nobody reads gets an empty `out` (runner/factor-cache.ts), so emitting there writes nothing: speed only
        if (emit) state.emit(out);
      };
    },
  };
}

/** |r| from which a return is left to the direct formula (step 4). */
const BIG = 2;
/** q = round(r² · Q) / Q: r² on a fixed grid, so that its sums are exact. */
const Q = 2 ** 88, INV_Q = 2 ** -88;
/** From here up every double is a multiple of 2⁻⁸⁸ (onGrid). */
const ON_GRID = 2 ** -35;
/** Below this share of L·Σq, D is left to the direct formula (step 4). */
// Stryker disable next-line UnaryOperator: equivalent in value, 2⁸ sends every window to the direct formula (the reference itself): slower, not different
const ILL = 2 ** -8;
/**
 * How far Σq's low word may drift from canonical before slide() brings both sums back (WindowSums
 * says why that keeps every addition exact).
 */
const DRIFT = 2 ** -37;
/** Dekker's splitter, 2²⁷ + 1. */
const SPLIT = 134217729;
/** Windows this long keep sums too large for the exactness argument: every value is direct. */
const LONGEST = 2 ** 14;

/**
 * Per-symbol exact window sums. The hot loops are methods of one class (not per-factor
 * closures), so V8 optimises them once and every factor instance reuses that code.
 *
 * Why every addition is exact (two-sum t + e = x + y always is; the question is the low word c, which
 * slide() leaves as it is while Σq's stays within DRIFT and otherwise makes canonical — at most half
 * an ulp of the high word — as emit() does for every symbol; for speed, issue 21):
 * - r = fl(fl(a / b) − 1) is a multiple of 2⁻⁵³ (for fl(a / b) ∈ [½, 2] the subtraction is exact and
 *   fl(a / b) a multiple of its ulp ≥ 2⁻⁵³; otherwise |r| ≥ ½ and a double there is such a multiple),
 *   so every two-sum error is too, and c stays a multiple of 2⁻⁵³; with |r| < 2 and L < 2¹⁴,
 *   |Σr| < 2¹⁵, each error is ≤ 2⁻³⁸, so c grows by at most 2⁻³⁷ a bar and stays below 1 — where
 *   multiples of 2⁻⁵³ take at most 53 bits, so c += e is exact — for 2³⁷ bars, far more than a panel holds.
 * - q is a multiple of 2⁻⁸⁸ below 4, Σq < 2¹⁶, so errors are ≤ 2⁻³⁷ and |c| (at most DRIFT = 2⁻³⁷,
 *   then two errors) ≤ 3·2⁻³⁷, below 2⁻³⁵ = 2⁵³ · 2⁻⁸⁸, where multiples of 2⁻⁸⁸ take at most 53 bits.
 *   (Without the check it would not stay there: tiny returns' q, whose bits reach 2⁻⁸⁸, pile up in c
 *   beside a large Σq; test/factors/window-sums.test.ts builds such a window.)
 * The canonical form (fl(Σ), Σ − fl(Σ)) is a function of the exact Σ alone, whatever form the pair
 * had before, so the values emit() gives depend on the window's returns only.
 * Accuracy: |q − r²| ≤ 2⁻⁵³r² + 2⁻⁸⁹, so D is off by at most 2⁻⁵³·L·Σq + L²·2⁻⁸⁹ (and the
 * double-double's ~2⁻¹⁰⁰·L·Σq); off step 4, D ≥ 2⁻⁸·L·Σq and D ≥ L²·2⁻⁴⁴, so each part is below
 * 2⁻⁴⁵ of D and v = √ of it is within 2⁻⁴⁵ (+ a few ulps) of the exact value; the direct formula's
 * own error is smaller still (it centres before squaring).
 */
export class WindowSums {
  readonly n: number;
  readonly L: number;
  /** Time-major ring (slot = pos · n + i): one bar touches one contiguous row of it. */
  readonly ring: Float64Array;
  /**
   * Symbol i's sums side by side (one cache line serves two symbols; for speed, issue 21): Σr =
   * sums[4i] + sums[4i + 1] and Σq = sums[4i + 2] + sums[4i + 3], exactly after every bar, canonical
   * after emit().
   */
  readonly sums: Float64Array;
  /** Returns in the window (not NaN), and those left to the direct formula (|r| ≥ 2 or infinite). */
  readonly count: Int32Array;
  readonly big: Int32Array;
  private readonly direct: boolean;
  private readonly scratch = new ExactSum();

  constructor(n: number, L: number) {
    this.n = n;
    this.L = L;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in value, which of the two computes a window changes speed only: the direct formula is the reference itself, and the sums stay exact somewhat past 2¹⁴ returns (LONGEST is a margin; a test would need windows of 2¹⁴ days)
    this.direct = L >= LONGEST;
    this.ring = new Float64Array(n * L).fill(NaN);
    this.sums = new Float64Array(4 * n);
    this.count = new Int32Array(n);
    this.big = new Int32Array(n);
  }

  /** Drops the return leaving the window and adds r = now / before − 1 (NaN when a close is missing). */
  slide(now: Float64Array, before: Float64Array, pos: number): void {
    const { n, ring, sums, count, big } = this;
    const base = pos * n;
    for (let i = 0; i < n; i++) {
      const old = ring[base + i]!;
      const r = now[i]! / before[i]! - 1;
      ring[base + i] = r;
      // A return is in the sums when it is there and tame (|r| < 2; NaN fails the test). The counts
      // change only when one of the two is not: the common bar leaves them be (for speed, issue 21).
      const oldIn = Math.abs(old) < BIG, rIn = Math.abs(r) < BIG;
      // Stryker disable next-line ConditionalExpression: equivalent, the branch below gives the common bar's counts as they are (forced true); forced false, it is killed by the tests of missing and wild returns, but shares the line
      if (!(oldIn && rIn)) {
        if (old === old) {
          count[i]!--;
          if (!oldIn) big[i]!--;
        }
        if (r === r) {
          count[i]!++;
          if (!rIn) big[i]!++;
        }
      }
      const k = 4 * i;
      let s = sums[k]!, c = sums[k + 1]!, ss = sums[k + 2]!, cc = sums[k + 3]!;
      if (oldIn) {
        const x = -old;
        let t = s + x, z = t - s;
        c += s - (t - z) + (x - z);
        s = t;
        const q = -onGrid(old * old);
        t = ss + q; z = t - ss;
        cc += ss - (t - z) + (q - z);
        ss = t;
      }
      if (rIn) {
        let t = s + r, z = t - s;
        c += s - (t - z) + (r - z);
        s = t;
        const q = onGrid(r * r);
        t = ss + q; z = t - ss;
        cc += ss - (t - z) + (q - z);
        ss = t;
      }
      // The pairs hold the exact sums whatever their form; emit() brings them to the canonical one.
      // Between, a low word only grows by two errors a bar, and is brought back (canonical: at most
      // half an ulp of its high word) before it could leave the range where it is exact (see above).
      // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent in value, bringing the pairs back at exactly DRIFT, on almost every bar (<=) or on every bar (forced true) changes when, not what: the canonical form is a function of the exact sum (forced false, it is killed by test/factors/window-sums.test.ts, but shares the line)
      if (Math.abs(cc) > DRIFT) {
        canonical(s, c, sums, k);
        canonical(ss, cc, sums, k + 2);
      } else {
        sums[k] = s; sums[k + 1] = c;
        sums[k + 2] = ss; sums[k + 3] = cc;
      }
    }
  }

  /** v = mean / sd × √252 per symbol; NaN without L returns, or with sd = 0. The sums are left canonical. */
  emit(out: Float64Array): void {
    const { n, L, sums, count, big } = this;
    // Stryker disable next-line EqualityOperator: equivalent, one more pair past the end reads undefined and writes nothing (a typed array ignores it)
    for (let k = 0; k < 4 * n; k += 2) canonical(sums[k]!, sums[k + 1]!, sums, k); // Σr's pair, then Σq's, of each symbol
    const invL = 1 / L;
    // Stryker disable next-line UnaryOperator: equivalent in value, L²·2⁴⁴ sends every window to the direct formula (the reference itself): slower, not different
    const tiny = L * L * 2 ** -44;
    for (let i = 0; i < n; i++) {
      if (count[i] !== L) {
        out[i] = NaN;
        continue;
      }
      if (big[i] !== 0 || this.direct) {
        out[i] = this.directValue(i);
        continue;
      }
      // D = L·Σq − (Σr)², Σr = s + sl and Σq = h + hl, products exact by Dekker's splitting
      const s = sums[4 * i]!, sl = sums[4 * i + 1]!, h = sums[4 * i + 2]!, hl = sums[4 * i + 3]!;
      const ps = s * s;
      let c = SPLIT * s, hi = c - (c - s), lo = s - hi;
      const es = hi * hi - ps + 2 * hi * lo + lo * lo + 2 * s * sl;
      // Stryker disable next-line ArithmeticOperator: equivalent within rounding, eq = L·h − pq absorbs whatever pq is (D stays L·Σq − (Σr)² to an ulp of L·Σq), and a large pq sends the window to the direct formula
      const pq = L * h;
      c = SPLIT * h; hi = c - (c - h); lo = h - hi;
      const eq = L * hi - pq + L * lo + L * hl;
      const d = pq - ps, z = d - pq;
      const D = d + (pq - (d - z) + (-ps - z) + eq - es);
      if (D < ILL * pq || D < tiny) {
        out[i] = pq === 0 ? NaN : this.directValue(i); // Σq = 0: every return is 0, a flat price
        continue;
      }
      out[i] = s * invL * Math.sqrt(((L - 1) * L) / D) * SQRT_252;
    }
  }

  /**
   * The direct formula from the ring, as test/vopa/reference.ts writes it: mean = fsum(r) / L,
   * ss = fsum((r − mean)²), v = mean / √(ss / (L − 1)) × √252 (NaN when ss = 0 or not finite).
   */
  private directValue(i: number): number {
    const { n, L, ring, scratch } = this;
    scratch.reset();
    for (let j = 0; j < L; j++) scratch.add(ring[j * n + i]!);
    const mean = scratch.value() / L;
    if (!Number.isFinite(mean)) return NaN;
    scratch.reset();
    for (let j = 0; j < L; j++) scratch.add((ring[j * n + i]! - mean) ** 2);
    const ss = scratch.value();
    return ss > 0 && Number.isFinite(ss) ? (mean / Math.sqrt(ss / (L - 1))) * SQRT_252 : NaN;
  }
}

/** (fl(x), x − fl(x)) of the exact sum x = hi + lo, stored at k and k + 1: the canonical form, a function of x alone. */
function canonical(hi: number, lo: number, into: Float64Array, k: number): void {
  const t = hi + lo, z = t - hi;
  into[k] = t;
  into[k + 1] = hi - (t - z) + (lo - z);
}

/**
 * x ≥ 0 rounded to a multiple of 2⁻⁸⁸ (halves up): round(x · 2⁸⁸) · 2⁻⁸⁸. A double from 2⁻³⁵ up is a
 * multiple of its ulp ≥ 2⁻⁸⁷, so it is already there: only smaller ones (|r| below ~5.5e−6) are rounded.
 */
function onGrid(x: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in value, rounding a double already on the grid gives it back (forced false, or at exactly 2⁻³⁵); forced true, it is killed by the tests of tiny returns, but shares the line
  return x >= ON_GRID ? x : Math.round(x * Q) * INV_Q;
}
