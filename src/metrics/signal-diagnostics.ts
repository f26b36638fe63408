import { bottomK, topK } from '../factors/select.ts';
import type { Panel } from '../panel/panel.ts';
import { mean, sampleSd } from './returns.ts';
import { spearman } from './spearman.ts';

/**
 * How well a signal ranks what follows it (alphalens' information coefficient and quantile
 * spread), on each decision day t:
 * 1. forward return f(i) = close(t+h) / close(t) − 1, only when t + h is inside the run (≤ end);
 * 2. IC = Spearman rank correlation (average ranks for ties) of signal and f over members with both;
 * 3. quintile spread = mean f of the ⌊n/5⌋ highest signals − mean f of the ⌊n/5⌋ lowest (ties to the
 *    lower symbol), n = members with both;
 * 4. coverage = members with a signal / members (every decision day);
 * 5. per peer group, the IC within the group (null with fewer than 3 members with both).
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

export function signalDiagnostics(panel: Panel, signal: Float64Array, horizon: number, decisionBars: ArrayLike<number>, lastBar: number): DiagnosticsDay[] {
  const n = panel.symbols.length;
  const groupCount = panel.groups.length;
  const { groupOf } = panel;
  const days: DiagnosticsDay[] = [];
  // Scratch, reused every day: members with both values, then the same bucketed by peer group.
  const s = new Float64Array(n), f = new Float64Array(n), cols = new Int32Array(n);
  const gs = new Float64Array(n), gf = new Float64Array(n);
  const start = new Int32Array(groupCount + 1), fill = new Int32Array(groupCount);
  for (let k = 0; k < decisionBars.length; k++) {
    const t = decisionBars[k]!;
    const row = t * n;
    let covered = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(signal[row + i]!)) covered++;
    const coverage = n ? covered / n : 0;
    if (t + horizon > lastBar) {
      days.push({ bar: t, ic: null, quintileSpread: null, coverage, groupIc: new Array(groupCount).fill(null) });
      continue;
    }
    const ahead = (t + horizon) * n;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = signal[row + i]!;
      const forward = panel.close[ahead + i]! / panel.close[row + i]! - 1;
      if (Number.isFinite(x) && Number.isFinite(forward)) {
        cols[m] = i;
        s[m] = x;
        f[m] = forward;
        m++;
      }
    }
    // counting sort of the members by group, keeping their order within a group
    start.fill(0);
    for (let j = 0; j < m; j++) start[groupOf[cols[j]!]! + 1]!++;
    for (let g = 0; g < groupCount; g++) start[g + 1] = start[g + 1]! + start[g]!;
    fill.set(start.subarray(0, groupCount));
    for (let j = 0; j < m; j++) {
      const at = fill[groupOf[cols[j]!]!]!++;
      gs[at] = s[j]!;
      gf[at] = f[j]!;
    }
    const groupIc: (number | null)[] = [];
    for (let g = 0; g < groupCount; g++) {
      const a = start[g]!, b = start[g + 1]!;
      groupIc.push(b - a >= 3 ? spearman(gs.subarray(a, b), gf.subarray(a, b)) : null);
    }
    const sm = s.subarray(0, m), fm = f.subarray(0, m);
    days.push({ bar: t, ic: spearman(sm, fm), quintileSpread: quintileSpread(sm, fm), coverage, groupIc });
  }
  return days;
}

/** Mean forward return of the top fifth by signal minus that of the bottom fifth (ties: lower index first). */
export function quintileSpread(signal: ArrayLike<number>, forward: ArrayLike<number>): number | null {
  const q = Math.floor(signal.length / 5);
  if (q === 0) return null;
  const avg = (idx: Int32Array) => {
    let sum = 0;
    for (const j of idx) sum += forward[j]!;
    return sum / idx.length;
  };
  return avg(topK(signal, q)) - avg(bottomK(signal, q));
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
