import { csvLine, type Cell } from '../src/writers/csv.ts';
import { time, type Measure } from './lib.ts';

/**
 * The CSV encoder on its hot path: 100,000 trades.csv rows (date, variant, symbol, side, quantity,
 * price, notional, cost, reason) encoded to text, the encoder of today against the one before
 * cells were protected from spreadsheets (issue 18, defect 9: a check of each text cell's first
 * character; a symbol beginning with `=` in every 50th row so the protected path runs too).
 * Medians of 16 runs each, measured alternately in one process (which goes first alternates too).
 */
export interface CsvWriterBench {
  readonly rows: number;
  readonly current: Measure;
  readonly before: Measure;
}

/** The encoder before issue 18 (a copy, for comparison only). */
function fieldBefore(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
function lineBefore(row: readonly Cell[]): string {
  let line = '';
  for (let k = 0; k < row.length; k++) line += (k ? ',' : '') + fieldBefore(row[k]);
  return `${line}\n`;
}

export async function csvWriterBench(n = 100_000): Promise<CsvWriterBench> {
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const q = 10 + (i % 37);
    const p = 20.5 + (i % 101) * 0.37;
    rows.push([`2025-${String(1 + (i % 12)).padStart(2, '0')}-15`, 1 + (i % 90), i % 50 ? `SYM${i % 300}` : `=SYM${i % 300}`, i % 2 ? 'sell' : 'buy', q, p, q * p, q * p * 0.0005, 'rebalance']);
  }
  let sink = 0;
  const encode = (line: (row: readonly Cell[]) => string) => () => {
    let chunk = '';
    for (const row of rows) {
      chunk += line(row);
      if (chunk.length > 1 << 20) {
        sink += chunk.length;
        chunk = '';
      }
    }
    sink += chunk.length;
  };
  const current: number[] = [];
  const before: number[] = [];
  // Alternating which goes first (ABBA…): whichever runs second in a pair pays the first one's garbage.
  for (let k = 0; k < 16; k++) {
    const pair = k % 2 ? [[before, lineBefore], [current, csvLine]] as const : [[current, csvLine], [before, lineBefore]] as const;
    for (const [samples, line] of pair) samples.push((await time(encode(line), 1, k === 0 ? 2 : 0)).median);
  }
  if (sink < 0) throw new Error('unreachable');
  const { summarize } = await import('./lib.ts');
  return { rows: n, current: summarize(current), before: summarize(before) };
}
