import type { Bar, Params, Strategy, StrategyContext, Weights } from '../strategy/types.ts';
import { UsageError } from '../errors.ts';
import type { Panel } from '../panel/panel.ts';
import type { FactorCache } from './factor-cache.ts';

/**
 * A strategy's `actsOn` put to use: the simulation calls `decide` only on the bars where the named
 * factor says the strategy may act, and holds on every other one without a call.
 * 1. The factor must be one the strategy declares in `factors()` (else a bad strategy: exit 2).
 * 2. acting[t] = 1 when the factor is non-zero at t for some symbol (NaN — missing, or masked to a
 *    non-member — is not); found once per factor for the whole window, memoised in the factor cache
 *    (variants with the same factor share it).
 * 3. The strategy handed to the simulation is the same in everything but `decide`, which answers
 *    nothing at once on the other bars. A strategy without `actsOn` is handed over as it is.
 * What a bar decides is unchanged as long as `decide` returns nothing on the bars left out (the
 * contract of `actsOn`); the schedule, fills, costs and solvency are the simulation's, as always.
 */
export function actingStrategy(strategy: Strategy, params: Params, factors: FactorCache, panel: Panel): Strategy {
  if (!strategy.actsOn) return strategy;
  const name = strategy.actsOn(params as never);
  const factor = strategy.factors?.(params as never)[name];
  if (!factor) throw new UsageError(`strategy ${strategy.name}: actsOn names factor "${name}", which factors() does not declare`, 'E_BAD_STRATEGY');
  const acting = factors.memo(`acting|${factor.key}`, () => actingBars(factors.get(factor), panel.symbols.length));
  // One `decide` function for every variant (the simulation's call stays monomorphic); its bars and the
  // strategy it asks ride on the object.
  const wrapped: ActingStrategy = { ...strategy, decide: actingDecide, [ACTING]: acting, [INNER]: strategy };
  return wrapped;
}

const ACTING = Symbol('acting bars');
const INNER = Symbol('strategy');

interface ActingStrategy extends Strategy {
  readonly [ACTING]: Uint8Array;
  readonly [INNER]: Strategy;
}

function actingDecide(this: ActingStrategy, bar: Bar, p: never, ctx: StrategyContext): Weights | void | undefined {
  return this[ACTING][bar.t] === 1 ? this[INNER].decide(bar, p, ctx) : undefined;
}

/** 1 for each bar on which some symbol's value is non-zero (and not NaN), else 0. */
export function actingBars(values: Float64Array, n: number): Uint8Array {
  const bars = n ? values.length / n : 0;
  const acting = new Uint8Array(bars);
  for (let t = 0; t < bars; t++) {
    for (let i = t * n, end = i + n; i < end; i++) {
      const v = values[i]!;
      if (v > 0 || v < 0) {
        acting[t] = 1;
        break;
      }
    }
  }
  return acting;
}
