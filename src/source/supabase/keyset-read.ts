import { DataError } from '../../errors.ts';
import type { SupabaseRest } from '../../supabase/client.ts';
import { isoDate, parseIsoDate } from '../../util/dates.ts';
import type { ProgressReporter } from '../../util/progress.ts';
import { PAGE_ROWS, readPartition, type PageState, type PriceRecord } from './paginate.ts';
import { partitionSymbols } from './partitions.ts';
import { priceValue, type Series } from './series.ts';

/**
 * Windows read as keyset pages of JSON rows (paginate.ts), the way every PostgREST server
 * allows: the symbols cut into about one partition per connection, read concurrently. Rows
 * are gathered per symbol into columns as they arrive (no object per row is kept).
 */
export class KeysetReader {
  private readonly rest: SupabaseRest;
  readonly state: PageState;

  constructor(rest: SupabaseRest, pageSize = PAGE_ROWS) {
    this.rest = rest;
    this.state = { limit: pageSize, cap: undefined, requests: 0 };
  }

  /** Reads [from, to] of `symbols`; each symbol's rows are handed to `onSymbol` once its partition is read. */
  async read(symbols: readonly string[], from: number, to: number, onSymbol: (symbol: string, series: Series) => void, bar?: ProgressReporter): Promise<void> {
    if (symbols.length === 0 || to < from) return;
    const partitions = partitionSymbols(symbols, this.rest.connections);
    const totals = new Map<number, number>();
    let done = 0;
    const where = `${this.rest.tables.prices} at ${this.rest.host}`;
    await Promise.all(partitions.map(async (part, p) => {
      const columns = new Map<string, Columns>();
      await readPartition(this.rest, part, isoDate(from), isoDate(to), this.state, (page: readonly PriceRecord[], total) => {
        if (total !== null) totals.set(p, total);
        for (const r of page) {
          let c = columns.get(r.symbol);
          if (!c) columns.set(r.symbol, (c = { days: [], open: [], high: [], low: [], close: [], volume: [] }));
          const day = parseIsoDate(String(r.date));
          if (day === null) throw new DataError(`prices: "${r.date}" is not a date (symbol ${r.symbol})`, 'E_SUPABASE_DATE');
          c.days.push(day);
          c.open.push(priceValue(r.open, where, r.symbol, day, 'open'));
          c.high.push(priceValue(r.high, where, r.symbol, day, 'high'));
          c.low.push(priceValue(r.low, where, r.symbol, day, 'low'));
          c.close.push(priceValue(r.close, where, r.symbol, day, 'close'));
          c.volume.push(priceValue(r.volume, where, r.symbol, day, 'volume'));
        }
        done += page.length;
        bar?.(done, totals.size === partitions.length ? [...totals.values()].reduce((a, b) => a + b, 0) : null);
      });
      for (const [symbol, c] of columns) {
        onSymbol(symbol, {
          days: Int32Array.from(c.days), open: Float64Array.from(c.open), high: Float64Array.from(c.high),
          low: Float64Array.from(c.low), close: Float64Array.from(c.close), volume: Float64Array.from(c.volume),
        });
      }
    }));
  }

  /** The latest day with a price before `day` among `symbols`, or undefined when none (one request per partition). */
  async latestBefore(symbols: readonly string[], day: number): Promise<number | undefined> {
    const table = this.rest.tables.prices;
    const found = await Promise.all(partitionSymbols(symbols, this.rest.connections).map(async (part) => {
      const q = this.rest.client.from(table).select('date').in('symbol', part).lt('date', isoDate(day)).order('date', { ascending: false }).limit(1);
      const { data } = await this.rest.run<{ date: string }[]>(`read ${table}`, q);
      return data?.[0] ? parseIsoDate(String(data[0].date)) ?? undefined : undefined;
    }));
    const days = found.filter((d): d is number => d !== undefined);
    return days.length ? Math.max(...days) : undefined;
  }
}

interface Columns {
  days: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}
