import type { Factor } from '../strategy/types.ts';
import { withWhole } from './whole.ts';

/**
 * Where one factor crosses another, per symbol: +1 at bar t when a > b at t and a ≤ b at t − 1 (a
 * crossed above b), −1 when a < b at t and a ≥ b at t − 1 (crossed below), 0 otherwise — also when
 * either is missing at t or at t − 1, and at the first bar. It reads its inputs at t and t − 1 only
 * (the rows the engine hands it, kept one bar), so it is causal like any factor. Comparisons are
 * exact: inputs that tie stay tied (rollingMean's exact means).
 *
 * Made for `actsOn` (the bars on which a strategy may act): a crossover rule acts only where this is
 * non-zero.
 * @example factors: (p) => ({ fast: rollingMean(p.fast), slow: rollingMean(p.slow), cross: crossing(rollingMean(p.fast), rollingMean(p.slow)) })
 */
export function crossing(a: Factor, b: Factor): Factor {
  return withWhole({
    key: `cross(${a.key},${b.key})`,
    inputs: [a, b],
    create({ n }) {
      const lastA = new Float64Array(n).fill(NaN), lastB = new Float64Array(n).fill(NaN);
      return (_history, out, inputs) => {
        const rowA = inputs[0]!, rowB = inputs[1]!;
        // Stryker disable next-line EqualityOperator: equivalent for i <= n: out, the input rows and lastA/lastB hold n cells (views of n in runner/factor-cache.ts), so a step past them reads undefined and its writes are dropped
        for (let i = 0; i < n; i++) {
          const x = rowA[i]!, y = rowB[i]!;
          out[i] = cross(x, y, lastA[i]!, lastB[i]!);
          lastA[i] = x;
          lastB[i] = y;
        }
      };
    },
  }, ({ n, bars, inputs, out }) => {
    const valuesA = inputs[0]!, valuesB = inputs[1]!;
    for (let i = 0; i < n; i++) {
      let px = NaN, py = NaN;
      // Stryker disable next-line EqualityOperator: equivalent for t <= bars: that step's cell is past the bars × n cells of out and the inputs, so it reads undefined and its write is dropped
      for (let t = 0, cell = i; t < bars; t++, cell += n) {
        const x = valuesA[cell]!, y = valuesB[cell]!;
        out[cell] = cross(x, y, px, py);
        px = x;
        py = y;
      }
    }
  });
}

/** +1 when x > y after x ≤ y, −1 when x < y after x ≥ y, else 0 (a NaN compares false: 0). */
function cross(x: number, y: number, px: number, py: number): number {
  return x > y && px <= py ? 1 : x < y && px >= py ? -1 : 0;
}
