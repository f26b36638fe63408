import type { Params } from '../strategy/types.ts';

/**
 * How the walk-forward reads as two numbers beside its folds.
 *
 * Walk-forward efficiency (R. Pardo, The Evaluation and Optimization of Trading Strategies, 2nd ed.,
 * Wiley 2008: the annualised rate of return out of sample ÷ the annualised rate of return of the
 * optimisation, in sample):
 *   WFE = annualised return of the stitched out-of-sample record ÷ time-weighted mean of the chosen
 *         variants' annualised in-sample returns,
 *   annualised return = (E_end / E_start)^(252 / days) − 1 (the cagr of summary.csv), and the
 *   in-sample mean weighted by the days each choice was traded: Σ_k n_k·IS_k / Σ_k n_k, n_k the
 *   test days of fold k, IS_k the chosen variant's annualised return over its training days.
 * It is reported only when the in-sample mean is positive: a ratio to a loss (or to nothing) has no
 * reading (a positive OOS over a negative IS would come out negative). About 1 means the record
 * kept what the choices promised, above 1 the future was kinder than the past; TradeStation's
 * walk-forward optimizer, which follows Pardo, passes a strategy at 0.5 or more.
 *
 * Parameter stability: how often the choice moved between consecutive folds —
 *   changes = folds whose chosen variant differs from the fold before's, change_rate = changes ÷
 *   (folds − 1); per parameter that varies in the sweep: its changes, the distinct values chosen,
 *   and for a numeric one mean_abs_change = mean over the fold boundaries of |p_k − p_{k−1}| and
 *   relative_change = that ÷ the parameter's range in the sweep (0: never moved; 1: from one end
 *   of the grid to the other at every boundary).
 */
export interface Efficiency {
  readonly walk_forward_efficiency: number | null;
  readonly oos_annual_return: number | null;
  /** Time-weighted mean of the chosen variants' annualised in-sample returns. */
  readonly is_annual_return: number | null;
  readonly why_missing?: string;
}

export function walkForwardEfficiency(oosAnnual: number | null, folds: ReadonlyArray<{ readonly isAnnualReturn: number | null; readonly testDays: number }>): Efficiency {
  let weighted = 0, days = 0;
  for (const f of folds) {
    if (f.isAnnualReturn === null) return { walk_forward_efficiency: null, oos_annual_return: oosAnnual, is_annual_return: null, why_missing: 'a chosen variant lost everything in its training window: no in-sample return to compare with' };
    weighted += f.isAnnualReturn * f.testDays;
    days += f.testDays;
  }
  const is = days > 0 ? weighted / days : null;
  if (is === null || oosAnnual === null) return { walk_forward_efficiency: null, oos_annual_return: oosAnnual, is_annual_return: is, why_missing: 'the out-of-sample record lost everything: no annualised return' };
  if (!(is > 0)) return { walk_forward_efficiency: null, oos_annual_return: oosAnnual, is_annual_return: is, why_missing: 'the chosen variants did not gain in sample (annualised in-sample return ≤ 0): the ratio has no reading' };
  return { walk_forward_efficiency: oosAnnual / is, oos_annual_return: oosAnnual, is_annual_return: is };
}

export interface ParameterStability {
  readonly changes: number;
  readonly distinct: number;
  readonly mean_abs_change?: number | null;
  readonly grid_range?: number;
  readonly relative_change?: number | null;
}

export interface Stability {
  readonly folds: number;
  readonly changes: number;
  readonly change_rate: number | null;
  readonly distinct_variants: number;
  readonly parameters: Readonly<Record<string, ParameterStability>>;
}

/**
 * Stability of the choices (outline above). `chosen`: the chosen variant of each fold, in order;
 * `variants`: every variant of the sweep (for which parameters vary and their ranges).
 */
export function parameterStability(chosen: ReadonlyArray<{ readonly id: number; readonly params: Params }>, variants: readonly Params[], keys: readonly string[]): Stability {
  const folds = chosen.length;
  let changes = 0;
  for (let k = 1; k < folds; k++) if (chosen[k]!.id !== chosen[k - 1]!.id) changes++;
  const parameters: Record<string, ParameterStability> = {};
  for (const key of keys) {
    const values = variants.map((p) => p[key]);
    if (new Set(values.map(String)).size < 2) continue;
    const picked = chosen.map((c) => c.params[key]);
    let moved = 0;
    for (let k = 1; k < folds; k++) if (String(picked[k]) !== String(picked[k - 1])) moved++;
    const entry: Record<string, unknown> = { changes: moved, distinct: new Set(picked.map(String)).size };
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      const range = Math.max(...nums) - Math.min(...nums);
      let sum = 0;
      for (let k = 1; k < folds; k++) sum += Math.abs((picked[k] as number) - (picked[k - 1] as number));
      const mean = folds > 1 ? sum / (folds - 1) : null;
      entry.mean_abs_change = mean;
      entry.grid_range = range;
      entry.relative_change = mean === null ? null : mean / range;
    }
    parameters[key] = entry as unknown as ParameterStability;
  }
  const distinct = new Set(chosen.map((c) => c.id)).size;
  return { folds, changes, change_rate: folds > 1 ? changes / (folds - 1) : null, distinct_variants: distinct, parameters };
}
