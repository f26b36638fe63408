import type { Factor } from '../strategy/types.ts';
import { ExactSum } from './exact-sum.ts';
import { instantiate, layout, wasmModule } from '../util/wasm.ts';

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

/** Below this share of L·Σq, D is left to the direct formula (step 4). */
// Stryker disable next-line UnaryOperator: equivalent in value, 2⁸ sends every window to the direct formula (the reference itself): slower, not different
const ILL = 2 ** -8;
/** Dekker's splitter, 2²⁷ + 1. */
const SPLIT = 134217729;
/** Windows this long keep sums too large for the exactness argument: every value is direct. */
const LONGEST = 2 ** 14;

/** The slide's loop, compiled from window-sums.wat (`npm run build:wasm`): one module a thread, on first use (util/wasm.ts). */
const SLIDE = new URL('./window-sums.wasm', import.meta.url);
type Slide = (now: number, before: number, ring: number, sums: number, counts: number, pairs: number) => void;

/**
 * Per-symbol exact window sums. The slide runs in WebAssembly, two symbols a step (window-sums.wat:
 * the same additions in the same order as a scalar loop, so the same bits; 0.55–0.58 of that loop's
 * time, for speed, issue 21); emit() and the direct formula read its memory from here.
 *
 * What the slide does, per symbol: the return leaving the window and the one entering are in the sums
 * when there and tame (|r| < 2; others are counted, and left to the direct formula), q = r² is put on
 * the 2⁻⁸⁸ grid (round(r² · 2⁸⁸) · 2⁻⁸⁸, halves up, for r² below 2⁻³⁵; from 2⁻³⁵ up every double is
 * already on it), and each is added to its pair by two-sum.
 *
 * Why every addition is exact (two-sum t + e = x + y always is; the question is the low word c, which
 * slide() leaves as it is while Σq's stays within DRIFT = 2⁻³⁷ and otherwise makes canonical — at most half
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
 *
 * Layout (views of the module's memory), symbols in pairs p = ⌊i / 2⌋, lane l = i mod 2 (the last
 * pair's second lane unused when n is odd: its closes are NaN):
 * - ring: time-major, slot · 2P + i (P pairs);
 * - sums: 8 a pair, Σr = sums[8p + l] + sums[8p + 2 + l] and Σq = sums[8p + 4 + l] + sums[8p + 6 + l];
 * - counts: 4 a pair, returns in the window (not NaN) at counts[4p + l], wild ones (|r| ≥ 2 or
 *   infinite, left to the direct formula) at counts[4p + 2 + l].
 */
export class WindowSums {
  readonly n: number;
  readonly L: number;
  readonly ring: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  private readonly pairs: number;
  private readonly direct: boolean;
  private readonly scratch = new ExactSum();
  private readonly slideWasm: Slide;
  /** The two rows' copies, and their byte offsets in the memory (then the ring's, the sums', the counts'). */
  private readonly rows: readonly [Float64Array, Float64Array];
  private readonly at: readonly number[];
  /** Which of the rows holds the last slide's `now`, and where that came from. */
  private held = 0;
  private heldFrom: ArrayBufferLike | undefined;
  private heldOffset = 0; // read only once heldFrom is set

  constructor(n: number, L: number) {
    this.n = n;
    this.L = L;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in value, which of the two computes a window changes speed only: the direct formula is the reference itself, and the sums stay exact somewhat past 2¹⁴ returns (LONGEST is a margin; a test would need windows of 2¹⁴ days)
    this.direct = L >= LONGEST;
    const P = (this.pairs = (n + 1) >> 1), width = 2 * P;
    const sizes = [width, width, width * L, 8 * P, 4 * P]; // doubles
    const { at, bytes } = layout(sizes.map((size) => 8 * size));
    const { exports, buffer } = instantiate<{ slide: Slide }>(wasmModule(SLIDE), bytes, `a window of ${L} days over ${n} symbols`);
    this.slideWasm = exports.slide;
    const view = (k: number) => new Float64Array(buffer, at[k], sizes[k]);
    this.rows = [view(0).fill(NaN), view(1).fill(NaN)];
    this.ring = view(2).fill(NaN);
    this.sums = view(3);
    this.counts = view(4);
    this.at = at;
  }

  /**
   * Drops the return leaving the window and adds r = now / before − 1 (NaN when a close is missing).
   * The rows (n closes each) are copied in; a `before` that is the last slide's `now` (the same memory:
   * the panel's rows are read-only) is already there.
   */
  slide(now: Float64Array, before: Float64Array, pos: number): void {
    const { n, rows } = this;
    if (now.length !== n || before.length !== n) throw new RangeError(`rows of ${n} closes expected, got ${now.length} and ${before.length}`);
    let b = this.held;
    // Stryker disable next-line ConditionalExpression: equivalent in value, copying `before` in again (forced true) writes the same closes: speed only (forced false is killed)
    if (before.buffer !== this.heldFrom || before.byteOffset !== this.heldOffset) rows[(b = 0)].set(before);
    const a = 1 - b;
    rows[a].set(now);
    this.held = a;
    this.heldFrom = now.buffer;
    this.heldOffset = now.byteOffset;
    const at = this.at, P = this.pairs;
    this.slideWasm(at[a]!, at[b]!, at[2]! + pos * 16 * P, at[3]!, at[4]!, P);
  }

  /** v = mean / sd × √252 per symbol; NaN without L returns, or with sd = 0. The sums are left canonical. */
  emit(out: Float64Array): void {
    const { n, L, sums, counts } = this;
    // Stryker disable next-line EqualityOperator: equivalent, one more pair past the end reads undefined and writes nothing (a typed array ignores it)
    for (let k = 0; k < sums.length; k += 8) { // each lane's Σr pair, then its Σq pair
      canonical(sums, k, k + 2);
      canonical(sums, k + 1, k + 3);
      canonical(sums, k + 4, k + 6);
      canonical(sums, k + 5, k + 7);
    }
    const invL = 1 / L;
    // Stryker disable next-line UnaryOperator: equivalent in value, L²·2⁴⁴ sends every window to the direct formula (the reference itself): slower, not different
    const tiny = L * L * 2 ** -44;
    for (let i = 0; i < n; i++) {
      const k = 8 * (i >> 1) + (i & 1), j = 4 * (i >> 1) + (i & 1);
      if (counts[j] !== L) {
        out[i] = NaN;
        continue;
      }
      if (counts[j + 2] !== 0 || this.direct) {
        out[i] = this.directValue(i);
        continue;
      }
      // D = L·Σq − (Σr)², Σr = s + sl and Σq = h + hl, products exact by Dekker's splitting
      const s = sums[k]!, sl = sums[k + 2]!, h = sums[k + 4]!, hl = sums[k + 6]!;
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
    const { L, ring, scratch } = this, width = 2 * this.pairs;
    scratch.reset();
    for (let j = 0; j < L; j++) scratch.add(ring[j * width + i]!);
    const mean = scratch.value() / L;
    if (!Number.isFinite(mean)) return NaN;
    scratch.reset();
    for (let j = 0; j < L; j++) scratch.add((ring[j * width + i]! - mean) ** 2);
    const ss = scratch.value();
    return ss > 0 && Number.isFinite(ss) ? (mean / Math.sqrt(ss / (L - 1))) * SQRT_252 : NaN;
  }
}

/** (fl(x), x − fl(x)) of the exact sum x = s[hi] + s[lo], stored back there: the canonical form, a function of x alone. */
function canonical(s: Float64Array, hi: number, lo: number): void {
  const h = s[hi]!, l = s[lo]!, t = h + l, z = t - h;
  s[hi] = t;
  s[lo] = h - (t - z) + (l - z);
}
