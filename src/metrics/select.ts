/**
 * Order statistics without sorting: quickselect (Hoare, 1961).
 *
 * 1. Take the median of the first, middle and last values of the range as the pivot.
 * 2. Partition the range around it (Hoare's scheme: two indices moving inward, swapping).
 * 3. Keep only the side that holds position k; repeat until the range is a single value.
 * Expected O(n); the median-of-three pivot keeps sorted and reversed input linear too.
 */

/**
 * Reorders `a` in place so that a[k] is the value a full ascending sort would put there, every
 * value before it is ≤ a[k] and every value after it is ≥ a[k]. Returns a[k]. Values must not be NaN.
 *
 * @example selectInPlace(Float64Array.of(5, 1, 4, 2, 3), 1) // 2
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  // Stryker disable next-line EqualityOperator: equivalent for <=: a range of one value (lo = hi = k) partitions to j < k < i and returns a[k], as leaving the loop does
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // Median of three, moved to a[mid].
    // Stryker disable ConditionalExpression,EqualityOperator,CallExpression: equivalent: the pivot's choice changes the speed only (sorted input would go quadratic), not the answer: the partition below is right for any pivot taken from the range, its scans stopping at the pivot's own slot, then at the values just swapped
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    // Stryker restore ConditionalExpression,EqualityOperator,CallExpression
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo … j] ≤ pivot ≤ a[i … hi], and every value strictly between j and i equals the pivot.
    if (k <= j) {
      hi = j;
    } else {
      // Stryker disable next-line ConditionalExpression: equivalent when forced false (forced true is killed): a k strictly between j and i then goes on into a[i … hi], which holds no k; the loop narrows that range to nothing without touching a[k] (the pivot's value, in place) and returns it
      if (k < i) return a[k]!;
      lo = i;
    }
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
