import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from '../api.ts';
import { UsageError } from '../errors.ts';
import type { FillTiming } from '../runner/schedule.ts';
import { loadStrategy, type LoadedStrategy } from '../strategy/registry.ts';
import { effectiveEnv, hasSupabaseCredentials, loadSupabaseSettings, type SupabaseSettings, type SupabaseTables } from '../supabase/config.ts';
import { parseIsoDate, yearOf } from '../util/dates.ts';
import { PERFORMANCE_COLUMNS } from '../metrics/index.ts';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import { closest } from '../util/closest.ts';
import { expandVariants, parseGridAxis, type GridAxis, type ParamValue } from './grid.ts';
import { parseParamAssignments, parseParamValue } from './params.ts';
import { readVariantsFile } from './variants-file.ts';

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
  readonly season: number;
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
  readonly fill: FillTiming;
  readonly cash: number;
  readonly fractional: boolean;
  readonly commissionBps: number;
  readonly slippageBps: number;
  readonly source: SourceConfig;
  /** The Supabase project when credentials are configured (environment or .env), else undefined. */
  readonly supabase: SupabaseSettings | undefined;
  /** Upload the results to Supabase once the CSVs are written. */
  readonly upload: boolean;
  /** Parent folder of the run folders. */
  readonly outDir: string;
  readonly signals: boolean;
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

/** The run options as the CLI received them (strings where the user typed text). */
export interface RunOptions {
  readonly command: string;
  readonly start: string;
  readonly end: string;
  readonly season?: string | number | undefined;
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
  readonly data?: string | undefined;
  readonly out?: string | undefined;
  readonly signals?: boolean | undefined;
  readonly cwd?: string | undefined;
  /** `local` or `supabase`; default: Supabase when credentials are set and --data is not given. */
  readonly source?: string | undefined;
  readonly connections?: string | number | undefined;
  readonly upload?: boolean | undefined;
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
  const season = o.season === undefined || o.season === '' ? yearOf(startDay) : requireInteger('season', o.season);
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
  const metrics: readonly string[] = [...PERFORMANCE_COLUMNS, ...(s.signal ? SIGNAL_COLUMNS : [])];
  const rankBy = o.rankBy ?? 'sharpe';
  if (!metrics.includes(rankBy)) {
    const hint = closest(rankBy, metrics);
    throw new UsageError(`--rank-by ${rankBy}: not a metric of ${s.name}${hint ? ` (did you mean ${hint}?)` : ''}; choose one of ${metrics.join(', ')}`, 'E_BAD_OPTION');
  }
  const { source, supabase, upload } = resolveSupabase(o, cwd);

  return Object.freeze({
    command: o.command,
    start: o.start,
    end: o.end,
    startDay,
    endDay,
    season,
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
    fill,
    cash: requireNumber('--cash', o.cash ?? 1_000_000, { positive: true }),
    fractional: o.fractional ?? false,
    commissionBps: requireNumber('--commission-bps', o.commissionBps ?? 0),
    slippageBps: requireNumber('--slippage-bps', o.slippageBps ?? 0),
    source,
    supabase,
    upload,
    outDir: resolve(cwd, o.out ?? 'results'),
    signals: o.signals ?? false,
  });
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

/** A finite, non-negative number (positive with `positive`), from text or a number. */
export function requireNumber(option: string, value: string | number, { positive = false, whole = false } = {}): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${option} ${value}: not a number`, 'E_BAD_OPTION');
  if (whole && (!Number.isInteger(n) || n < (positive ? 1 : 0))) throw new UsageError(`${option} ${value}: must be a whole number ≥ ${positive ? 1 : 0}`, 'E_BAD_OPTION');
  if (positive ? n <= 0 : n < 0) throw new UsageError(`${option} ${value}: must be ${positive ? 'greater than 0' : '0 or more'}`, 'E_BAD_OPTION');
  return n;
}
