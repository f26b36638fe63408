import type { RunConfig } from '../config/run-config.ts';
import { UsageError } from '../errors.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import { FACTOR_CAP, planFactorBatches, type FactorPlan } from '../variants/factor-plan.ts';
import { formatBytes, memoryHeadroom, type MemoryHeadroom } from '../util/memory-limit.ts';

/**
 * The memory guard: what a run will hold, estimated before it starts, against what the process may
 * take (util/memory-limit.ts: free memory, cgroup limits, `--max-memory`). A run that would not fit
 * is refused with one line (exit 2) before anything is written.
 *
 * With B bars (warm-up included) × n symbols, D days evaluated, V variants, F = 8·B·n bytes a factor:
 * 1. panel = 42·B·n (five Float64 fields, the membership and eligibility masks);
 * 2. load = 96·B·n: the read's working memory (DuckDB's table and result, or Supabase's rows), counted
 *    as held (an allocator rarely gives it back);
 * 3. factors = F × the most factors held at once: the batch plan's peak (variants/factor-plan.ts)
 *    under a factor budget of min(1 GiB, half the headroom the rest leaves) — or every distinct
 *    factor with --signals, whose values every outcome keeps for signals.csv;
 * 4. outcomes = V × a variant's size: first assumed, 56·D (the equity curve's seven series) + 6 KiB
 *    (metrics, parameters, the rest), since trades and diagnostics depend on what the strategy does;
 *    then measured on the variants as they finish — typed arrays' buffers, 120 bytes + 16 a group per
 *    diagnostics day, 6 KiB of objects — the largest so far standing for every variant;
 * 5. statistics = 24·D·V (the returns matrix and two working copies) + 8·min(V, D)² (a Gram matrix)
 *    + 4·reps·D (bootstrap indices); nothing with --no-statistics.
 * Total = 1.25 × (panel + load + outcomes + max(factors, statistics)) + 32 MiB — the factors and the
 * statistics are not held together (factors are released before the statistics run), but with --signals
 * they are, and they add; the 25 % and 32 MiB are garbage V8 has not collected yet and code (measured:
 * the peaks of runs from 1 to 300 variants were 0.75–0.85 of the estimate). CSVs are streamed.
 */
export interface RunShape {
  readonly bars: number;
  readonly symbols: number;
  /** Days of the evaluation window. */
  readonly days: number;
}

export interface MemoryEstimate {
  readonly total: number;
  readonly parts: { readonly panel: number; readonly load: number; readonly factors: number; readonly outcomes: number; readonly statistics: number };
  /** Bytes of factors a batch may hold (runVariants' `factorBudget`). */
  readonly factorBudget: number;
  readonly plan: FactorPlan;
  /** Bytes counted per variant. */
  readonly perVariant: number;
}

/** Bytes per panel cell of the read's working memory (measured: DuckDB ~60–90 over the sample's windows). */
const LOAD_CELL = 96;
/** A variant's metrics, parameters, warnings and schedule: JavaScript objects (measured ~3–5 KB). */
const OUTCOME = 6 * 1024;
/** A diagnostics day: its object and boxed numbers, without its per-group ICs (16 bytes each). */
const DIAGNOSTICS_DAY = 120;
/** Garbage not yet collected, and code: the estimate's margin. */
const SLACK = 1.5, BASE = 48 * 2 ** 20;
/** A worker thread of the pool: its own V8 isolate, code and heap (the panel and factors are shared). */
const WORKER = 40 * 2 ** 20;

/** The estimate with a given factor plan (or a fresh one planned within the headroom). */
export function estimateRunMemory(config: RunConfig, shape: RunShape, headroom: number, perVariant?: number, plan?: FactorPlan): MemoryEstimate {
  const { bars, symbols, days } = shape;
  const V = config.variants.length;
  const cells = bars * symbols;
  const factorBytes = 8 * cells;
  const panel = cells * 42;
  const load = cells * LOAD_CELL;
  const each = perVariant ?? 56 * days + OUTCOME;
  const outcomes = V * each;
  const reps = config.statistics?.bootstrapReps ?? 0;
  const statistics = config.statistics ? 24 * days * V + 8 * Math.min(V, days) ** 2 + 4 * reps * days : 0;
  const threads = V > 1 && config.workers > 1 ? config.workers * WORKER : 0;
  const rest = SLACK * (panel + load + outcomes + (config.signals ? statistics : 0)) + BASE + threads;
  const factorBudget = Math.max(0, Math.min(FACTOR_CAP, (headroom - rest) / SLACK / 2));
  plan ??= planFactorBatches(config.strategy.strategy, config.variants, factorBytes, factorBudget);
  const factors = (config.signals ? plan.distinct : plan.peak) * factorBytes;
  const peak = config.signals ? factors + statistics : Math.max(factors, statistics);
  return {
    total: SLACK * (panel + load + outcomes + peak) + BASE + threads,
    parts: { panel, load, factors, outcomes, statistics },
    factorBudget: Math.max(factorBudget, plan.peak * factorBytes),
    plan,
    perVariant: each,
  };
}

/**
 * What one finished variant holds: the buffers of its typed arrays (a trade log's has room to grow),
 * its diagnostics days, and its objects.
 */
export function outcomeBytes(o: VariantOutcome): number {
  const c = o.result.curve, t = o.result.trades;
  const buffers = new Set<ArrayBufferLike>();
  for (const a of [c.equity, c.cash, c.gross, c.net, c.long, c.short, c.positions, t.bar, t.column, t.quantity, t.price, t.fee, t.reason, o.result.decisions]) buffers.add(a.buffer);
  let bytes = OUTCOME;
  for (const b of buffers) bytes += b.byteLength;
  for (const d of o.signal?.days ?? []) bytes += DIAGNOSTICS_DAY + 16 * d.groupIc.length;
  return bytes;
}

/** Weekdays from `startDay` to `endDay` inclusive (days since 1970-01-01, a Thursday): the range's likely trading days. */
export function weekdays(startDay: number, endDay: number): number {
  const before = (day: number) => { // weekdays in [0, day)
    const weeks = Math.floor(day / 7), rest = day - 7 * weeks; // day 0 is a Thursday: Thu, Fri, Sat, Sun, Mon…
    return 5 * weeks + [0, 1, 2, 2, 2, 3, 4][rest]!;
  };
  return Math.max(0, before(endDay + 1) - before(startDay));
}

/**
 * The guard of one run: `admit` checks a shape (before the prices are read, with the range's
 * weekdays; again once the panel is known), `variant` again whenever a finished variant is a quarter
 * larger than any before it. Each throws a UsageError (E_MEMORY) naming the estimate, its parts and
 * the limit; the headroom is measured once, at the first check, before the run has read anything.
 */
export class MemoryGuard {
  private readonly config: RunConfig;
  private readonly measure: () => MemoryHeadroom;
  private room: MemoryHeadroom | undefined;
  private shape: RunShape | undefined;
  private last: MemoryEstimate | undefined;
  private largest = 0;

  constructor(config: RunConfig, headroom: () => MemoryHeadroom = () => memoryHeadroom(config.maxMemory)) {
    this.config = config;
    this.measure = headroom;
  }

  /** The shape a window will likely have: its symbols (known once the universe is read), the range's weekdays plus the warm-up. */
  expected(symbols: number, warmupBars: number): RunShape {
    const days = weekdays(this.config.startDay, this.config.endDay);
    return { bars: days + warmupBars, symbols, days };
  }

  admit(shape: RunShape): MemoryEstimate {
    this.shape = shape;
    const room = (this.room ??= this.measure());
    return this.check(estimateRunMemory(this.config, shape, room.bytes));
  }

  /** A finished variant: the estimate again when it is the largest yet by a quarter (sizes vary: more names, more fills). */
  variant(o: VariantOutcome): void {
    if (!this.last || !this.shape || this.config.variants.length < 2) return;
    const bytes = outcomeBytes(o);
    if (this.largest > 0 && bytes <= this.largest * 1.25) return;
    this.largest = Math.max(this.largest, bytes);
    this.check(estimateRunMemory(this.config, this.shape, this.room!.bytes, this.largest, this.last.plan), true);
  }

  /** The factor budget of the last check (no bound before any). */
  get factorBudget(): number {
    return this.last?.factorBudget ?? Infinity;
  }

  get estimate(): MemoryEstimate | undefined {
    return this.last;
  }

  private check(e: MemoryEstimate, measured = false): MemoryEstimate {
    this.last = e;
    const room = this.room!;
    if (e.total <= room.bytes) return e;
    const p = e.parts;
    const V = this.config.variants.length.toLocaleString('en-US');
    const parts = [
      `panel ${formatBytes(p.panel + p.load)} with its read`,
      `factors ${formatBytes(p.factors)} (${this.config.signals ? `all ${e.plan.distinct} kept for --signals` : `${e.plan.peak} of ${e.plan.distinct} at once`})`,
      `${V} variant${V === '1' ? '' : 's'} ${formatBytes(p.outcomes)}${measured ? ` (${formatBytes(e.perVariant)} each, measured)` : ''}`,
      ...(p.statistics ? [`statistics ${formatBytes(p.statistics)}`] : []),
    ].join(', ');
    throw new UsageError(
      `this run needs about ${formatBytes(e.total)} of memory (${parts}) but ${formatBytes(room.bytes)} is available (${room.what}); ` +
        'run fewer variants or a shorter range, leave out --signals, or raise --max-memory',
      'E_MEMORY',
    );
  }
}
