import { decisionEvery } from '../runner/schedule.ts';
import type { Bar, Factor, Field, Params, Strategy, StrategyContext } from '../strategy/types.ts';

/**
 * The out-of-sample account as one strategy, so that it runs through the engine's own simulation
 * (simulate(): its fills, costs, leverage limit, margin calls and ruin) as one continuous book:
 * 1. each segment is a fold's test window and the variant chosen for it; the decision at bar t
 *    belongs to the segment whose test days hold t's fill day (t + 1 with next-open fills, t with
 *    close fills) — exactly the decisions a run over that test window alone would make;
 * 2. that decision is the chosen variant's own `decide`, given a view in which
 *    - `decision` counts from 0 at the segment's first decision (a `rebalance`-every-R variant
 *      starts its schedule at its fold: its first decision rebalances the book it inherits; one that
 *      declares `every` is asked on that segment's every R-th bar alone),
 *    - `factor(name)` reads the variant's own factors (declared here as `v<id>:<name>`, so two
 *      variants' factors of one name never meet; equal factors are still computed once),
 *    - positions, cash and equity are the account's: the holdings carried from the fold before;
 * 3. each segment has its own `ctx.state`, fresh at its start (a new variant's run), and shares
 *    the run's `ctx.data`, Supabase client and warnings;
 * 4. a decision outside every segment (before the first test window) returns nothing: until the
 *    first test window's first decision, the account holds its cash.
 */
export interface Segment {
  /** The variant chosen for the fold (its id, for the factor names) and its parameters. */
  readonly id: number;
  readonly params: Params;
  /** Decision bars of the segment (panel bars), inclusive. */
  readonly firstDecision: number;
  readonly lastDecision: number;
}

/** The composite strategy of a walk-forward's segments (outline above); `bars` is the panel's bar count. */
export function walkForwardStrategy(base: Strategy, segments: readonly Segment[], bars: number): Strategy {
  // Stryker disable next-line UnaryOperator: equivalent in a run, the record's decisions all fall in segments (its test windows tile them), so no −1 is read
  const segmentAt = new Int32Array(bars).fill(-1);
  segments.forEach((s, k) => segmentAt.fill(k, s.firstDecision, s.lastDecision + 1));
  const views = segments.map((s) => new SegmentBar(`v${s.id}:`, s.firstDecision));
  // A variant deciding every R-th bar (`every`) is asked on its segment's bars 0, R, 2R, … alone, as in its own run.
  const every = segments.map((s) => decisionEvery(base, s.params) ?? 1);
  const contexts: (StrategyContext | undefined)[] = segments.map(() => undefined);
  return {
    name: base.name,
    description: `walk-forward of ${base.name}: each fold's chosen variant, one account`,
    params: {},
    // Stryker disable next-line ArrowFunction,MethodExpression: equivalent in a run, nothing asks the composite for its warm-up (the record's schedule is the run's)
    warmup: () => Math.max(0, ...segments.map((s) => base.warmup(s.params as never))),
    factors() {
      const out: Record<string, Factor> = {};
      for (const s of segments) {
        for (const [name, factor] of Object.entries(base.factors?.(s.params as never) ?? {})) out[`v${s.id}:${name}`] = factor;
      }
      return out;
    },
    decide(bar, _p, ctx) {
      const k = segmentAt[bar.t]!;
      // Stryker disable next-line ConditionalExpression: equivalent in a run, as above (a guard for a decision outside every segment)
      if (k < 0) return undefined;
      if ((bar.t - segments[k]!.firstDecision) % every[k]! !== 0) return undefined;
      const view = views[k]!;
      view.base = bar;
      contexts[k] ??= { supabase: ctx.supabase, data: ctx.data, state: {}, warn: (m) => ctx.warn(m) };
      return base.decide(view, segments[k]!.params as never, contexts[k]!);
    },
  };
}

/** A decision's view for one segment: the account's bar, with the segment's decision count and factor names. */
class SegmentBar implements Bar {
  base!: Bar;
  private readonly prefix: string;
  private readonly first: number;

  constructor(prefix: string, firstDecision: number) {
    this.prefix = prefix;
    this.first = firstDecision;
  }

  get decision(): number { return this.base.t - this.first; }
  get t(): number { return this.base.t; }
  get date(): string { return this.base.date; }
  get n(): number { return this.base.n; }
  get symbols(): readonly string[] { return this.base.symbols; }
  get groups(): readonly string[] { return this.base.groups; }
  get groupOf(): Int32Array { return this.base.groupOf; }
  get member(): Uint8Array { return this.base.member; }
  get season(): number { return this.base.season; }
  get equity(): number { return this.base.equity; }
  get cash(): number { return this.base.cash; }
  row(field: Field, lag?: number): Float64Array { return this.base.row(field, lag); }
  close(i: number, lag?: number): number { return this.base.close(i, lag); }
  open(i: number, lag?: number): number { return this.base.open(i, lag); }
  high(i: number, lag?: number): number { return this.base.high(i, lag); }
  low(i: number, lag?: number): number { return this.base.low(i, lag); }
  volume(i: number, lag?: number): number { return this.base.volume(i, lag); }
  symbolIndex(symbol: string): number { return this.base.symbolIndex(symbol); }
  factor(name: string, lag?: number): Float64Array { return this.base.factor(this.prefix + name, lag); }
  factorValue(name: string, i: number, lag?: number): number { return this.base.factorValue(this.prefix + name, i, lag); }
  position(i: number): number { return this.base.position(i); }
  weights(): Float64Array { return this.base.weights(); }
}
