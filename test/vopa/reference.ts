import { fsum } from '../../src/factors/exact-sum.ts';
import type { Panel } from '../../src/panel/panel.ts';

/**
 * VOPA written the slow, obvious way, straight from its definition, for comparison with the
 * engine's rolling kernels.
 */
export function directValue(panel: Panel, t: number, i: number, L: number, S: number): number {
  const n = panel.symbols.length;
  const r: number[] = [];
  for (let tau = t - S - L + 1; tau <= t - S; tau++) {
    if (tau - 1 < 0) return NaN;
    const a = panel.close[(tau - 1) * n + i]!, b = panel.close[tau * n + i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
    r.push(b / a - 1);
  }
  // two-pass, with correctly rounded sums (math.fsum) so the reference itself adds no rounding drift
  const mean = fsum(r) / L;
  const sd = Math.sqrt(fsum(r.map((x) => (x - mean) ** 2)) / (L - 1));
  return sd === 0 ? NaN : (mean / sd) * Math.sqrt(252);
}

function stats(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

export function directVopa(panel: Panel, t: number, L: number, S: number, minPeers: number): number[] {
  const n = panel.symbols.length;
  const v = Array.from({ length: n }, (_, i) => directValue(panel, t, i, L, S));
  const valued = v.filter((x) => !Number.isNaN(x));
  const all = stats(valued);
  return v.map((x, i) => {
    if (Number.isNaN(x)) return NaN;
    const peers = v.filter((y, j) => panel.groupOf[j] === panel.groupOf[i] && !Number.isNaN(y));
    const { mean, sd } = peers.length >= minPeers ? stats(peers) : all;
    return sd === 0 ? 0 : (x - mean) / sd;
  });
}

/** Longs: the N highest, ties to the lower symbol. */
export function directTop(values: number[], symbols: readonly string[], k: number): string[] {
  return values
    .map((x, i) => ({ x, s: symbols[i]! }))
    .filter((e) => !Number.isNaN(e.x))
    .sort((a, b) => b.x - a.x || (a.s < b.s ? -1 : 1))
    .slice(0, k)
    .map((e) => e.s);
}
