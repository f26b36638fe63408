import Table from 'cli-table3';
import type { Cell } from './csv.ts';

/**
 * Tables for a person at a terminal: metrics formatted by kind (fractions as percentages, ratios with
 * two decimals, money with separators), and tables that fit the terminal's width — the columns that
 * matter most first, the others left to `--wide`, `--json` or the CSVs. Text from data (symbols, peer
 * groups, parameters) has its control characters removed before it reaches the terminal.
 */

/** How a metric is shown to people (the HTML report formats by the same kinds). */
export type MetricKind = 'integer' | 'money' | 'percent' | 'ratio' | 'number' | 'bps' | 'text';

const KINDS: Readonly<Record<Exclude<MetricKind, 'text'>, readonly string[]>> = {
  integer: ['max_drawdown_days', 'fills', 'round_trips', 'variant', 'rank'],
  money: ['final_equity', 'cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow', 'cash_interest', 'unfilled_notional'],
  percent: [
    'total_return', 'cagr', 'volatility', 'max_drawdown', 'gross_exposure', 'turnover', 'coverage', 'quintile_spread',
    'alpha', 'tracking_error', 'var_95', 'cvar_95', 'best_day', 'worst_day', 'positive_days', 'avg_net_exposure', 'max_gross_exposure',
    'win_rate', 'avg_win', 'avg_loss', 'expectancy',
  ],
  ratio: [
    'sharpe', 'sortino', 'calmar', 'ic_mean', 'ic_sd', 'ic_ir', 'ic_t', 'beta', 'information_ratio', 'correlation', 'up_capture', 'down_capture',
    'skewness', 'kurtosis', 'profit_factor', 'payoff_ratio', 'sharpe_ci_low', 'sharpe_ci_high', 'psr', 'dsr',
  ],
  number: ['avg_positions', 'avg_holding_days', 'min_track_record_days'],
  bps: ['cost_total_bps', 'break_even_bps'],
};
const KIND_OF = new Map<string, MetricKind>(Object.entries(KINDS).flatMap(([kind, names]) => names.map((n) => [n, kind as MetricKind])));

export function metricKind(name: string): MetricKind {
  return KIND_OF.get(name) ?? 'text';
}

export function formatMetric(name: string, value: Cell): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return plainText(String(value));
  if (!Number.isFinite(value)) return '—';
  switch (metricKind(name)) {
    case 'integer': return value.toLocaleString('en-US');
    case 'money': return value.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
    case 'percent': return `${(value * 100).toFixed(2)} %`;
    case 'ratio': return value.toFixed(Math.abs(value) < 0.1 ? 4 : 2);
    case 'number': return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
    case 'bps': return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} bp`;
    case 'text': return String(value); // a parameter: as given
  }
}

/**
 * Text safe to print: C0 and C1 control characters (ANSI and OSC escape sequences among them, which
 * could rewrite the screen or the terminal's title) removed, a tab as a space.
 */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** No rule between rows: a table half as tall. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A metric-per-line table for one variant. */
export function verticalTable(entries: ReadonlyArray<readonly [string, Cell]>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [name, value] of entries) table.push({ [name]: formatMetric(name, value) });
  return table.toString();
}

/** A row-per-variant table. */
export function horizontalTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const table = new Table({ head: header.map(plainText), chars: COMPACT, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((v, k) => formatMetric(header[k]!, v)));
  return table.toString();
}

/** Metrics side by side, one row per metric: `metric | strategy | benchmark`. */
export function sideBySide(names: readonly string[], heads: readonly string[], columns: ReadonlyArray<Readonly<Record<string, Cell>>>, label: (name: string) => string = (n) => n): string {
  const table = new Table({ head: ['', ...heads.map(plainText)], chars: COMPACT, style: { head: [], border: [] } });
  for (const name of names) table.push([label(name), ...columns.map((c) => formatMetric(name, c[name]))]);
  return table.toString();
}

/** The terminal's width in columns (120 when it is not a terminal: a pipe or a file). */
export function terminalWidth(stream: { columns?: number | undefined } = process.stdout): number {
  return stream.columns && stream.columns > 20 ? stream.columns : 120;
}

/**
 * The columns (in `wanted` order: the most important first) that fit in `width` characters as a
 * horizontal table of these rows; at least the first two.
 */
export function fitColumns(wanted: readonly string[], rows: ReadonlyArray<Readonly<Record<string, Cell>>>, width: number): string[] {
  const kept: string[] = [];
  let used = 1; // the table's left border
  for (const name of wanted) {
    const cells = rows.map((r) => formatMetric(name, r[name]).length);
    const w = Math.max(name.length, ...cells) + 3; // padding and the border after it
    if (kept.length >= 2 && used + w > width) continue;
    kept.push(name);
    used += w;
  }
  return kept;
}
