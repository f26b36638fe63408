import { sharpeFromSums, type ReturnsMatrix } from './returns-matrix.ts';

/**
 * The Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV) —
 * D. H. Bailey, J. M. Borwein, M. López de Prado and Q. J. Zhu, "The Probability of Backtest
 * Overfitting", Journal of Computational Finance 20(4) (2017) 39–69.
 *
 * The metric is the Sharpe ratio **per period** (mean / sd of daily returns, sd with n − 1), of each
 * column over the rows of a half; a half with no dispersion scores 0 (./returns-matrix.ts).
 * 1. Blocks: the T rows are cut into S contiguous blocks (S even) as equal as T allows — block b is
 *    rows ⌊b·T/S⌋ … ⌊(b + 1)·T/S⌋ − 1, so when S does not divide T some blocks have one row more.
 *    Every day counts (as in the DSR), and a per-period Sharpe does not depend on how many rows a
 *    half has. Each block needs at least 2 rows.
 * 2. Per block and column, the sums of the centred returns and of their squares are computed once;
 *    a half's sums are sums of S/2 block sums. The C(S, S/2) splits come in complementary pairs: the
 *    halves that contain block 0 are enumerated in lexicographic order, their prefix sums shared
 *    along the enumeration (each step re-adds only the blocks after the first that changed), and the
 *    other half is the column total minus this one. Never is a raw series summed again per split.
 * 3. For each split (in-sample half J, out-of-sample half J̄): n* = the column with the highest
 *    in-sample Sharpe (ties: the lowest column index, i.e. the first variant); its out-of-sample
 *    rank among all N columns, 1 = worst … N = best, ties taking the average rank (a midrank);
 *    ω = rank/(N + 1); λ = ln(ω/(1 − ω)).
 * 4. PBO = the share of splits with λ ≤ 0 (⟺ ω ≤ ½ ⟺ rank ≤ (N + 1)/2, decided on the rank);
 *    P(out-of-sample loss) = the share of splits where n*'s out-of-sample Sharpe is below 0;
 *    performance degradation = the least-squares line of n*'s out-of-sample on its in-sample Sharpe
 *    across splits (slope and intercept, per period).
 * Splits are numbered in the lexicographic order of their in-sample block sets ({0,1,…,S/2−1} first).
 */
export interface PboResult {
  readonly blocks: number;
  readonly splits: number;
  readonly pbo: number;
  /** λ per split. */
  readonly logits: Float64Array;
  /** n*'s out-of-sample midrank per split (1 = worst … N = best). */
  readonly ranks: Float64Array;
  /** n* (the in-sample best column) per split. */
  readonly best: Int32Array;
  /** n*'s Sharpe per period, in sample and out of sample, per split. */
  readonly isSharpe: Float64Array;
  readonly oosSharpe: Float64Array;
  readonly probOosLoss: number;
  /** Least-squares slope and intercept of oosSharpe on isSharpe; null when isSharpe does not vary. */
  readonly slope: number | null;
  readonly intercept: number | null;
}

/** Row bounds of S blocks over T rows: block b is bounds[b] … bounds[b + 1] − 1, bounds[b] = ⌊b·T/S⌋. */
export function blockBounds(days: number, blocks: number): Int32Array {
  const bounds = new Int32Array(blocks + 1);
  for (let b = 0; b <= blocks; b++) bounds[b] = Math.floor((b * days) / blocks);
  return bounds;
}

/** Binomial coefficients C(n, r) for 0 ≤ r ≤ n ≤ size, as table[n·(size + 1) + r]. */
function binomialTable(size: number): Float64Array {
  const t = new Float64Array((size + 1) * (size + 1));
  for (let n = 0; n <= size; n++) {
    t[n * (size + 1)] = 1;
    for (let r = 1; r <= n; r++) t[n * (size + 1) + r] = t[(n - 1) * (size + 1) + r - 1]! + (r <= n - 1 ? t[(n - 1) * (size + 1) + r]! : 0);
  }
  return t;
}

/** C(n, r) for small n (the number of CSCV splits is C(S, S/2)). */
export function binomial(n: number, r: number): number {
  return r < 0 || r > n ? 0 : binomialTable(n)[n * (n + 1) + r]!;
}

/**
 * The lexicographic index of the k-subset `members` (ascending) of {0 … S − 1}: the number of
 * k-subsets that come before it, {0 … k − 1} being 0.
 */
export function combinationIndex(members: ArrayLike<number>, size: number, table = binomialTable(size)): number {
  const k = members.length;
  let index = 0, previous = -1;
  for (let i = 0; i < k; i++) {
    for (let v = previous + 1; v < members[i]!; v++) index += table[(size - 1 - v) * (size + 1) + (k - 1 - i)]!;
    previous = members[i]!;
  }
  return index;
}

/** The midrank of v among values[0 … n − 1]: (number below) + (number equal, v's own included, + 1)/2. */
function midrank(values: Float64Array, n: number, v: number): number {
  let below = 0, equal = 0;
  for (let j = 0; j < n; j++) {
    const x = values[j]!;
    if (x < v) below++;
    else if (x === v) equal++;
  }
  return below + (equal + 1) / 2;
}

/**
 * PBO by CSCV with `blocks` blocks (even, each ≥ 2 rows) over a matrix of N ≥ 2 columns.
 *
 * @example probabilityOfBacktestOverfitting(returns, 16).pbo // 12,870 splits
 */
export function probabilityOfBacktestOverfitting(matrix: ReturnsMatrix, blocks = 16): PboResult {
  const { days: T, variants: N, values } = matrix;
  const S = blocks, k = S / 2;
  if (!Number.isInteger(k) || S < 2) throw new RangeError(`blocks ${S}: must be an even whole number ≥ 2`);
  if (T < 2 * S) throw new RangeError(`${S} blocks need at least ${2 * S} days (2 a block); the matrix has ${T}`);
  if (N < 2) throw new RangeError(`PBO needs at least 2 columns; the matrix has ${N}`);
  const bounds = blockBounds(T, S);

  // 2. Centred block sums (block-major: a block's N columns contiguous) and column totals.
  const centre = new Float64Array(N);
  const block1 = new Float64Array(S * N), block2 = new Float64Array(S * N);
  const total1 = new Float64Array(N), total2 = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const base = j * T;
    let s = 0;
    for (let t = 0; t < T; t++) s += values[base + t]!;
    const m = s / T;
    centre[j] = m;
    for (let b = 0; b < S; b++) {
      let s1 = 0, s2 = 0;
      for (let t = bounds[b]!; t < bounds[b + 1]!; t++) {
        const d = values[base + t]! - m;
        s1 += d;
        s2 += d * d;
      }
      block1[b * N + j] = s1;
      block2[b * N + j] = s2;
      total1[j] += s1;
      total2[j] += s2;
    }
  }

  const table = binomialTable(S);
  const splits = table[S * (S + 1) + k]!;
  const logits = new Float64Array(splits), ranks = new Float64Array(splits), best = new Int32Array(splits);
  const isSharpe = new Float64Array(splits), oosSharpe = new Float64Array(splits);
  const prefix1 = new Float64Array((k + 1) * N), prefix2 = new Float64Array((k + 1) * N), prefixRows = new Int32Array(k + 1);
  const qA = new Float64Array(N), qB = new Float64Array(N);
  const chosen = new Int32Array(k), other = new Int32Array(k);
  // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent, from all zeros the enumeration passes through sets with repeats (all before {0 … k − 1}) whose results the valid sets overwrite
  for (let i = 0; i < k; i++) chosen[i] = i;
  const sharpeOf = (j: number, inA: boolean): number => {
    const a1 = prefix1[k * N + j]!, a2 = prefix2[k * N + j]!;
    return inA ? sharpeFromSums(prefixRows[k]!, a1, a2, centre[j]!) : sharpeFromSums(T - prefixRows[k]!, total1[j]! - a1, total2[j]! - a2, centre[j]!);
  };
  const record = (split: number, bestColumn: number, inSampleIsA: boolean, outOfSample: Float64Array) => {
    const rank = midrank(outOfSample, N, outOfSample[bestColumn]!);
    const omega = rank / (N + 1);
    logits[split] = Math.log(omega / (1 - omega));
    ranks[split] = rank;
    best[split] = bestColumn;
    isSharpe[split] = sharpeOf(bestColumn, inSampleIsA);
    oosSharpe[split] = sharpeOf(bestColumn, !inSampleIsA);
  };
  // prefix level d holds the sums over chosen[0 … d − 1]; level 0 is zero.
  let from = 0;
  for (;;) {
    for (let d = from; d < k; d++) {
      const b = chosen[d]!, src = d * N, dst = (d + 1) * N, blk = b * N;
      for (let j = 0; j < N; j++) {
        prefix1[dst + j] = prefix1[src + j]! + block1[blk + j]!;
        prefix2[dst + j] = prefix2[src + j]! + block2[blk + j]!;
      }
      prefixRows[d + 1] = prefixRows[d]! + bounds[b + 1]! - bounds[b]!;
    }
    // 3. Both splits of this pair: A = chosen blocks, B = the rest. Columns are compared by
    // q = mean·|mean|/variance = Sharpe·|Sharpe| (the same order as the Sharpe, without a square root).
    const nA = prefixRows[k]!, nB = T - nA, top = k * N;
    const invA = 1 / nA, invB = 1 / nB;
    // Stryker disable next-line ArithmeticOperator: equivalent, within a split every column's variance shares this factor, and only their order is used
    const invA1 = 1 / (nA - 1), invB1 = 1 / (nB - 1);
    let bestA = 0, bestB = 0, maxA = -Infinity, maxB = -Infinity;
    for (let j = 0; j < N; j++) {
      const a1 = prefix1[top + j]!, a2 = prefix2[top + j]!, c = centre[j]!;
      const b1 = total1[j]! - a1, b2 = total2[j]! - a2;
      const meanA = c + a1 * invA, varA = (a2 - a1 * a1 * invA) * invA1;
      const meanB = c + b1 * invB, varB = (b2 - b1 * b1 * invB) * invB1;
      const a = varA > 0 ? (meanA * Math.abs(meanA)) / varA : 0;
      const b = varB > 0 ? (meanB * Math.abs(meanB)) / varB : 0;
      qA[j] = a;
      qB[j] = b;
      if (a > maxA) { maxA = a; bestA = j; }
      if (b > maxB) { maxB = b; bestB = j; }
    }
    for (let i = 0, c = 0, o = 0; i < S; i++) {
      if (c < k && chosen[c] === i) c++;
      else other[o++] = i;
    }
    record(combinationIndex(chosen, S, table), bestA, true, qB);
    record(combinationIndex(other, S, table), bestB, false, qA);
    // next half containing block 0, lexicographically: bump the last position that can move
    let i = k - 1;
    while (i >= 1 && chosen[i] === S - k + i) i--;
    if (i < 1) break;
    chosen[i] = chosen[i]! + 1;
    for (let d = i + 1; d < k; d++) chosen[d] = chosen[d - 1]! + 1;
    from = i;
  }

  // 4. Summary over splits.
  let overfit = 0, losses = 0, meanX = 0, meanY = 0;
  for (let s = 0; s < splits; s++) {
    if (ranks[s]! <= (N + 1) / 2) overfit++;
    if (oosSharpe[s]! < 0) losses++;
    meanX += isSharpe[s]!;
    meanY += oosSharpe[s]!;
  }
  meanX /= splits;
  meanY /= splits;
  let sxx = 0, sxy = 0;
  for (let s = 0; s < splits; s++) {
    const dx = isSharpe[s]! - meanX;
    sxx += dx * dx;
    sxy += dx * (oosSharpe[s]! - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : null;
  return {
    blocks: S, splits, pbo: overfit / splits, logits, ranks, best, isSharpe, oosSharpe,
    probOosLoss: losses / splits, slope, intercept: slope === null ? null : meanY - slope * meanX,
  };
}

/**
 * A histogram of the logits λ over [−ln N, ln N] (the range λ can take) in `bins` equal bins (even,
 * so 0 is an edge). Bins are (eᵢ, eᵢ₊₁], the first closed: λ = 0 falls left of 0, so the counts of
 * the bins left of 0 add up to PBO × splits.
 */
export function logitHistogram(logits: Float64Array, variants: number, bins = 20): { edges: number[]; counts: number[] } {
  if (!Number.isInteger(bins / 2) || bins < 2) throw new RangeError(`bins ${bins}: must be an even whole number ≥ 2`);
  const half = Math.log(Math.max(2, variants)), width = (2 * half) / bins, mid = bins / 2;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === mid ? 0 : -half + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const lambda of logits) {
    const steps = lambda === 0 ? 0 : Math.ceil(Math.abs(lambda) / width) - 1;
    const bin = lambda <= 0 ? mid - 1 - steps : mid + steps;
    const at = Math.min(bins - 1, Math.max(0, bin));
    counts[at] = counts[at]! + 1;
  }
  return { edges, counts };
}
