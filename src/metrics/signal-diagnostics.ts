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
  const days: DiagnosticsDay[] = [];
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
    const columns: number[] = [];
    const s: number[] = [];
    const f: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = signal[row + i]!;
      const forward = panel.close[(t + horizon) * n + i]! / panel.close[row + i]! - 1;
      if (Number.isFinite(x) && Number.isFinite(forward)) {
        columns.push(i);
        s.push(x);
        f.push(forward);
      }
    }
    const groupIc: (number | null)[] = [];
    for (let g = 0; g < groupCount; g++) {
      const gs: number[] = [], gf: number[] = [];
      columns.forEach((i, j) => { if (panel.groupOf[i] === g) { gs.push(s[j]!); gf.push(f[j]!); } });
      groupIc.push(gs.length >= 3 ? spearman(gs, gf) : null);
    }
    days.push({ bar: t, ic: spearman(s, f), quintileSpread: quintileSpread(s, f), coverage, groupIc });
  }
  return days;
}

/** Mean forward return of the top fifth by signal minus that of the bottom fifth (ties: lower index first). */
export function quintileSpread(signal: readonly number[], forward: readonly number[]): number | null {
  const q = Math.floor(signal.length / 5);
  if (q === 0) return null;
  const order = signal.map((_, j) => j);
  const desc = [...order].sort((a, b) => signal[b]! - signal[a]! || a - b);
  const asc = [...order].sort((a, b) => signal[a]! - signal[b]! || a - b);
  const avg = (idx: number[]) => idx.reduce((sum, j) => sum + forward[j]!, 0) / idx.length;
  return avg(desc.slice(0, q)) - avg(asc.slice(0, q));
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
