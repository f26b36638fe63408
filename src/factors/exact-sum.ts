/**
 * Exact running sum of doubles (Shewchuk's non-overlapping partials, as in Python's
 * math.fsum). Values can be added and removed in any order without drift: the partials
 * hold the exact real sum, and `value()` rounds it once, correctly. A sliding window
 * therefore yields exactly fsum(window) at O(1) amortised cost per step.
 *
 * 1. add(x): fold x into the partials with two-sum, dropping zero remainders.
 * 2. value(): add the partials from the largest down until a remainder appears, then
 *    apply the round-half-even correction from the next partial.
 * 3. mean(n): the sum divided by n with one rounding.
 * Only finite values may be added; callers track missing values themselves.
 */
export class ExactSum {
  // At most ~40 non-overlapping partials span the double exponent range.
  private readonly partials = new Float64Array(64);
  private count = 0;

  add(value: number): void {
    const p = this.partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < this.count; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const tmp = x; x = y; y = tmp;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    if (x !== 0) p[i++] = x;
    this.count = i;
  }

  reset(): void {
    this.count = 0;
  }

  /**
   * The exact sum divided by `n` (a positive integer below 2²⁶), rounded once: equal exact
   * means give equal doubles, which fsum(window) / n cannot promise (it rounds twice).
   * q₀ = value() / n; p + e = q₀·n exactly (Dekker's product: n has at most 26 bits); the
   * residual S − q₀·n is then the partials minus p and e, largest first (the first subtraction is
   * exact: p is within a factor 2 of the top partial), and q₀ + residual / n corrects q₀.
   */
  mean(n: number): number {
    const count = this.count;
    if (count === 0) return 0;
    const p = this.partials;
    if (count === 1) return p[0]! / n; // a single partial is the exact sum: one division rounds once
    const q0 = this.value() / n;
    const c = 134217729 * q0; // Dekker split of q0 into 26-bit halves: each half × n is exact
    // Beyond about 1.3e300 the split overflows: there the quotient is left rounded twice (no price or
    // return comes near; before, the mean of such a sum was NaN).
    if (!Number.isFinite(c)) return q0;
    const hi = c - (c - q0);
    const lo = q0 - hi;
    const prod = q0 * n;
    const err = (hi * n - prod) + lo * n;
    let residual = p[count - 1]! - prod;
    for (let k = count - 2; k >= 0; k--) residual += p[k]!;
    residual -= err;
    return q0 + residual / n;
  }

  /** The exact sum, correctly rounded to a double. */
  value(): number {
    const p = this.partials;
    let n = this.count;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/** Correctly rounded sum of `values[from … to)` (Python's math.fsum). */
export function fsum(values: ArrayLike<number>, from = 0, to = values.length): number {
  const s = new ExactSum();
  for (let k = from; k < to; k++) s.add(values[k]!);
  return s.value();
}
