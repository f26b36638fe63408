import type { Factor } from '../strategy/types.ts';

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
    sparse: true, // row by row, from the input's row alone
    create({ n, groupCount }) {
      // Members listed group by group: each group's sums then run in registers over a contiguous list
      // instead of bouncing between per-group slots symbol by symbol. The lists are rebuilt when the
      // peer groups change (a rolling universe's new season); −1 (not a member) joins no group.
      const groups: PeerGroups = { start: new Int32Array(groupCount + 1), members: new Int32Array(n), size: 0, count: new Int32Array(groupCount), mean: new Float64Array(groupCount), groupCount };
      let listed: Int32Array | undefined;
      return (history, out, [values], emit) => {
        // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent in value, a row nobody reads gets an empty `out` and empty inputs (runner/factor-cache.ts), so scoring there writes nothing: speed only
        if (!emit) return;
        if (history.groupOf !== listed) listGroups(groups, (listed = history.groupOf));
        zscoreRow(values!, out, groups, minPeers);
      };
    },
  };
}

/** Lists the members of each group contiguously: members[start[g] … start[g + 1]). */
function listGroups(groups: PeerGroups, groupOf: Int32Array): void {
  const { start, members, groupCount } = groups;
  start.fill(0);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i]! >= 0) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) start[g + 1] = start[g + 1]! + start[g]!;
  const fill = start.slice(0, groupCount);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i]! >= 0) members[fill[groupOf[i]!]!++] = i;
  groups.size = start[groupCount]!;
}

interface PeerGroups {
  readonly start: Int32Array;
  readonly members: Int32Array;
  /** Members listed (those with a group). */
  size: number;
  readonly count: Int32Array;
  readonly mean: Float64Array;
  readonly groupCount: number;
}

/** One row: per group, count and mean, then the sd (two-pass), then the scores; all members as the fallback (computed only when a group needs it). */
function zscoreRow(v: Float64Array, out: Float64Array, groups: PeerGroups, minPeers: number): void {
  const { start, members, count, mean, groupCount, size } = groups;
  // Stryker disable next-line BooleanLiteral: equivalent, starting true only computes allSd when no group reads it (only a group below minPeers does, and it sets the flag)
  let allCount = 0, allSum = 0, fallback = false;
  for (let g = 0; g < groupCount; g++) {
    let c = 0, sum = 0;
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const x = v[members[k]!]!;
      if (x === x) { sum += x; c++; }
    }
    count[g] = c;
    mean[g] = c ? sum / c : 0;
    allCount += c;
    allSum += sum;
    if (c < minPeers) fallback = true;
  }
  const allMean = allCount ? allSum / allCount : 0;
  // The sd of all members only when some group falls back on it: a fifth of the row's work otherwise.
  let allSd = 0;
  if (fallback) {
    let allSs = 0;
    for (let k = 0; k < size; k++) {
      const x = v[members[k]!]!;
      if (x === x) allSs += (x - allMean) * (x - allMean);
    }
    allSd = allCount > 1 ? Math.sqrt(allSs / (allCount - 1)) : 0;
  }
  for (let g = 0; g < groupCount; g++) {
    const own = count[g]! >= minPeers;
    let center = allMean, sd = allSd;
    if (own) {
      center = mean[g]!;
      let ss = 0;
      for (let k = start[g]!; k < start[g + 1]!; k++) {
        const x = v[members[k]!]!;
        if (x === x) ss += (x - center) * (x - center);
      }
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: with one value the sd is NaN (0 / 0), which scores 0 just as sd = 0 does
      sd = count[g]! > 1 ? Math.sqrt(ss / (count[g]! - 1)) : 0;
    }
    const scale = sd > 0 ? 1 / sd : 0; // σ = 0 → VOPA 0
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const i = members[k]!;
      const x = v[i]!;
      out[i] = x === x ? (x - center) * scale : NaN;
    }
  }
}
