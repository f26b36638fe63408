import { DataError } from '../errors.ts';
import { isoDate, parseIsoDate } from '../util/dates.ts';
import { barOnOrAfter, shape, type Panel } from './panel.ts';

/**
 * The borrow table (`borrow(symbol, date, fee_bps)`: the annual fee, in bps of the market value, of
 * borrowing a symbol to short it) as the panel holds it: bars × n, each symbol's fee on each bar.
 * 1. Every row is checked, whatever the source: a date that is not YYYY-MM-DD, a fee that is not a
 *    number ≥ 0, or a (symbol, date) given twice is bad input (exit 2), named with `where`.
 * 2. A row holds from its date (the first trading day on or after it) until the symbol's next row:
 *    fees are published when they change. Only the rows of the window are read (warm-up included),
 *    so a symbol's fee is unknown (NaN: `--borrow-bps` applies) before its first row in the window.
 * Rows of symbols outside the panel, or dated outside the window, are ignored.
 */
export interface BorrowRecord {
  readonly symbol: string;
  /** As the source gave it: checked here. */
  readonly date: unknown;
  readonly fee: unknown;
}

export function borrowRates(panel: Panel, rows: Iterable<BorrowRecord>, where: string): Float64Array {
  const { bars, n } = shape(panel);
  const column = new Map(panel.symbols.map((s, i) => [s, i]));
  const first = panel.days[0] ?? 0, last = panel.days[bars - 1] ?? -1;
  const kept: Array<{ i: number; day: number; fee: number }> = [];
  for (const r of rows) {
    const i = column.get(r.symbol);
    if (i === undefined) continue;
    const day = typeof r.date === 'string' ? parseIsoDate(r.date) : null;
    if (day === null) throw new DataError(`${where}: ${r.symbol}: date "${String(r.date)}" is not a date (YYYY-MM-DD)`, 'E_BAD_BORROW');
    const fee = typeof r.fee === 'string' ? (r.fee.trim() === '' ? NaN : Number(r.fee)) : r.fee;
    if (!(typeof fee === 'number' && Number.isFinite(fee) && fee >= 0)) {
      throw new DataError(`${where}: ${r.symbol} on ${isoDate(day)}: fee_bps ${String(r.fee)} (a borrow fee must be a number ≥ 0, bps a year)`, 'E_BAD_BORROW');
    }
    if (day < first || day > last) continue;
    kept.push({ i, day, fee });
  }
  kept.sort((a, b) => a.i - b.i || a.day - b.day);
  for (let k = 1; k < kept.length; k++) {
    if (kept[k]!.i === kept[k - 1]!.i && kept[k]!.day === kept[k - 1]!.day) {
      throw new DataError(`${where}: ${panel.symbols[kept[k]!.i]} on ${isoDate(kept[k]!.day)} appears more than once; each (symbol, date) must appear once`, 'E_BAD_BORROW');
    }
  }
  const shared = panel.close.buffer instanceof SharedArrayBuffer;
  const rates = (shared ? new Float64Array(new SharedArrayBuffer(bars * n * 8)) : new Float64Array(bars * n)).fill(NaN);
  for (const { i, day, fee } of kept) rates[barOnOrAfter(panel, day) * n + i] = fee; // a later row on the same bar wins
  for (let t = 1; t < bars; t++) {
    const row = t * n, before = row - n;
    for (let i = 0; i < n; i++) if (rates[row + i] !== rates[row + i]) rates[row + i] = rates[before + i]!;
  }
  return rates;
}
