import { Piscina } from 'piscina';
import type { Params, Strategy } from '../strategy/types.ts';
import { evaluateVariant, type VariantOutcome } from './evaluate.ts';
import { BacktestError, firstLine } from '../errors.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { SupabaseLike } from '../strategy/context.ts';
import { slimOutcome } from './capacity.ts';
import { parseVariantFailure, variantError } from './failure.ts';
import type { SharedRun, VariantRunResult } from './types.ts';

/**
 * Runs a run's variants and returns their outcomes in variant order.
 *
 * 1. Every distinct factor the variants declare is computed once, by the main thread, into the
 *    shared cache (VOPA values for one (L, S) serve every variant that uses them).
 * 2. Variants run in the main thread for a quarter of a second and are timed. When the rest would
 *    take long enough to pay for starting workers (about a second of work), they go to a Piscina pool of
 *    `workers` threads that read the panel and factors from shared memory, in chunks; otherwise
 *    they run here. Each variant's result depends only on its parameters and the shared data,
 *    so the result is the same whatever the worker count or order.
 * 3. An abort (Ctrl-C) stops scheduling, keeps the variants that finished and reports the run as
 *    interrupted; a failing variant or a dying worker stops the run with an error naming it.
 */
export interface VariantRunOptions {
  readonly shared: SharedRun;
  readonly strategy: Strategy;
  readonly variants: readonly Params[];
  /** Each variant's starting capital when not the run's (a `--capacity` point), aligned with `variants`. */
  readonly cash?: ReadonlyArray<number | undefined> | undefined;
  readonly factors: FactorCache;
  readonly workers: number;
  /** The run's Supabase client, for variants run in the main thread (workers have none: see README). */
  readonly supabase?: SupabaseLike | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly progress?: ((done: number, total: number) => void) | undefined;
  /** Work below this many milliseconds (estimated from the first variant) stays in the main thread. */
  readonly poolThresholdMs?: number;
}

export type { VariantRunResult };

/** About a second of single-thread work pays for starting workers; `BACKTEST_POOL_THRESHOLD_MS` overrides it (tests, benchmarks). */
const POOL_THRESHOLD_MS = Number(process.env.BACKTEST_POOL_THRESHOLD_MS ?? 1000);

export async function runVariants(o: VariantRunOptions): Promise<VariantRunResult> {
  const { shared, strategy, variants, factors } = o;
  for (const params of variants) {
    for (const factor of Object.values(strategy.factors?.(params as never) ?? {})) factors.get(factor);
  }
  const total = variants.length;
  const outcomes: VariantOutcome[] = [];
  const local = (k: number) => {
    const cash = o.cash?.[k];
    const outcome = evaluateVariant({ panel: shared.panel, strategy, id: k + 1, params: variants[k]!, cash, schedule: shared.schedule, settings: shared.settings, factors, supabase: o.supabase, setupData: shared.setupData });
    return cash === undefined ? outcome : slimOutcome(outcome);
  };

  // Run here for a short while (past the JIT's warm-up), then estimate what is left from the last
  // variants' pace: a pool pays off only for about a second of work or more.
  const threshold = o.poolThresholdMs ?? POOL_THRESHOLD_MS;
  const budget = Math.min(250, threshold / 4);
  const started = performance.now();
  let k = 0;
  let paceFrom = started, paceCount = 0;
  for (; k < total; k++) {
    if (o.signal?.aborted) return { outcomes, interrupted: true, threads: 1 };
    outcomes.push(local(k));
    o.progress?.(k + 1, total);
    paceCount++;
    if (k === 0) { paceFrom = performance.now(); paceCount = 0; } // the first one pays for warming up
    const elapsed = performance.now() - started;
    if (o.workers > 1 && elapsed >= budget && k + 1 < total) {
      const pace = paceCount ? (performance.now() - paceFrom) / paceCount : elapsed;
      if (pace * (total - k - 1) > threshold) break;
    }
  }
  if (k >= total - 1) return { outcomes, interrupted: false, threads: 1 };
  const pooled = await runInPool(o, { ...shared, factors: [...factors.entries()] }, k + 1, outcomes.length);
  outcomes.push(...pooled.outcomes);
  outcomes.sort((a, b) => a.id - b.id);
  return { outcomes, interrupted: pooled.interrupted, threads: o.workers };
}

/** Variants from index `from` on, in chunks over a pool; finished chunks are kept if aborted. */
async function runInPool(o: VariantRunOptions, shared: SharedRun, from: number, doneBefore: number): Promise<{ outcomes: VariantOutcome[]; interrupted: boolean }> {
  const total = o.variants.length;
  const pool = new Piscina({
    filename: new URL('./worker.ts', import.meta.url).href,
    workerData: shared,
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 1000,
  });
  // Several chunks per worker balance the load; small enough to report progress, large enough to be cheap.
  const size = Math.max(1, Math.min(50, Math.ceil((total - from) / (o.workers * 8))));
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const outcomes: VariantOutcome[] = [];
  let done = doneBefore;
  let failure: Error | undefined;
  const tasks: Promise<void>[] = [];
  for (let start = from; start < total; start += size) {
    const chunk = o.variants.slice(start, start + size).map((params, k) => ({ id: start + k + 1, params, cash: o.cash?.[start + k] }));
    tasks.push(
      pool.run({ variants: chunk }, { signal: abort.signal }).then(
        (result: VariantOutcome[]) => {
          outcomes.push(...result);
          done += result.length;
          o.progress?.(done, total);
        },
        (err: Error) => {
          if (abort.signal.aborted && !failure) return; // stopped on purpose
          failure ??= describeFailure(err, chunk[0]!.id, chunk.at(-1)!.id);
          abort.abort();
        },
      ),
    );
  }
  try {
    await Promise.all(tasks);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
  if (failure) throw failure;
  // Interrupted only if variants are missing: a Ctrl-C after the last chunk finished changes nothing.
  return { outcomes, interrupted: Boolean(o.signal?.aborted) && doneBefore + outcomes.length < total };
}

/** A worker's error as one clear error: the variant and its message, or the worker's death. */
function describeFailure(err: Error, first: number, last: number): Error {
  const f = parseVariantFailure(err);
  if (f) return variantError(f);
  const text = err?.message ?? String(err);
  return new BacktestError('E_WORKER', `a worker stopped while running variants ${first}–${last}: ${firstLine(text)}`, { cause: err });
}
