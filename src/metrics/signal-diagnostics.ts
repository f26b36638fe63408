import { eligibility, type Eligibility } from '../panel/eligibility.ts';
import type { Panel } from '../panel/panel.ts';
import { mean, sampleSd } from './returns.ts';
import { argsort, pearson, RankSpace } from './spearman.ts';

/**
 * How well a signal ranks what follows it (alphalens' information coefficient and quantile
 * spread), on each decision day t:
 * 1. forward return f(i) = close(t+h) / close(t) − 1, only when t + h is inside the run (≤ end);
 * 2. IC = Spearman rank correlation (average ranks for ties) of signal and f over members with both;
 * 3. quintile spread = mean f of the ⌊n/5⌋ highest signals − mean f of the ⌊n/5⌋ lowest (ties to the
 *    lower symbol), n = members with both;
 * 4. coverage = members with a signal / members (every decision day);
 * 5. per peer group, the IC within the group (null with fewer than 3 members with both).
 * "Members" are the symbols the decision may hold that day, in their peer groups of that day
 * (panel/eligibility.ts): a rolling universe's diagnostics follow its membership.
 */
export interface DiagnosticsDay {
  readonly bar: number;
  readonly ic: number | null;
  readonly quintileSpread: number | null;
  readonly coverage: number;
  /** One per peer group, in panel.groups order. */
  readonly groupIc: readonly (number | null)[];
}

export interface SignalSummary {
  ic_mean: number | null;
  ic_sd: number | null;
  ic_ir: number | null;
  ic_t: number | null;
  quintile_spread: number | null;
  coverage: number | null;
}

export const SIGNAL_COLUMNS: readonly (keyof SignalSummary)[] = ['ic_mean', 'ic_sd', 'ic_ir', 'ic_t', 'quintile_spread', 'coverage'];

export function signalDiagnostics(panel: Panel, signal: Float64Array, horizon: number, decisionBars: ArrayLike<number>, lastBar: number, universe: Eligibility = eligibility(panel, 'open')): DiagnosticsDay[] {
  const n = panel.symbols.length;
  const groupCount = panel.groups.length;
  const days: DiagnosticsDay[] = [];
  const day = dayRanks(n, groupCount);
  const mask = universe.mask;
  const close = panel.close;
  const all = universe.all;
  for (let k = 0; k < decisionBars.length; k++) {
    const t = decisionBars[k]!;
    const row = t * n;
    if (t + horizon > lastBar) { // no forward return: coverage only
      let covered = 0, members = n;
      // Stryker disable next-line ConditionalExpression: equivalent, when `all` the mask is all ones (panel/eligibility.ts): the member loop counts the same
      if (all) {
        for (let i = 0; i < n; i++) {
          const x = signal[row + i]!;
          if (x - x === 0) covered++; // finite
        }
      } else {
        members = 0;
        for (let i = 0; i < n; i++) {
          if (mask[row + i] === 0) continue;
          members++;
          const x = signal[row + i]!;
          if (x - x === 0) covered++;
        }
      }
      days.push({ bar: t, ic: null, quintileSpread: null, coverage: members ? covered / members : 0, groupIc: new Array(groupCount).fill(null) });
      continue;
    }
    // Coverage and the members with both a signal and a forward return, in one pass (RankSpace's `gather`: ranks.wat).
    const m = day.space.gather(signal, close, row, (t + horizon) * n, universe.span(t).groupOf, all ? undefined : mask);
    const { members, covered } = day.space;
    days.push({ bar: t, coverage: members ? covered / members : 0, ...day.measure(m) });
  }
  return days;
}

/**
 * Sums of exact terms are exact in any order: every rank and group rank is a multiple of ½ (an
 * average of whole positions), every product of two ranks a multiple of ¼ up to m², and every
 * partial sum of such products (all ≥ 0) at most Σ k² = m(m + 1)(2m + 1)/6 (the largest Σ x·y of two
 * rankings): multiples of ¼ are exact in a double up to 2⁵¹, which holds while m ≤ 189,000. So is
 * m·((m + 1)/2)², and Σ dx·dy = Σ x·y − m·((m + 1)/2)² (deviations from the mean rank; Σ x = Σ y =
 * m(m + 1)/2, ties included) is then exact too — bit for bit what spearman.ts's `pearson` of the ranks
 * in member order gives, whose terms and partial sums are exact as well (|dx·dy| ≤ m²/4). Up to
 * EXACT_MAX members, the correlations' sums are therefore taken as Σ x·y in the order of the signal's
 * ranking (for speed, issue 21: no subtraction a term); above it, as deviations in member order.
 */
const EXACT_MAX = 180_000;

/**
 * The DayRanks of the last call, reused by the next one of as many columns and groups (the next variant's,
 * usually): a WebAssembly memory made for each call cost about 0.1 ms, 3 % of VOPA's diagnostics. Each
 * thread has its own (this module is loaded a thread), and a call uses it from start to end.
 */
let lastDay: DayRanks | undefined;

function dayRanks(n: number, groupCount: number): DayRanks {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: equivalent, a DayRanks made afresh measures the same (every array a day reads is written that day first)
  if (!lastDay || lastDay.space.capacity !== n || lastDay.space.groups !== groupCount) lastDay = new DayRanks(n, groupCount);
  return lastDay;
}

/**
 * One day's IC, quintile spread and per-group ICs from two sorts, over the arrays of a RankSpace
 * (spearman.ts: the sorts and the two walks run in WebAssembly, ranks.wat, where they are spelled out):
 * 1. the members are ordered by forward return (spearman.ts's argsort); one walk of that order gives
 *    each member's global rank, its rank within its peer group, and the group sizes;
 * 2. they are ordered by signal; one walk of that order gives the signal's ranks (global and within
 *    the group) and, as it goes, the sums Σ x·y of the ranks, global and in each group, from which
 *    the correlations' Σ dx·dy (deviations from the mean rank (m + 1) / 2, or (size + 1) / 2 in a
 *    group; exact, see EXACT_MAX); Σ dx² and Σ dy² in closed form from the ties;
 * 3. the quintile spread from the signal's order.
 * Average ranks: each run of equal values gets (start + 1 + end) / 2, the average of its positions
 * (spearman.ts's `ranksFromOrder`); within a group, the group's members of a run share the average of
 * the group positions they take.
 */
class DayRanks {
  /** The day's members, gathered into it (`gather`), and the arrays of their rankings. */
  readonly space: RankSpace;
  private readonly sizes: Int32Array;
  private readonly groupCount: number;

  constructor(n: number, groupCount: number) {
    this.space = new RankSpace(n, groupCount);
    this.sizes = new Int32Array(groupCount);
    this.groupCount = groupCount;
  }

  /** Measures the first m members gathered into the space (all finite), their ranges in its `range`. */
  measure(m: number): { ic: number | null; quintileSpread: number | null; groupIc: (number | null)[] } {
    const { space } = this;
    const { s, f, range } = space;
    space.argsort(f, m, range[4]!, range[5]!, range[6]!, range[7]!);
    space.ranks(f, m);
    this.sizes.set(space.seen);
    space.argsort(s, m, range[0]!, range[1]!, range[2]!, range[3]!);
    let ic: number | null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent up to EXACT_MAX members (the two ways give the same bits, see EXACT_MAX); no test reaches the hundreds of thousands of members where they may part
    if (m <= EXACT_MAX) ic = this.signalSums(m);
    else {
      space.ranks(s, m);
      ic = pearson(s.rank, f.rank, m);
      this.groupSums(m);
    }
    return { ic, quintileSpread: quintileFromOrder(s.values, f.values, s.order, m, s.sorted), groupIc: this.groupIcs() };
  }

  /**
   * The walk of the signal's order (RankSpace's `signalSums`: ranks.wat), then the correlations' sums
   * from it: the global one's value returned, each group's Σ dx·dy, Σ dx², Σ dy² in `sums`. For speed
   * (issue 21): one walk instead of a walk, a Pearson pass and a group pass.
   */
  private signalSums(m: number): number | null {
    const { space, sizes, groupCount } = this;
    const { sums } = space;
    const mid = (m + 1) / 2;
    const sxy = space.signalSums(m) - m * mid * mid; // Σ dx·dy = Σ x·y − m · mid² (exact, see EXACT_MAX)
    const tiesS = space.s.ties, tiesF = space.f.ties;
    const sxx = squaresOfRanks(m, tiesS[groupCount]!), syy = squaresOfRanks(m, tiesF[groupCount]!);
    for (let g = 0; g < groupCount; g++) {
      const size = sizes[g]!, center = (size + 1) / 2; // ranks 1 … size average to this, ties included
      sums[g] -= size * center * center; // likewise in each group
      sums[groupCount + g] = squaresOfRanks(size, tiesS[g]!);
      sums[2 * groupCount + g] = squaresOfRanks(size, tiesF[g]!);
    }
    return m >= 2 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
  }

  /** Each group's sums Σ dx·dy, Σ dx², Σ dy² of its within-group ranks, in member order (groups of 3 or more). */
  private groupSums(m: number): void {
    const { space, sizes, groupCount } = this;
    const { group, sums } = space;
    const groupRankS = space.s.groupRank, groupRankF = space.f.groupRank;
    sums.fill(0);
    for (let j = 0; j < m; j++) {
      const g = group[j]!;
      const count = sizes[g]!;
      if (count < 3) continue;
      const mid = (count + 1) / 2; // ranks 1 … count average to this, ties included
      const dx = groupRankS[j]! - mid, dy = groupRankF[j]! - mid;
      sums[g] += dx * dy;
      sums[groupCount + g] += dx * dx;
      sums[2 * groupCount + g] += dy * dy;
    }
  }

  /** Pearson correlation of each group's within-group ranks (null below 3 members, and for constant ranks). */
  private groupIcs(): (number | null)[] {
    const { sizes, groupCount } = this;
    const { sums } = this.space;
    const out: (number | null)[] = [];
    for (let g = 0; g < groupCount; g++) {
      const sxy = sums[g]!, sxx = sums[groupCount + g]!, syy = sums[2 * groupCount + g]!;
      out.push(sizes[g]! >= 3 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null);
    }
    return out;
  }
}

/**
 * Σ (rank − (n + 1) / 2)² over n average ranks whose runs of ties give Σ (t³ − t) = ties:
 * ((n³ − n) − ties) / 12 (ranks 1 … n give (n³ − n) / 12; a run of t ties loses (t³ − t) / 12).
 * Exact, so the same bits as the sum taken term by term (see EXACT_MAX).
 */
function squaresOfRanks(n: number, ties: number): number {
  return (n * n * n - n - ties) / 12;
}

/** Mean forward return of the top fifth by signal minus that of the bottom fifth (ties: lower index first). */
export function quintileSpread(signal: ArrayLike<number>, forward: ArrayLike<number>): number | null {
  const m = signal.length;
  return quintileFromOrder(signal, forward, argsort(signal, m, new Int32Array(m), new Int32Array(m)), m);
}

/**
 * The spread from the signal's ascending order. With `sorted` (the signals in that order, all finite),
 * the equals of the q-th largest are found where they sit, as one run of the order in index order
 * (for speed, issue 21: not by a scan from the start); the same values added in the same order.
 */
function quintileFromOrder(signal: ArrayLike<number>, forward: ArrayLike<number>, order: Int32Array, m: number, sorted?: Float64Array): number | null {
  const q = Math.floor(m / 5);
  if (q === 0) return null;
  let low = 0;
  for (let k = 0; k < q; k++) low += forward[order[k]!]!; // ascending, ties by index: the lowest fifth
  // The highest fifth: every value above the q-th largest, then the lowest indices among its equals.
  const threshold = signal[order[m - q]!]!;
  let high = 0, taken = 0;
  for (let k = m - 1; k >= 0 && signal[order[k]!]! > threshold; k--, taken++) high += forward[order[k]!]!;
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, the general scan below adds the same values in the same order (the run of equals is in index order)
  if (sorted) {
    let k = m - q;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, sorted[−1] reads as undefined, never equal to the threshold
    while (k > 0 && sorted[k - 1] === threshold) k--; // the run's start: its lowest index
    for (; taken < q; k++, taken++) high += forward[order[k]!]!;
    return high / q - low / q;
  }
  for (let k = 0; k < m && taken < q; k++) {
    if (signal[order[k]!] === threshold) { high += forward[order[k]!]!; taken++; }
  }
  return high / q - low / q;
}

/** Per-variant summary: IC mean, sd, IR (mean / sd), t (IR × √count), mean spread and coverage. */
export function summarizeSignal(days: readonly DiagnosticsDay[]): SignalSummary {
  const ics = days.map((d) => d.ic).filter((x): x is number => x !== null);
  const spreads = days.map((d) => d.quintileSpread).filter((x): x is number => x !== null);
  const m = mean(ics);
  const sd = sampleSd(ics);
  const ir = m !== null && sd ? m / sd : null;
  return {
    ic_mean: m,
    ic_sd: sd,
    ic_ir: ir,
    ic_t: ir === null ? null : ir * Math.sqrt(ics.length),
    quintile_spread: mean(spreads),
    coverage: mean(days.map((d) => d.coverage)),
  };
}
