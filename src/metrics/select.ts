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
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // Median of three, moved to a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
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
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
