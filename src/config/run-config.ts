import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from '../strategy/types.ts';
import { UsageError } from '../errors.ts';
import type { FillTiming } from '../runner/schedule.ts';
import { loadStrategy, type LoadedStrategy } from '../strategy/registry.ts';
import { effectiveEnv, hasSupabaseCredentials, loadSupabaseSettings, type SupabaseSettings, type SupabaseTables } from '../supabase/config.ts';
import { parseIsoDate, yearOf } from '../util/dates.ts';
import { DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../broker/margin.ts';
import type { UniverseMode } from '../panel/universe.ts';
import { METRIC_GROUPS, summaryMetrics } from '../metrics/columns.ts';
import { requireBps, requireFraction, requireNumber, requireRate } from './numbers.ts';
import { checkFolderTarget } from '../util/folders.ts';

export { requireBps, requireNumber };
import { DEFAULT_BOOTSTRAP_REPS, DEFAULT_PBO_BLOCKS, DEFAULT_SEED, validateBootstrapReps, validatePboBlocks, validateSeed } from '../statistics/options.ts';
import { parseBenchmark, type BenchmarkChoice } from './benchmark.ts';
import { closest } from '../util/closest.ts';
import { parseCostOptions, type CostConfig, type CostOptionsInput } from './cost-options.ts';
import { parseMemorySize } from '../util/memory-limit.ts';
import { expandVariants, parseGridAxis, type GridAxis, type ParamValue } from './grid.ts';
import { parseParamAssignments, parseParamValue } from './params.ts';
import { readVariantsFile } from './variants-file.ts';
import { parseHoldout, parseWalkForward, type WalkForwardSpec } from '../walkforward/spec.ts';
import { WINDOW_METRICS } from '../walkforward/window-metrics.ts';

/** The embedded sample market, shipped in the repository. */
export const SAMPLE_DATA_DIR = fileURLToPath(new URL('../../data/sample/', import.meta.url)).replace(/\/$/, '');

/** Where a run reads its data. Never holds the Supabase key (that lives in `RunConfig.supabase`, non-enumerable). */
export type SourceConfig =
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'supabase'; readonly url: string; readonly tables: SupabaseTables; readonly connections: number; readonly cache: boolean };

/** Everything a run needs, validated once at the edge and frozen. */
export interface RunConfig {
  /** The command line as typed (for the manifest). */
  readonly command: string;
  readonly start: string;
  readonly end: string;
  readonly startDay: number;
  readonly endDay: number;
  /** The pinned season; for a rolling universe, start's year (the seasons read are start's … end's years). */
  readonly season: number;
  /**
   * `pinned`: one season's members for the whole range (the default when a season is given);
   * `rolling`: each day's members are those of its own season, its calendar year (the default without one).
   */
  readonly universe: UniverseMode;
  readonly strategy: LoadedStrategy;
  /** Resolved parameters of each variant (one without a grid); variant ids are 1 + the index. */
  readonly variants: readonly Params[];
  /** How the variants were made, for the manifest. */
  readonly plan: VariantPlanInfo;
  /** The metric summary.csv is sorted by (best first). */
  readonly rankBy: string;
  /** Worker threads for the variants (1: in the main thread). */
  readonly workers: number;
  /** Per-variant tables to write beside summary.csv. */
  readonly save: ReadonlySet<SavedTable>;
  /**
   * Write the per-variant tables of the best this-many variants only (by --rank-by): the default for a
   * sweep of more than SAVE_ALL_UP_TO variants without --save; null: every variant's.
   */
  readonly saveTop: number | null;
  readonly fill: FillTiming;
  readonly cash: number;
  readonly fractional: boolean;
  readonly commissionBps: number;
  readonly slippageBps: number;
  /** Gross exposure at most this × equity; targets above are scaled down at the fill (default 2). */
  readonly maxLeverage: number;
  /** A book whose equity falls below this × gross at a close is cut back at the next fill (default 0.25). */
  readonly maintenanceMargin: number;
  /** What the variants are compared with (`--benchmark`; default buy-and-hold of the universe). */
  readonly benchmark: BenchmarkChoice;
  /** The annual risk-free rate (`--risk-free`, a fraction), for Sharpe, Sortino and alpha. */
  readonly riskFree: number;
  /** The overfitting statistics' settings (seed, bootstrap replications, PBO blocks); null: `--no-statistics`. */
  readonly statistics: { readonly seed: number; readonly bootstrapReps: number; readonly pboBlocks: number; readonly pboBlocksGiven: boolean } | null;
  /** Spread, per-share and minimum commission, liquidity, impact, borrow, cash interest, `--capacity` (config/cost-options.ts). */
  readonly costs: CostConfig;
  readonly source: SourceConfig;
  /** The Supabase project when credentials are configured (environment or .env), else undefined. */
  readonly supabase: SupabaseSettings | undefined;
  /** Upload the results to Supabase once the CSVs are written. */
  readonly upload: boolean;
  /** Parent folder of the run folders. */
  readonly outDir: string;
  readonly signals: boolean;
  /** `--max-memory`: bytes the process may hold at most (app/memory.ts refuses a run estimated above it); null: the machine's and cgroup's limits only. */
  readonly maxMemory: number | null;
  /** `--walk-forward` or `--holdout`: choose a variant per fold on its training days, trade it on the next (null: off). */
  readonly walkForward: WalkForwardSpec | null;
}

export type SavedTable = 'equity' | 'trades' | 'diagnostics';
export const SAVED_TABLES: readonly SavedTable[] = ['equity', 'trades', 'diagnostics'];

export interface VariantPlanInfo {
  readonly grid: readonly GridAxis[];
  readonly fixed: Readonly<Record<string, ParamValue>>;
  readonly variantsFile: string | undefined;
  readonly skipped: number;
  readonly skippedExamples: readonly string[];
  readonly duplicates: number;
}

/** Grids above this size need --yes. */
export const LARGE_GRID = 10_000;
/** Sweeps up to this many variants write every variant's tables by default; larger ones only the top SAVE_TOP's. */
export const SAVE_ALL_UP_TO = 100;
export const SAVE_TOP = 20;

/** The run options as the CLI received them (strings where the user typed text). */
export interface RunOptions {
  readonly command: string;
  readonly start: string;
  readonly end: string;
  readonly season?: string | number | undefined;
  /** `rolling` or `pinned` (default: pinned with a season, rolling without). */
  readonly universe?: string | undefined;
  readonly strategy: string;
  readonly param?: readonly string[] | undefined;
  readonly grid?: readonly string[] | undefined;
  readonly variants?: string | undefined;
  readonly yes?: boolean | undefined;
  readonly rankBy?: string | undefined;
  readonly workers?: string | number | undefined;
  readonly save?: string | undefined;
  readonly fill?: string | undefined;
  readonly cash?: string | number | undefined;
  readonly fractional?: boolean | undefined;
  readonly commissionBps?: string | number | undefined;
  readonly slippageBps?: string | number | undefined;
  readonly maxLeverage?: string | number | undefined;
  readonly maintenanceMargin?: string | number | undefined;
  readonly benchmark?: string | undefined;
  readonly riskFree?: string | number | undefined;
  /** false: `--no-statistics`. */
  readonly statistics?: boolean | undefined;
  readonly pboBlocks?: string | number | undefined;
  readonly bootstrapReps?: string | number | undefined;
  readonly seed?: string | number | undefined;
  readonly costs?: CostOptionsInput | undefined;
  readonly data?: string | undefined;
  readonly out?: string | undefined;
  readonly signals?: boolean | undefined;
  /** `--max-memory SIZE` (4G, 512M; powers of 1024). */
  readonly maxMemory?: string | undefined;
  readonly cwd?: string | undefined;
  /** `local` or `supabase`; default: Supabase when credentials are set and --data is not given. */
  readonly source?: string | undefined;
  readonly connections?: string | number | undefined;
  readonly upload?: boolean | undefined;
  /** `--walk-forward train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS]`. */
  readonly walkForward?: string | undefined;
  /** `--holdout DAYS|DATE`. */
  readonly holdout?: string | undefined;
  /** Use the local cache of Supabase windows (default on; `--no-cache` turns it off). */
  readonly cache?: boolean | undefined;
  /** The environment (default process.env); `.env` in cwd fills what it lacks. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

export async function buildRunConfig(o: RunOptions): Promise<RunConfig> {
  const cwd = o.cwd ?? process.cwd();
  const startDay = requireDate('start', o.start);
  const endDay = requireDate('end', o.end);
  if (endDay < startDay) throw new UsageError(`end ${o.end} is before start ${o.start}`, 'E_BAD_RANGE');
  const seasonGiven = !(o.season === undefined || o.season === '');
  const season = seasonGiven ? requireInteger('season', o.season!) : yearOf(startDay);
  const universe = o.universe ?? (seasonGiven ? 'pinned' : 'rolling');
  if (universe !== 'pinned' && universe !== 'rolling') throw new UsageError(`--universe must be one of rolling, pinned; got "${universe}"`, 'E_BAD_OPTION');
  if (universe === 'rolling' && seasonGiven) {
    throw new UsageError(`--universe rolling takes each day's season from its calendar year: leave out the season (${o.season}), or pin it with --universe pinned`, 'E_BAD_OPTION');
  }
  const fill = o.fill ?? 'open';
  if (fill !== 'open' && fill !== 'close') throw new UsageError(`--fill ${fill}: must be open (next open) or close (decision close)`, 'E_BAD_OPTION');

  const strategy = await loadStrategy(o.strategy, cwd);
  const s = strategy.strategy;
  const fixed = new Map<string, ParamValue>();
  for (const [key, text] of parseParamAssignments(o.param ?? [])) fixed.set(key, parseParamValue(s, key, text));
  const axes = (o.grid ?? []).map((text) => parseGridAxis(s, text));
  const variantsFile = o.variants ? resolve(cwd, o.variants) : undefined;
  const plan = expandVariants(s, axes, fixed, variantsFile ? readVariantsFile(s, variantsFile) : undefined);
  if (plan.variants.length === 0) {
    const single = axes.length === 0 && !variantsFile;
    const why = single ? plan.skippedExamples[0] : `all ${plan.skipped} combinations break a constraint (e.g. ${plan.skippedExamples[0]})`;
    throw new UsageError(`strategy ${s.name}: ${why}`, 'E_PARAM_CONSTRAINT');
  }
  if (plan.variants.length > LARGE_GRID && !o.yes) {
    throw new UsageError(`the grid has ${plan.variants.length.toLocaleString('en-US')} variants (over ${LARGE_GRID.toLocaleString('en-US')}); add --yes to run them all`, 'E_LARGE_GRID');
  }
  const metrics: readonly string[] = summaryMetrics(Boolean(s.signal));
  const rankBy = o.rankBy ?? 'sharpe';
  if (!metrics.includes(rankBy)) {
    const hint = closest(rankBy, metrics);
    throw new UsageError(`--rank-by ${rankBy}: not a metric of ${s.name}${hint ? ` (did you mean ${hint}?)` : ''}; choose one of ${metrics.join(', ')}`, 'E_BAD_OPTION');
  }
  const statistics = o.statistics === false ? null : {
    seed: o.seed === undefined ? DEFAULT_SEED : validateSeed(o.seed),
    bootstrapReps: o.bootstrapReps === undefined ? DEFAULT_BOOTSTRAP_REPS : validateBootstrapReps(o.bootstrapReps),
    pboBlocks: o.pboBlocks === undefined ? DEFAULT_PBO_BLOCKS : validatePboBlocks(o.pboBlocks),
    pboBlocksGiven: o.pboBlocks !== undefined,
  };
  if (!statistics && (METRIC_GROUPS.confidence as readonly string[]).includes(rankBy)) {
    throw new UsageError(`--rank-by ${rankBy}: the overfitting statistics are turned off (--no-statistics); rank by another metric, or leave them on`, 'E_BAD_OPTION');
  }
  const riskFree = requireRate('--risk-free', o.riskFree ?? 0, { negative: true });
  const walkForward = walkForwardSpec(o, plan.variants.length, rankBy);
  const { source, supabase, upload } = resolveSupabase(o, cwd);

  return Object.freeze({
    command: o.command,
    start: o.start,
    end: o.end,
    startDay,
    endDay,
    season,
    universe,
    strategy,
    variants: Object.freeze(plan.variants),
    plan: Object.freeze({
      grid: axes,
      fixed: Object.fromEntries(fixed),
      variantsFile,
      skipped: plan.skipped,
      skippedExamples: plan.skippedExamples,
      duplicates: plan.duplicates,
    }),
    rankBy,
    workers: o.workers === undefined ? availableParallelism() : requireWorkers(o.workers),
    save: parseSave(o.save),
    saveTop: o.save === undefined && plan.variants.length > SAVE_ALL_UP_TO ? SAVE_TOP : null,
    fill,
    cash: requireNumber('--cash', o.cash ?? 1_000_000, { positive: true }),
    fractional: o.fractional ?? false,
    commissionBps: requireBps('--commission-bps', o.commissionBps ?? 0),
    slippageBps: requireBps('--slippage-bps', o.slippageBps ?? 0),
    maxLeverage: requireNumber('--max-leverage', o.maxLeverage ?? DEFAULT_MAX_LEVERAGE, { positive: true }),
    maintenanceMargin: requireFraction('--maintenance-margin', o.maintenanceMargin ?? DEFAULT_MAINTENANCE_MARGIN),
    benchmark: parseBenchmark(o.benchmark, (path) => existsSync(resolve(cwd, path)) && statSync(resolve(cwd, path)).isFile()),
    riskFree,
    statistics,
    costs: parseCostOptions(o.costs),
    source,
    supabase,
    upload,
    outDir: checkedOut(resolve(cwd, o.out ?? 'results')),
    signals: o.signals ?? false,
    maxMemory: o.maxMemory === undefined ? null : parseMemorySize('--max-memory', o.maxMemory),
    walkForward,
  });
}

/**
 * `--walk-forward` or `--holdout` (one of them), checked on its own: a sweep to choose from, and a
 * ranking metric a window of daily returns determines (the checks against the range come once the
 * data are read: walkforward/folds.ts).
 */
function walkForwardSpec(o: RunOptions, variants: number, rankBy: string): WalkForwardSpec | null {
  const given = o.walkForward !== undefined ? '--walk-forward' : o.holdout !== undefined ? '--holdout' : undefined;
  if (!given) return null;
  if (o.walkForward !== undefined && o.holdout !== undefined) {
    throw new UsageError('--walk-forward and --holdout: choose one (--holdout DAYS is the walk-forward of one fold)', 'E_BAD_WALK_FORWARD');
  }
  const spec = o.walkForward !== undefined ? parseWalkForward(o.walkForward) : parseHoldout(o.holdout!);
  if (!(o.grid?.length || o.variants) || variants < 2) {
    throw new UsageError(`${given} chooses among variants: give a --grid or a --variants file with 2 or more variants (this run has ${variants})`, 'E_BAD_WALK_FORWARD');
  }
  if (!WINDOW_METRICS.includes(rankBy)) {
    throw new UsageError(`--rank-by ${rankBy} with ${given}: each fold ranks the variants on its training days' returns, which do not determine ${rankBy}; rank by one of ${WINDOW_METRICS.join(', ')}`, 'E_BAD_WALK_FORWARD');
  }
  return spec;
}

/** `--out`: a writable folder, or one that can be made (checked before any work; made when the run is written). */
function checkedOut(dir: string): string {
  checkFolderTarget('--out', dir);
  return dir;
}

function requireWorkers(value: string | number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers ${value}: must be a whole number ≥ 1`, 'E_BAD_OPTION');
  return n;
}

/** `--save equity,trades,diagnostics` (default: all), or `none`. */
function parseSave(text: string | undefined): ReadonlySet<SavedTable> {
  if (text === undefined || text === 'all') return new Set(SAVED_TABLES);
  if (text === 'none' || text === '') return new Set();
  const tables = text.split(',').map((t) => t.trim());
  for (const t of tables) {
    if (!(SAVED_TABLES as readonly string[]).includes(t)) throw new UsageError(`--save ${text}: ${t} is not one of ${SAVED_TABLES.join(', ')} (or all, none)`, 'E_BAD_OPTION');
  }
  return new Set(tables as SavedTable[]);
}

/** The data source, the Supabase settings and whether to upload, from the options and the environment. */
function resolveSupabase(o: RunOptions, cwd: string): { source: SourceConfig; supabase: SupabaseSettings | undefined; upload: boolean } {
  const env = effectiveEnv(cwd, o.env ?? process.env);
  const configured = hasSupabaseCredentials(env);
  const kind = o.source ?? (o.data === undefined && configured ? 'supabase' : 'local');
  if (kind !== 'local' && kind !== 'supabase') throw new UsageError(`--source ${kind}: must be local or supabase`, 'E_BAD_OPTION');
  if (kind === 'supabase' && o.data !== undefined) throw new UsageError('--data reads a local folder: leave it out with --source supabase', 'E_BAD_OPTION');
  if (o.upload === true && !configured) {
    throw new UsageError('--upload needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (environment or .env)', 'E_SUPABASE_CONFIG');
  }
  const connections = o.connections === undefined ? undefined : requireNumber('--connections', o.connections, { positive: true });
  const supabase = configured || kind === 'supabase' ? loadSupabaseSettings(env, { connections }) : undefined;
  const source: SourceConfig = kind === 'supabase'
    ? Object.freeze({ kind, url: supabase!.url, tables: supabase!.tables, connections: supabase!.connections, cache: o.cache ?? true })
    : Object.freeze({ kind, dir: o.data ? resolve(cwd, o.data) : SAMPLE_DATA_DIR });
  return { source, supabase, upload: o.upload ?? configured };
}

function requireDate(name: string, text: string): number {
  const day = parseIsoDate(String(text));
  if (day === null) throw new UsageError(`${name} date "${text}" is not a real date in YYYY-MM-DD form`, 'E_BAD_DATE');
  return day;
}

function requireInteger(name: string, value: string | number): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} "${value}" is not a year (a whole number such as 2025)`, 'E_BAD_OPTION');
  return n;
}

