import Table from 'cli-table3';
import type { Cell } from './csv.ts';

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

/** How a metric reads to a person: fractions as percentages, ratios with two decimals. */
const PERCENT = new Set(['total_return', 'cagr', 'volatility', 'max_drawdown', 'gross_exposure', 'turnover', 'coverage', 'quintile_spread']);
const INTEGER = new Set(['max_drawdown_days', 'fills', 'round_trips', 'variant']);
const RATIO = new Set(['sharpe', 'sortino', 'calmar', 'ic_mean', 'ic_sd', 'ic_ir', 'ic_t']);

/** How a metric is shown to people (the HTML report formats by the same kinds). */
export type MetricKind = 'integer' | 'money' | 'percent' | 'ratio' | 'text';

export function metricKind(name: string): MetricKind {
  if (INTEGER.has(name)) return 'integer';
  if (name === 'final_equity') return 'money';
  if (PERCENT.has(name)) return 'percent';
  if (RATIO.has(name)) return 'ratio';
  return 'text';
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
    case 'text': return String(value); // a parameter: as given
  }
}

/** A metric-per-line table for one variant. */
export function verticalTable(entries: ReadonlyArray<readonly [string, Cell]>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [name, value] of entries) table.push({ [terminalText(name, false)]: formatMetric(name, value) });
  return table.toString();
}

/** A row-per-variant table. */
export function horizontalTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const table = new Table({ head: header.map((h) => terminalText(h, false)), style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((v, k) => formatMetric(header[k]!, v)));
  return table.toString();
}
