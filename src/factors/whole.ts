import type { Factor } from '../strategy/types.ts';
import type { Panel } from '../panel/panel.ts';

/**
 * Engine-internal: a factor may carry, beside its step, the same computation over the whole window at
 * once — symbol by symbol down the bars, with no row views and no call per bar — which the factor
 * cache runs instead of stepping (then masks the rows as it masks a step's). Only the engine's own
 * factors have one, keyed by this symbol (which src/api.ts does not export): each is tested to give its
 * step's values bit for bit and to give row t from nothing after bar t (test/factors/whole.test.ts).
 * A strategy's own factors step, so no-look-ahead holds by construction for them.
 */
export const WHOLE = Symbol('whole window');

/** What a whole-window computation reads and fills: out[t × n + i] from data at or before t. */
export interface WholeWindow {
  readonly panel: Panel;
  readonly n: number;
  readonly bars: number;
  /** The inputs' values (bars × n, masked), as their factors declare them. */
  readonly inputs: readonly Float64Array[];
  /** All NaN on entry. */
  readonly out: Float64Array;
}

export type WholeFactor = Factor & { readonly [WHOLE]?: (w: WholeWindow) => void };

/** The factor with a whole-window computation attached. */
export function withWhole(factor: Factor, whole: (w: WholeWindow) => void): WholeFactor {
  return Object.assign(factor, { [WHOLE]: whole });
}
