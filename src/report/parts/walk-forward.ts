import { numberOrNull, query, queryObjects } from '../../inspect/index.ts';
import { metricKind } from '../../writers/terminal.ts';
import { thinColumns } from '../series.ts';
import type { PartContext } from './context.ts';

/**
 * The walk-forward section (issue 16), read here and nowhere else in the report, from the files its
 * runs write (PLAN.md's run-folder contract):
 * - folds.csv: fold, train_start, train_end, test_start, test_end, variant (the one chosen on the
 *   training window), that variant's parameters, is_<rank metric>, oos_total_return, oos_sharpe,
 *   oos_max_drawdown, oos_rank, … — columns named neither so nor is_/oos_ are the parameters;
 * - oos_equity.csv: the stitched out-of-sample record, equity.csv's columns with variant `oos`, the
 *   fold and benchmark_equity;
 * - summary.csv's row `variant = oos` (the view oos_summary) and the manifest's walk_forward object.
 * 1. the stitched equity against the benchmark, with the first day of each test window marked;
 * 2. the chosen parameters fold by fold (those that change, else all, up to 4);
 * 3. the in-sample rank metric of each fold's choice beside its out-of-sample value (oos_<metric>
 *    when folds.csv has it, else oos_sharpe), and the folds as a table.
 */
const FOLD_FIELDS = new Set(['fold', 'train_start', 'train_end', 'test_start', 'test_end', 'variant']);
export const PARAMS_SHOWN = 4;

export interface WalkForwardPart {
  readonly metric: string;
  readonly folds: { readonly columns: readonly string[]; readonly kinds: readonly string[]; readonly rows: ReadonlyArray<readonly unknown[]> };
  readonly foldLabels: readonly string[];
  readonly params: ReadonlyArray<{ readonly name: string; readonly numeric: boolean; readonly values: readonly unknown[] }>;
  readonly compare: { readonly isName: string; readonly oosName: string | null; readonly is: ReadonlyArray<number | null>; readonly oos: ReadonlyArray<number | null> | null };
  readonly equity: { readonly dates: readonly string[]; readonly bucket: number; readonly oos: ReadonlyArray<number | null>; readonly benchmark: ReadonlyArray<number | null> | null; readonly boundaries: ReadonlyArray<{ readonly fold: unknown; readonly date: string }> } | null;
  /** summary.csv's `oos` row, or null when it has none. */
  readonly summary: Readonly<Record<string, unknown>> | null;
  /** The manifest's walk_forward figures (scalars only), as [name, value]. */
  readonly figures: ReadonlyArray<readonly [string, unknown]>;
}

export async function walkForwardPart(ctx: PartContext): Promise<WalkForwardPart | null> {
  const { tables } = ctx;
  if (!tables.present.includes('folds')) return null; // not a walk-forward run: nothing to say
  const columns = tables.columns.folds ?? [];
  const r = await query(tables, `SELECT * FROM folds ORDER BY ${columns.includes('fold') ? 'fold' : '1'}`);
  const rows = r.rows;
  const at = (name: string) => r.columns.indexOf(name);
  const params = r.columns.filter((c) => !FOLD_FIELDS.has(c) && !c.startsWith('is_') && !c.startsWith('oos_'));
  const isName = r.columns.includes(`is_${ctx.rankBy}`) ? `is_${ctx.rankBy}` : (r.columns.find((c) => c.startsWith('is_')) ?? `is_${ctx.rankBy}`);
  const metric = isName.slice(3);
  const oosName = r.columns.includes(`oos_${metric}`) ? `oos_${metric}` : r.columns.includes('oos_sharpe') ? 'oos_sharpe' : null;
  if (oosName && oosName !== `oos_${metric}`) ctx.notes.push(`walk-forward: folds.csv has no oos_${metric}; the folds' in-sample ${metric} is shown beside their out-of-sample sharpe`);
  const changing = params.filter((p) => new Set(rows.map((row) => String(row[at(p)]))).size > 1);
  const shown = (changing.length ? changing : params).slice(0, PARAMS_SHOWN);
  const foldLabels = rows.map((row, k) => `fold ${row[at('fold')] ?? k + 1}${at('test_start') >= 0 ? ` (${row[at('test_start')]})` : ''}`);
  const numbers = (name: string | null) => (name && at(name) >= 0 ? rows.map((row) => numberOrNull(row[at(name)])) : null);

  let equity: WalkForwardPart['equity'] = null;
  if (tables.present.includes('oos_equity')) {
    const have = new Set(tables.columns.oos_equity ?? []);
    const e = await query(tables, `SELECT date, equity, ${have.has('benchmark_equity') ? 'benchmark_equity' : 'NULL'} FROM oos_equity ORDER BY date`);
    const dates = e.rows.map((row) => String(row[0]));
    const thin = thinColumns(dates, { oos: e.rows.map((row) => numberOrNull(row[1])), benchmark: e.rows.map((row) => numberOrNull(row[2])) }, 'last');
    const starts = at('test_start') >= 0 ? rows.map((row) => ({ fold: row[at('fold')] ?? null, start: String(row[at('test_start')]) })) : [];
    const boundaries = starts.flatMap(({ fold, start }) => {
      const date = thin.dates.find((d) => d >= start);
      return date === undefined ? [] : [{ fold, date }];
    });
    const bench = thin.values.benchmark!;
    equity = { dates: thin.dates, bucket: thin.bucket, oos: thin.values.oos!, benchmark: bench.some((v) => v !== null) ? bench : null, boundaries };
  } else ctx.notes.push('walk-forward: no oos_equity.csv: no stitched equity chart');

  const oosRow = tables.present.includes('oos_summary') ? (await queryObjects(tables, 'SELECT * FROM oos_summary LIMIT 1'))[0] ?? null : null;
  const wf = (tables.run.manifest as unknown as Record<string, unknown>).walk_forward;
  const figures = wf && typeof wf === 'object' && !Array.isArray(wf)
    ? Object.entries(wf as Record<string, unknown>).filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    : [];
  return {
    metric,
    folds: { columns: r.columns, kinds: r.columns.map((c) => foldKind(c, params)), rows },
    foldLabels,
    params: shown.map((name) => ({ name, numeric: rows.every((row) => typeof row[at(name)] === 'number' || row[at(name)] === null), values: rows.map((row) => row[at(name)] ?? null) })),
    compare: { isName, oosName, is: numbers(isName) ?? rows.map(() => null), oos: numbers(oosName) },
    equity,
    summary: oosRow,
    figures,
  };
}

/** How a folds.csv column is shown: the metric's kind for is_/oos_ columns, integers for fold, variant and rank. */
function foldKind(column: string, params: readonly string[]): string {
  if (column === 'fold' || column === 'variant' || column === 'oos_rank') return 'integer';
  if (params.includes(column) || FOLD_FIELDS.has(column)) return 'text';
  const kind = metricKind(column.replace(/^(is|oos)_/, ''));
  return kind === 'text' ? 'ratio' : kind;
}
