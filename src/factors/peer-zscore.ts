import type { Factor } from '../api.ts';

/**
 * VOPA(i) = (v(i) − μ) / σ, the value's z-score against its peer group (zipline's
 * `zscore(groupby=…)`), row by row:
 * 1. per peer group, over members that have a value: count, mean μ and sd σ (n − 1, two-pass);
 * 2. a group with fewer than `minPeers` values uses the mean and sd of all members with a value;
 * 3. VOPA = (v − μ) / σ, and 0 when σ is 0 (or undefined: fewer than two values); NaN without a value.
 */
export function peerZScore(input: Factor, minPeers: number): Factor {
  if (!Number.isInteger(minPeers) || minPeers < 1) throw new RangeError(`minPeers must be an integer ≥ 1, got ${minPeers}`);
  return {
    key: `peerZ(${input.key},${minPeers})`,
    inputs: [input],
    create({ n, groupOf, groupCount }) {
      const count = new Int32Array(groupCount);
      const sum = new Float64Array(groupCount);
      const mean = new Float64Array(groupCount);
      const ss = new Float64Array(groupCount);
      const center = new Float64Array(groupCount); // μ used for each group
      const scale = new Float64Array(groupCount); // 1 / σ, or 0 when σ = 0
      return (_history, out, [values]) => {
        zscoreRow(values!, out, n, groupOf, groupCount, minPeers, count, sum, mean, ss, center, scale);
      };
    },
  };
}

/** One row: group sums, then means, then squared deviations (two-pass), then the scores. */
function zscoreRow(
  v: Float64Array, out: Float64Array, n: number, groupOf: Int32Array, groupCount: number, minPeers: number,
  count: Int32Array, sum: Float64Array, mean: Float64Array, ss: Float64Array, center: Float64Array, scale: Float64Array,
): void {
  count.fill(0);
  sum.fill(0);
  ss.fill(0);
  let allCount = 0, allSum = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (x !== x) continue;
    const g = groupOf[i]!;
    count[g]!++;
    sum[g] = sum[g]! + x;
    allCount++;
    allSum += x;
  }
  const allMean = allCount ? allSum / allCount : 0;
  for (let g = 0; g < groupCount; g++) mean[g] = count[g] ? sum[g]! / count[g]! : 0;
  let allSs = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (x !== x) continue;
    const g = groupOf[i]!;
    const d = x - mean[g]!;
    ss[g] = ss[g]! + d * d;
    const e = x - allMean;
    allSs += e * e;
  }
  const allSd = allCount > 1 ? Math.sqrt(allSs / (allCount - 1)) : 0;
  for (let g = 0; g < groupCount; g++) {
    const own = count[g]! >= minPeers;
    const sd = own ? (count[g]! > 1 ? Math.sqrt(ss[g]! / (count[g]! - 1)) : 0) : allSd;
    center[g] = own ? mean[g]! : allMean;
    scale[g] = sd > 0 ? 1 / sd : 0;
  }
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    const g = groupOf[i]!;
    out[i] = x !== x ? NaN : (x - center[g]!) * scale[g]!; // scale 0: σ = 0 → VOPA 0
  }
}
