import Table from 'cli-table3';
import type { Cell } from './csv.ts';

/** How a metric reads to a person: fractions as percentages, ratios with two decimals. */
const PERCENT = new Set(['total_return', 'cagr', 'volatility', 'max_drawdown', 'gross_exposure', 'turnover', 'coverage', 'quintile_spread']);
const INTEGER = new Set(['max_drawdown_days', 'fills', 'round_trips', 'variant']);
const RATIO = new Set(['sharpe', 'sortino', 'calmar', 'ic_mean', 'ic_sd', 'ic_ir', 'ic_t', 'cost_total_bps', 'break_even_bps']);
const MONEY = new Set(['final_equity', 'cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow', 'cash_interest', 'unfilled_notional']);

/** How a metric is shown to people (the HTML report formats by the same kinds). */
export type MetricKind = 'integer' | 'money' | 'percent' | 'ratio' | 'text';

export function metricKind(name: string): MetricKind {
  if (INTEGER.has(name)) return 'integer';
  if (MONEY.has(name)) return 'money';
  if (PERCENT.has(name)) return 'percent';
  if (RATIO.has(name)) return 'ratio';
  return 'text';
}

export function formatMetric(name: string, value: Cell): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return '—';
  switch (metricKind(name)) {
    case 'integer': return value.toLocaleString('en-US');
    case 'money': return value.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
    case 'percent': return `${(value * 100).toFixed(2)} %`;
    case 'ratio': return value.toFixed(Math.abs(value) < 0.1 ? 4 : 2);
    case 'text': return String(value); // a parameter: as given
  }
}

/** A metric-per-line table for one variant. */
export function verticalTable(entries: ReadonlyArray<readonly [string, Cell]>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [name, value] of entries) table.push({ [name]: formatMetric(name, value) });
  return table.toString();
}

/** A row-per-variant table. */
export function horizontalTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const table = new Table({ head: [...header], style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((v, k) => formatMetric(header[k]!, v)));
  return table.toString();
}
