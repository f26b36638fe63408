import { DataError } from '../../errors.ts';
import type { SupabaseRest } from '../../supabase/client.ts';
import { SupabaseHttpError } from '../../supabase/errors.ts';
import { TABLE_COLUMNS } from '../../supabase/schema.ts';
import { treeValue } from './partitions.ts';

/**
 * Reads every price row of some symbols between two dates, in pages, without losing or
 * repeating a row at a page boundary:
 * 1. keyset pagination on (symbol, date), the primary key: each page asks for rows after the
 *    last one received (`or=(symbol.gt.S,and(symbol.eq.S,date.gt.D))`), ordered the same way,
 *    with `symbol=gte.S` beside it: implied by the `or`, but a bound the index scan can start
 *    from (without it Postgres scans the partition from its first symbol and filters: every
 *    page costs more than the last, the whole read grows with the square of its rows);
 * 2. the first page asks `Prefer: count=exact`, so the partition's total is known and the end
 *    is "received = total", never a guess from a short page;
 * 3. a page shorter than asked while rows remain reveals the server's row cap (Supabase
 *    answers 200 with at most `max-rows` rows, silently): later pages, in every partition,
 *    ask for that many. Without a count (a server that ignores it) a page ends the read only
 *    when it is empty or shorter than the known cap;
 * 4. a statement timeout (500, 57014) halves the page and asks again;
 * 5. the rows must come as keyset pagination needs them (see `RowOrder`), and the total must match.
 */
export interface PriceRecord {
  symbol: string;
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
}

/** What pages of all partitions share: the page size asked, the row cap once seen. */
export interface PageState {
  limit: number;
  cap: number | undefined;
  requests: number;
}

export const PRICE_COLUMNS = TABLE_COLUMNS.prices.join(',');
/**
 * Rows asked per request, for prices and for a season's members: above any usual row cap
 * (Supabase's is 1,000), which then decides the page, and small enough for one answer.
 */
export const PAGE_ROWS = 10_000;
const MIN_PAGE = 50;

/** A table keyed by (symbol, date) to read, and its columns: prices by default (the borrow table too). */
export interface KeyedTable {
  readonly table: string;
  readonly columns: string;
}

export async function readPartition<R extends { symbol: string; date: string } = PriceRecord>(
  rest: SupabaseRest,
  symbols: readonly string[],
  from: string,
  to: string,
  state: PageState,
  onRows: (rows: readonly R[], total: number | null) => void,
  source: KeyedTable = { table: rest.tables.prices, columns: PRICE_COLUMNS },
): Promise<number> {
  const { table } = source;
  let after: R | undefined;
  const order = new RowOrder();
  let total: number | null = null;
  let received = 0;
  let first = true;
  for (;;) {
    const limit = state.limit;
    let query = rest.client.from(table).select(source.columns, first ? { count: 'exact' } : undefined)
      .in('symbol', symbols as string[]).gte('date', from).lte('date', to);
    if (after) query = query.gte('symbol', after.symbol).or(`symbol.gt.${treeValue(after.symbol)},and(symbol.eq.${treeValue(after.symbol)},date.gt.${after.date})`);
    query = query.order('symbol', { ascending: true }).order('date', { ascending: true }).limit(limit);
    let rows: R[];
    try {
      state.requests++;
      const res = await rest.run<R[]>(`read ${table}`, query);
      rows = res.data ?? [];
      if (first) total = res.count;
    } catch (err) {
      if (err instanceof SupabaseHttpError && err.pgCode === '57014' && limit > MIN_PAGE) {
        state.limit = Math.min(state.limit, Math.max(MIN_PAGE, Math.floor(limit / 2)));
        continue;
      }
      throw err;
    }
    first = false;
    const k = rows.length;
    for (const row of rows) {
      if (!order.accept(row.symbol, row.date)) {
        throw new DataError(`${table}: rows out of (symbol, date) order at ${row.symbol} ${row.date}; is (symbol, date) the primary key?`, 'E_SUPABASE_ORDER');
      }
      after = row;
    }
    received += k;
    if (k) onRows(rows, total);
    if (total !== null) {
      if (received >= total || k === 0) break;
      if (k < limit) learnCap(state, k);
    } else {
      if (k === 0) break;
      if (k < limit) {
        if (state.cap !== undefined && k < state.cap) break;
        // Short page, no count: the end, or the cap. The next page tells.
        state.cap ??= k;
        state.limit = Math.min(state.limit, k);
      }
    }
  }
  if (total !== null && received !== total) {
    throw new DataError(`${table}: expected ${total} rows for ${symbols.length} symbol(s) ${from} … ${to}, received ${received}; did the data change during the read?`, 'E_SUPABASE_ROWS');
  }
  return received;
}

function learnCap(state: PageState, rows: number): void {
  state.cap = state.cap === undefined ? rows : Math.min(state.cap, rows);
  state.limit = Math.min(state.limit, state.cap);
}

/**
 * What keyset pagination on (symbol, date) needs of the rows, and no more: within a symbol,
 * dates strictly increase; a symbol never comes back once another began. How symbols compare
 * is the database's business (its collation; JavaScript's UTF-16 order can differ from it).
 */
export class RowOrder {
  private symbol: string | undefined;
  private date = '';
  private readonly done = new Set<string>();

  /** False when the row breaks the order. */
  accept(symbol: string, date: string): boolean {
    if (symbol === this.symbol) {
      if (!(date > this.date)) return false;
    } else {
      if (this.done.has(symbol)) return false;
      if (this.symbol !== undefined) this.done.add(this.symbol);
      this.symbol = symbol;
    }
    this.date = date;
    return true;
  }
}
