import type { SupabaseClient } from '@supabase/supabase-js';

/**
 * The types of the strategy contract: what a strategy module declares and what the engine hands it.
 * The engine imports them from here; `src/api.ts` (the one module a strategy imports) re-exports them,
 * and engine code never imports `src/api.ts`, so the two never import each other.
 */

/**
 * The part of the run's Supabase client a strategy may use: the supabase-js client bound
 * to the run's one keep-alive pool, request queue and retry policy. A strategy that needs
 * another table queries through it and never opens its own connection.
 *
 * @example
 * const { data } = await ctx.supabase!.run('read fundamentals', ctx.supabase!.client.from('fundamentals').select('symbol,pe'));
 */
export interface SupabaseLike {
  /** A `@supabase/supabase-js` client; use `client.from('table').select(…)` as usual. */
  readonly client: SupabaseClient;
  /** The project URL (never the key). */
  readonly url: string;
  /** Awaits a query built with `client` and returns its rows, or throws a typed error (status, code, message, details, hint). */
  run<T = Record<string, unknown>[]>(what: string, query: PromiseLike<{ data: unknown; error: { message: string; code?: string } | null; count?: number | null; status: number }>): Promise<{ data: T; count: number | null; status: number }>;
}


// ---------------------------------------------------------------- parameters

/** One typed strategy parameter; `--param key=value` is parsed and checked against it. */
export type ParamSpec =
  | { readonly type: 'int'; readonly default: number; readonly min?: number; readonly max?: number; readonly description?: string }
  | { readonly type: 'number'; readonly default: number; readonly min?: number; readonly max?: number; readonly description?: string }
  | { readonly type: 'string'; readonly default: string; readonly description?: string }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description?: string }
  | { readonly type: 'enum'; readonly default: string; readonly values: readonly string[]; readonly description?: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The resolved parameter values of a strategy, typed from its specs. */
export type ParamValues<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends { type: 'int' | 'number' } ? number
    : S[K] extends { type: 'boolean' } ? boolean
    : string;
};

/** Any resolved parameters (what the engine passes around). */
export type Params = Readonly<Record<string, number | string | boolean>>;

// ---------------------------------------------------------------- market views

/** The price fields of the panel. */
export type Field = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Market data up to and including bar `t`: what a factor step and a decision may read.
 * Rows are read-only views into the panel (time-major); do not write to them and do not
 * keep them past the call. Missing values are NaN.
 */
export interface History {
  /** Index of the current bar in the run's window (0 = first bar fetched, warm-up included). */
  readonly t: number;
  /** ISO date (YYYY-MM-DD) of the current bar. */
  readonly date: string;
  /** Number of symbols (columns): the universe's symbols, sorted (all seasons' members for a rolling universe). */
  readonly n: number;
  readonly symbols: readonly string[];
  /** Peer group names, sorted; `groupOf[i]` indexes into it. */
  readonly groups: readonly string[];
  /**
   * Each symbol's peer group for a decision at this bar: its season's (the season of the day the
   * decision's orders fill); −1 for a symbol that is not a member then.
   */
  readonly groupOf: Int32Array;
  /**
   * 1 where symbol i may be held after a decision at this bar — a member of the universe on the day
   * the orders fill — else 0. Factors are NaN where it is 0; weights given to such symbols are dropped.
   */
  readonly member: Uint8Array;
  /** The universe season of a decision at this bar (rolling universes change it each calendar year). */
  readonly season: number;
  /** Cross-section of `field` at bar t − lag (lag ≥ 0); NaN-filled before the first bar. */
  row(field: Field, lag?: number): Float64Array;
  /** Close of symbol i at bar t − lag. */
  close(i: number, lag?: number): number;
  open(i: number, lag?: number): number;
  high(i: number, lag?: number): number;
  low(i: number, lag?: number): number;
  volume(i: number, lag?: number): number;
  /** Index of a symbol, or −1. */
  symbolIndex(symbol: string): number;
}

/** What a decision sees: history, the strategy's factors, and the portfolio before this decision. */
export interface Bar extends History {
  /** 0 at the first decision of the run, then 1, 2, … (one per decision close). */
  readonly decision: number;
  /** Row of a factor declared in `factors()`, at bar t − lag. */
  factor(name: string, lag?: number): Float64Array;
  /** One symbol's value of a factor at bar t − lag (no row view made: the cheap way for one symbol). */
  factorValue(name: string, i: number, lag?: number): number;
  /** Shares held of symbol i (negative when short). */
  position(i: number): number;
  /** Equity and cash marked at this close. */
  readonly equity: number;
  readonly cash: number;
  /** A zeroed weights array (one slot per symbol) to fill and return; owned by the engine. */
  weights(): Float64Array;
}

/** Target weights: one per symbol (Float64Array of length n), or by symbol; unnamed symbols get 0. */
export type Weights = Float64Array | Readonly<Record<string, number>> | ReadonlyMap<string, number>;

// ---------------------------------------------------------------- factors

/**
 * A cross-sectional factor computed by the engine once per run over the whole window
 * (zipline's Pipeline terms). `create()` returns a step function that the engine calls for
 * t = 0, 1, …, T−1 in order; it fills `out` (row t, length n) from `history` and from the
 * rows of its `inputs` at t. The history ends at t, so a factor cannot look ahead. Like history rows,
 * `out` and the input rows hold for the call only (for a few symbols they are scratch rows, copied).
 * Factors with equal `key`s are computed once and shared (between variants too).
 */
export interface Factor {
  readonly key: string;
  readonly inputs?: readonly Factor[];
  /**
   * Optional, for speed: the factor can skip the rows nobody reads. Its step is still called for
   * every t in order, with `emit` false on the rows the run will not read: there it only advances its
   * state (a rolling window, say), writes nothing to `out` and reads none of its `inputs` (their rows
   * there may not be computed). Row t's value must not depend on which other rows were emitted. The
   * engine asks for rows only when the strategy declares `every` (a decision every R bars): its
   * factors are then needed on its decision bars alone. A factor without it is computed on every row.
   */
  readonly sparse?: boolean;
  create(shape: FactorShape): FactorStep;
}
export interface FactorShape {
  readonly n: number;
  readonly bars: number;
  readonly groupOf: Int32Array;
  readonly groupCount: number;
}
/** `emit`: false only for a `sparse` factor, on a row nobody reads (see Factor.sparse). */
export type FactorStep = (history: History, out: Float64Array, inputs: readonly Float64Array[], emit: boolean) => void;

// ---------------------------------------------------------------- strategy

/** What every step of a run shares: the run's Supabase client (when configured), a logger, scratch state. */
export interface StrategyContext {
  /** The run's one SupabaseRest (bounded keep-alive pool); undefined on local data. */
  readonly supabase: SupabaseLike | undefined;
  /** What the strategy's `setup` returned for this run (read-only, shared by every variant). */
  readonly data: unknown;
  /** Fresh per variant run: a place for a strategy to keep state between decisions. */
  readonly state: Record<string, unknown>;
  /** A warning shown once on stderr and recorded in the manifest. */
  warn(message: string): void;
}

/** What `setup` sees: the run's universe and calendar, and its Supabase client. */
export interface SetupContext {
  readonly supabase: SupabaseLike | undefined;
  readonly symbols: readonly string[];
  readonly groups: readonly string[];
  readonly groupOf: Int32Array;
  /** The window's trading days (warm-up included), ISO dates. */
  readonly dates: readonly string[];
  warn(message: string): void;
}

/** Signal diagnostics (information coefficient, quantile spread) the engine computes for a strategy. */
export interface SignalSpec {
  /** Name of the factor (in `factors()`) that ranks the universe. */
  readonly factor: string;
  /** Forward-return horizon in bars. */
  readonly horizon: number;
  /** Factors written beside it in signals.csv (e.g. the raw value behind a z-score). */
  readonly extra?: readonly string[];
}

export interface Strategy<S extends ParamSpecs = ParamSpecs> {
  readonly name: string;
  readonly description: string;
  readonly params: S;
  /** Checks between parameters; return a message to reject a combination (e.g. fast < slow). */
  readonly constraints?: ReadonlyArray<(p: ParamValues<S>) => string | true>;
  /**
   * Once per run, before any decision: fetch what the strategy needs beyond prices, in bulk
   * (e.g. one query for a fundamentals table through `ctx.supabase`), never per day. The result is
   * `ctx.data` in every decision; it must be plain data (it is copied to worker threads).
   */
  setup?(ctx: SetupContext): unknown;
  /** Checks the parameters against the season's universe before the run; return a message to refuse. */
  validate?(p: ParamValues<S>, universe: { readonly symbols: readonly string[] }): string | undefined;
  /** Bars of history before a decision close that the strategy reads (its largest lag). */
  warmup(p: ParamValues<S>): number;
  /** Factors the engine computes before the run; read them with `bar.factor(name)`. */
  factors?(p: ParamValues<S>): Readonly<Record<string, Factor>>;
  /** The factor judged by the signal diagnostics. */
  signal?(p: ParamValues<S>): SignalSpec;
  /**
   * Optional, for speed: the name of a factor (in `factors()`) that is non-zero — for some symbol —
   * on every bar where `decide` may return targets, e.g. `crossing(fast, slow)` for a crossover rule.
   * The engine then calls `decide` only on those bars and holds on every other one (found once per
   * run for the whole window, shared by the variants with the same factor). `decide` must return
   * nothing on every other bar, and must not count on being called there (keep state in factors, not
   * in `ctx.state`). Like every factor, it is causal: whether `decide` is called at t depends on
   * nothing after t.
   */
  actsOn?(p: ParamValues<S>): string;
  /**
   * Optional, for speed: R, a whole number ≥ 1, when the strategy decides on every R-th decision bar
   * only (bar.decision = 0, R, 2R, …; e.g. `(p) => p.rebalance`). The engine then calls `decide` on
   * those bars alone, and computes its `sparse` factors (such as `riskAdjustedValue` and `peerZScore`)
   * on those rows alone. `decide` may read factors at lags that are multiples of R only (a lag that
   * lands between decision bars, or before the first, is refused: its row is not computed).
   */
  every?(p: ParamValues<S>): number;
  /** Called after each close from the first decision on; return targets, or nothing to hold. */
  decide(bar: Bar, p: ParamValues<S>, ctx: StrategyContext): Weights | void | undefined;
}
