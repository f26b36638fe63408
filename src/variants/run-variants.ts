import { Piscina } from 'piscina';
import type { Params, Strategy } from '../strategy/types.ts';
import { evaluateVariant, withoutSignalValues, type VariantOutcome } from './evaluate.ts';
import { BacktestError, firstLine } from '../errors.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import { holdRankingCode } from '../metrics/spearman.ts';
import { shape } from '../panel/panel.ts';
import { factorsOf, planFactorBatches, type FactorBatch } from './factor-plan.ts';
import { strategyRows } from '../runner/schedule.ts';
import type { SupabaseLike } from '../strategy/context.ts';
import { slimOutcome } from './capacity.ts';
import { parseVariantFailure, variantError } from './failure.ts';
import type { SharedRun, VariantRunResult } from './types.ts';

/**
 * Runs a run's variants and returns their outcomes in variant order.
 *
 * 1. The variants are planned in batches of bounded factor memory (factor-plan.ts): a batch's
 *    distinct factors are computed once, by the main thread, into the shared cache (VOPA values
 *    for one (L, S) serve every variant that uses them), its variants run, and the factors no
 *    later batch needs are released. A run whose factors fit `factorBudget` is one batch.
 * 2. Variants run in the main thread for a quarter of a second and are timed. When the rest would
 *    take long enough to pay for starting workers (about a second of work), they go to a Piscina pool of
 *    `workers` threads that read the panel and each chunk's factors from shared memory; otherwise
 *    they run here. Each variant's result depends only on its parameters and the shared data,
 *    so the result is the same whatever the worker count, order or batching.
 * 3. An abort (Ctrl-C) stops scheduling, keeps the variants that finished and reports the run as
 *    interrupted; a failing variant or a dying worker stops the run with an error naming it.
 */
export interface VariantRunOptions {
  readonly shared: SharedRun;
  readonly strategy: Strategy;
  readonly variants: readonly Params[];
  readonly factors: FactorCache;
  readonly workers: number;
  /** The run's Supabase client, for variants run in the main thread (workers have none: see README). */
  readonly supabase?: SupabaseLike | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly progress?: ((done: number, total: number) => void) | undefined;
  /** Work below this many milliseconds (estimated from the first variant) stays in the main thread. */
  readonly poolThresholdMs?: number;
  /** Bytes of factors held at most (a batch's; default: no bound, one batch). */
  readonly factorBudget?: number | undefined;
  /** Told each finished variant (the memory guard measures them; it may refuse the run by throwing). */
  readonly admitVariant?: ((o: VariantOutcome) => void) | undefined;
  /** Keep each outcome's signal values (the factors, for signals.csv); false drops them, so released factors go. Default true. */
  readonly signalValues?: boolean | undefined;
  /** Each variant's starting capital when not the run's (a `--capacity` point), aligned with `variants`. */
  readonly cash?: ReadonlyArray<number | undefined> | undefined;
}

export type { VariantRunResult };

/** About a second of single-thread work pays for starting workers; `BACKTEST_POOL_THRESHOLD_MS` overrides it (tests, benchmarks). */
const POOL_THRESHOLD_MS = Number(process.env.BACKTEST_POOL_THRESHOLD_MS ?? 1000);

export async function runVariants(o: VariantRunOptions): Promise<VariantRunResult> {
  const { shared, strategy, variants, factors } = o;
  const { bars, n } = shape(shared.panel);
  const plan = planFactorBatches(strategy, variants, bars * n * 8, o.factorBudget ?? Infinity);
  const total = variants.length;
  const outcomes: VariantOutcome[] = [];
  const keep = o.signalValues === false ? withoutSignalValues : (v: VariantOutcome) => v;
  // Released arrays are written over by the next batch's factors only when no outcome keeps them.
  const reuse = o.signalValues === false;
  const local = (k: number) => {
    const cash = o.cash?.[k];
    const outcome = evaluateVariant({ panel: shared.panel, strategy, id: k + 1, params: variants[k]!, cash, schedule: shared.schedule, settings: shared.settings, factors, supabase: o.supabase, setupData: shared.setupData });
    return keep(cash === undefined ? outcome : slimOutcome(outcome));
  };
  const rows = neededRows(shared, strategy, variants);
  const compute = (batch: FactorBatch) => { for (const f of batch.factors.values()) factors.get(f, rows.of(f.key, batch)); };

  // Run here for a short while (past the JIT's warm-up), then estimate what is left from the last
  // variants' pace: a pool pays off only for about a second of work or more.
  const threshold = o.poolThresholdMs ?? POOL_THRESHOLD_MS;
  const budget = Math.min(250, threshold / 4);
  const started = performance.now();
  let paceFrom = started, paceCount = 0;
  let b = 0, j = 0; // batch b, its j-th variant
  let pooled = false;
  for (; b < plan.batches.length; b++, j = 0) {
    const batch = plan.batches[b]!;
    compute(batch);
    for (; j < batch.variants.length; j++) {
      if (o.signal?.aborted) return { outcomes: sorted(outcomes), interrupted: true, threads: 1 };
      outcomes.push(local(batch.variants[j]!));
      o.admitVariant?.(outcomes.at(-1)!);
      o.progress?.(outcomes.length, total);
      paceCount++;
      if (outcomes.length === 1) { paceFrom = performance.now(); paceCount = 0; } // the first one pays for warming up
      const elapsed = performance.now() - started;
      if (o.workers > 1 && elapsed >= budget && outcomes.length < total) {
        const pace = paceCount ? (performance.now() - paceFrom) / paceCount : elapsed;
        if (pace * (total - outcomes.length) > threshold) { pooled = true; j++; break; }
      }
    }
    if (pooled) break;
    factors.retain(batch.keep, { reuse: reuse && b < plan.batches.length - 1 });
  }
  if (!pooled) return { outcomes: sorted(outcomes), interrupted: false, threads: 1 };
  const rest = await runInPool(o, plan.batches, b, j, outcomes.length, compute, keep, rows);
  outcomes.push(...rest.outcomes);
  return { outcomes: sorted(outcomes), interrupted: rest.interrupted, threads: o.workers };
}

function sorted(outcomes: VariantOutcome[]): VariantOutcome[] {
  return outcomes.sort((a, b) => a.id - b.id);
}

/**
 * The variants left, batch by batch from batch `b`'s `j`-th, in chunks over a pool; each chunk
 * carries its variants' factors (shared memory). Finished chunks are kept if aborted. A pool serves
 * one batch: its threads' objects that pointed at the batch's factors are garbage their own heaps
 * may not collect for a long while (a shared buffer is freed once every thread has let go of it),
 * so a new pool starts for the next batch (a few hundred milliseconds; one batch is the usual case).
 */
async function runInPool(
  o: VariantRunOptions, batches: readonly FactorBatch[], b: number, j: number, doneBefore: number,
  compute: (batch: FactorBatch) => void, keep: (o: VariantOutcome) => VariantOutcome, rows: NeededRows,
): Promise<{ outcomes: VariantOutcome[]; interrupted: boolean }> {
  const total = o.variants.length;
  // Several chunks per worker balance the load; small enough to report progress, large enough to be cheap.
  const size = Math.max(1, Math.min(50, Math.ceil((total - doneBefore) / (o.workers * 8))));
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const outcomes: VariantOutcome[] = [];
  let done = doneBefore;
  let failure: Error | undefined;
  try {
    for (; b < batches.length && !abort.signal.aborted; b++, j = 0) {
      const batch = batches[b]!;
      if (j >= batch.variants.length) { o.factors.retain(batch.keep, { reuse: o.signalValues === false && b < batches.length - 1 }); continue; } // ran here to its end
      compute(batch); // already held when the pool starts inside a batch
      holdRankingCode(); // the threads' diagnostics then share this thread's compiled ranking code (spearman.ts)
      const pool = new Piscina({
        filename: new URL('./worker.ts', import.meta.url).href,
        workerData: { ...o.shared, factors: [] },
        minThreads: o.workers,
        maxThreads: o.workers,
        idleTimeout: 1000,
      });
      // A result that arrives for a task aborted meanwhile (a failure elsewhere stopped the run) is
      // reported by Piscina as an 'error' event; unheard, it would end the process. Before any
      // abort, such an error is the run's failure.
      pool.on('error', (err: Error) => {
        if (abort.signal.aborted) return;
        failure ??= new BacktestError('E_WORKER', `the worker pool failed: ${firstLine(err)}`, { cause: err });
        abort.abort();
      });
      const tasks: Promise<void>[] = [];
      for (let start = j; start < batch.variants.length; start += size) {
        const ids = batch.variants.slice(start, start + size);
        const chunk = ids.map((k) => ({ id: k + 1, params: o.variants[k]!, cash: o.cash?.[k] }));
        const needed = new Map<string, readonly [string, Float64Array, Uint8Array?]>();
        for (const { params } of chunk) {
          for (const key of factorsOf(o.strategy, params).keys()) {
            const values = o.factors.get(batch.factors.get(key)!, rows.of(key, batch)), held = o.factors.rowsHeld(key);
            needed.set(key, held ? [key, values, held] : [key, values]);
          }
        }
        tasks.push(
          pool.run({ variants: chunk, factors: [...needed.values()], signalValues: o.signalValues !== false }, { signal: abort.signal }).then(
            (result: VariantOutcome[]) => {
              outcomes.push(...result.map(keep));
              done += result.length;
              o.progress?.(done, total);
              try {
                for (const v of result) o.admitVariant?.(v);
              } catch (err) {
                failure ??= err as Error;
                abort.abort();
              }
            },
            (err: Error) => {
              if (abort.signal.aborted && !failure) return; // stopped on purpose
              failure ??= describeFailure(err, Math.min(...chunk.map((c) => c.id)), Math.max(...chunk.map((c) => c.id)));
              abort.abort();
            },
          ),
        );
      }
      try {
        await Promise.all(tasks);
      } finally {
        await pool.destroy();
      }
      if (failure) break;
      o.factors.retain(batch.keep, { reuse: o.signalValues === false && b < batches.length - 1 }); // the batch's pool is gone
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
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

/** Which rows of each factor a batch's variants read (FactorCache.get's `rows`). */
interface NeededRows {
  of(key: string, batch: FactorBatch): Uint8Array | undefined;
}

/**
 * The rows each factor is needed on: the union of the decision rows (runner/schedule.ts's
 * decisionRows) of the batch's variants that read it, or every row (undefined) when one of them
 * decides on every decision bar. Worked out once per batch and key.
 */
function neededRows(shared: SharedRun, strategy: Strategy, variants: readonly Params[]): NeededRows {
  if (!strategy.every) return { of: () => undefined }; // every row, asked of no variant
  const bars = shared.panel.days.length;
  const byBatch = new Map<FactorBatch, Map<string, Uint8Array | undefined>>();
  return {
    of(key, batch) {
      let rows = byBatch.get(batch);
      if (!rows) {
        rows = new Map();
        for (const k of batch.variants) {
          const mine = strategyRows(strategy, variants[k]!, shared.schedule, bars);
          for (const read of factorsOf(strategy, variants[k]!).keys()) {
            if (!rows.has(read)) {
              rows.set(read, mine && Uint8Array.from(mine));
              continue;
            }
            const union = rows.get(read);
            if (union === undefined) continue; // every row already
            if (mine === undefined) rows.set(read, undefined);
            else for (let t = 0; t < bars; t++) union[t] = union[t]! | mine[t]!;
          }
        }
        byBatch.set(batch, rows);
      }
      return rows.get(key);
    },
  };
}
