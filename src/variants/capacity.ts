import type { Params } from '../strategy/types.ts';
import { capacityRow, type CapacityRow } from '../metrics/capacity.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import { allocateCurve } from '../recorder/equity-curve.ts';
import type { PlannedVariant } from './types.ts';

/**
 * `--capacity`: every variant again at each starting capital, with the run's liquidity and impact
 * models — a sweep dimension like any other, so the executors (this machine's threads, a queue) run
 * the points as they run variants.
 * 1. The plan: the run's V variants (ids 1 … V, at `--cash`), then variant v at capital c_k for
 *    each v and each of the K capitals (ids V + (v − 1) × K + k + 1): `planRuns`.
 * 2. A point keeps only what capacity.csv needs: its metrics and costs (no curve, no fills).
 * 3. capacity.csv's rows (metrics/capacity.ts), by variant, then capital ascending.
 */

/** The variants, then each variant at each capital. */
export function planRuns(variants: readonly Params[], capitals: readonly number[]): PlannedVariant[] {
  const planned: PlannedVariant[] = variants.map((params) => ({ params }));
  for (const params of variants) for (const cash of capitals) planned.push({ params, cash });
  return planned;
}

/** The variant and capital of a planned id beyond the V variants. */
export function capacityPoint(id: number, variants: number, capitals: readonly number[]): { variant: number; capital: number } {
  const k = id - variants - 1;
  return { variant: Math.floor(k / capitals.length) + 1, capital: capitals[k % capitals.length]! };
}

/** A capacity point's outcome without its curve, fills and signal days (what crosses threads and the queue). */
export function slimOutcome(o: VariantOutcome): VariantOutcome {
  const trades = { length: 0, bar: new Int32Array(0), column: new Int32Array(0), quantity: new Float64Array(0), price: new Float64Array(0), fee: new Float64Array(0), reason: new Uint8Array(0), asked: new Float64Array(0) };
  return { ...o, result: { ...o.result, curve: allocateCurve(0), trades, decisions: new Int32Array(0), skipped: [] }, signal: undefined };
}

/** capacity.csv's rows from the outcomes beyond the V variants, by variant then capital. */
export function capacityRows(outcomes: readonly VariantOutcome[], variants: number, capitals: readonly number[]): CapacityRow[] {
  return outcomes
    .filter((o) => o.id > variants)
    .sort((a, b) => a.id - b.id)
    .map((o) => {
      const { variant, capital } = capacityPoint(o.id, variants, capitals);
      return capacityRow(o, variant, capital);
    });
}
