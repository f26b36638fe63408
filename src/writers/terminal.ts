import Table from 'cli-table3';
import type { Cell } from './csv.ts';

/**
 * Tables for a person at a terminal: metrics formatted by kind (fractions as percentages, ratios with
 * two decimals, money with separators), and tables that fit the terminal's width — the columns that
 * matter most first, the others left to `--wide`, `--json` or the CSVs. Text from data (symbols, peer
 * groups, parameters) has its control characters shown harmless (escaped: terminalText) before it reaches the terminal.
 */

/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC begins ANSI and OSC
 * sequences that recolour, move the cursor or retitle the window), DEL, C1 controls (U+0080–U+009F:
 * CSI and OSC in 8-bit form), and the bidirectional overrides that reorder what is shown.
 */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print to a terminal: every control character (see CONTROL) is shown as its
 * `\uXXXX` escape instead of acting, so data (a peer group, a symbol, a server's message) can
 * neither colour, move, clear nor retitle the terminal. Newlines stay unless `keepNewlines` is
 * false (a table cell, where a line break is not meant). Valid JSON stays valid JSON meaning the
 * same (JSON.stringify already escapes C0; a C1 character becomes the equivalent escape).
 * @example terminalText('Tech\u001b]0;pwned\u0007') // 'Tech\\u001b]0;pwned\\u0007'
 */
export function terminalText(text: string, keepNewlines = true): string {
  return text.replace(keepNewlines ? CONTROL : CONTROL_OR_NEWLINE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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
  if (typeof value !== 'number') return terminalText(String(value), false);
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

/** No rule between rows: a table half as tall. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A metric-per-line table for one variant. */
export function verticalTable(entries: ReadonlyArray<readonly [string, Cell]>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [name, value] of entries) table.push({ [terminalText(name, false)]: formatMetric(name, value) });
  return table.toString();
}

/** A row-per-variant table. */
export function horizontalTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const table = new Table({ head: header.map((h) => terminalText(h, false)), chars: COMPACT, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((v, k) => formatMetric(header[k]!, v)));
  return table.toString();
}

/** A single run's headline metrics, shown beside the benchmark's (the terminal, inspect). */
export const HEADLINE = [
  'total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'max_drawdown_days', 'calmar',
  'alpha', 'beta', 'information_ratio', 'tracking_error', 'turnover', 'break_even_bps', 'ic_mean', 'ic_ir', 'psr',
];

/** Metrics side by side, one row per metric: `metric | strategy | benchmark`. */
export function sideBySide(names: readonly string[], heads: readonly string[], columns: ReadonlyArray<Readonly<Record<string, Cell>>>, label: (name: string) => string = (n) => n): string {
  const table = new Table({ head: ['', ...heads.map((h) => terminalText(h, false))], chars: COMPACT, style: { head: [], border: [] } });
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
