import { UsageError } from '../errors.ts';
import { ALL_METRICS, LOWER_IS_BETTER, rankOrder } from '../metrics/index.ts';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import { closest } from '../util/closest.ts';

/**
 * The variants of a run's summary.csv, ranked by a metric. summary.csv's columns are `variant`,
 * `strategy`, the strategy's parameters, then the metrics; the parameters are what lies between.
 */

export { LOWER_IS_BETTER };

const METRICS: ReadonlySet<string> = new Set<string>(ALL_METRICS);

export type SummaryRow = Readonly<Record<string, unknown>>;

/** A run's summary: its columns split into parameters and metrics, rows ranked best first. */
export interface RankedSummary {
  readonly columns: readonly string[];
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  /** Parameters with more than one value across the variants, in column order. */
  readonly varying: readonly string[];
  readonly rankBy: string;
  /** Best first; ties and missing values keep variant order, missing values last. */
  readonly rows: readonly SummaryRow[];
}

/** Columns before the parameters: what the variant is, and whether it stayed solvent (runs before `status` existed lack it). */
const LEADING: ReadonlySet<string> = new Set(['variant', 'strategy', 'status']);

/** Splits summary.csv's columns into parameters and metrics. */
export function summaryLayout(columns: readonly string[]): { params: string[]; metrics: string[] } {
  const first = columns.findIndex((c) => METRICS.has(c));
  const end = first < 0 ? columns.length : first;
  return { params: columns.slice(0, end).filter((c) => !LEADING.has(c)), metrics: columns.slice(end) };
}

/** Ranks summary rows by `rankBy`, checking that it is a metric of this run (bad input: exit 2). */
export function rankSummary(columns: readonly string[], rows: readonly SummaryRow[], rankBy: string): RankedSummary {
  const { params, metrics } = summaryLayout(columns);
  if (!metrics.includes(rankBy)) {
    const hint = closest(rankBy, metrics);
    const signal = SIGNAL_COLUMNS.includes(rankBy as never) ? ' (this run\'s strategy has no signal)' : '';
    throw new UsageError(`--rank-by ${rankBy}: not a metric of this run${signal}; ${hint ? `did you mean ${hint}? Choose` : 'choose'} one of ${metrics.join(', ')}`, 'E_BAD_RANK_BY');
  }
  // The same order summary.csv was written in (metrics/index.ts): best first, missing last, ties by variant.
  const ranked = rankOrder(rows.map((row) => ({ id: Number(row.variant), row })), rankBy, (item) => item.row[rankBy], (item) => item.row.status === 'ruined').map((item) => item.row);
  const varying = params.filter((p) => new Set(rows.map((r) => String(r[p]))).size > 1);
  return { columns, params, metrics, varying, rankBy, rows: ranked };
}

/** Checks that `name` is a parameter of this run (for `--x`/`--y`). */
export function checkParam(option: string, name: string, params: readonly string[]): void {
  if (params.includes(name)) return;
  const hint = closest(name, params);
  const list = params.length ? `parameters: ${params.join(', ')}` : 'the strategy has no parameters';
  throw new UsageError(`${option} ${name}: not a parameter of this run${hint ? ` (did you mean ${hint}?)` : ''}; ${list}`, 'E_BAD_OPTION');
}

/** Short text naming a variant by the parameters that vary, e.g. `#12 lookback=20 top=5`. */
export function variantLabel(row: SummaryRow, varying: readonly string[]): string {
  return [`#${row.variant}`, ...varying.map((p) => `${p}=${row[p]}`)].join(' ');
}

export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
