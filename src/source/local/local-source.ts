import { DataError } from '../../errors.ts';
import { rowProblem } from '../../panel/check.ts';
import { borrowRates } from '../../panel/borrow.ts';
import { allocatePanel, indexCloses, type Panel } from '../../panel/panel.ts';
import { applyUniverse, checkedShares, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../panel/universe.ts';
import { isoDate, parseIsoDate, yearOf } from '../../util/dates.ts';
import type { ProgressFactory } from '../../util/progress.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import { openDuck, queryRows, sqlString, type Duck } from './duckdb.ts';
import { dataLayout, findFile, type DataLayout } from './layout.ts';
import { readWindow } from './window-reader.ts';

/**
 * Prices and universes in a local folder, read with DuckDB.
 *
 * 1. The universe's rows (one season, or the seasons from start's year to end's for a rolling
 *    universe, with their optional start/end dates); every symbol they list, sorted, is a column. A
 *    season that lists a symbol twice is bad input (Supabase's primary key and the import refuse it too).
 * 2. The calendar (one query): every day on which some member has a close, up to `end`; the window
 *    starts `warmupBars` of those days before `start` (found from the data, not guessed from the
 *    calendar), or at `start`. When every symbol of a Parquet file is a member (its distinct symbols,
 *    read first, cost a fraction of a scan), the days are counted without a join with the members.
 * 3. One streamed query reads every (column, date, OHLCV) of the window into the panel's typed arrays,
 *    a chunk's columns at a time (window-reader.ts), each row checked as it is read (row-check.ts:
 *    BAD_ROW's verdict — a non-positive or non-finite open or close, a high below the low, a negative
 *    volume); a cell written twice is a repeated (symbol, date). Either is bad input, named by a
 *    further query over the window in SQL (bad values first). The panel's arrays are not filled with
 *    NaN first: the reader writes every cell.
 * 4. The membership mask and season spans (panel/universe.ts), with each season's shares outstanding
 *    when the universe file has a `shares_outstanding` column.
 * 5. With `borrow`, the borrow file's rows of the members over the window (panel/borrow.ts).
 * With a `progress` factory (a bar on a terminal), step 2's scan reports DuckDB's own progress (percent)
 * and step 3 the rows read of the window's total (counted by step 2).
 */
export interface LocalSourceOptions {
  /** Told of progress while the window is scanned and read (a progress bar on a terminal). */
  readonly progress?: ProgressFactory | undefined;
  /** Told the window's columns once the universe is read, before any price is: may refuse the run by throwing (the memory guard). */
  readonly admit?: ((window: { readonly symbols: number }) => void) | undefined;
}

export class LocalSource implements DataSource {
  readonly kind = 'local' as const;
  private readonly layout: DataLayout;
  private readonly options: LocalSourceOptions;
  private duck: Duck | undefined;

  constructor(dir: string, options: LocalSourceOptions = {}) {
    this.layout = dataLayout(dir);
    this.options = options;
  }

  private async db(): Promise<Duck> {
    this.duck ??= await openDuck();
    return this.duck;
  }

  async seasons(): Promise<number[]> {
    const rows = await queryRows(await this.db(), `SELECT DISTINCT season FROM ${this.layout.universe} ORDER BY season`);
    return rows.map((r) => Number(r.season));
  }

  async loadWindow(request: WindowRequest): Promise<LoadedWindow> {
    const duck = await this.db();
    const { prices } = this.layout;
    const run = (sql: string) => duck.connection.run(sql);
    const mode = request.universe ?? 'pinned';
    const first = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.startDay);
    const last = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.endDay);
    const universe = await this.universeRows(duck, first, last);
    if (universe.length === 0) {
      const seasons = await this.seasons();
      const asked = first === last ? `season ${first} has` : `seasons ${first}–${last} have`;
      throw new DataError(`${asked} no universe rows in ${this.layout.universeFile}; seasons that exist: ${seasons.join(', ') || 'none'}`, 'E_NO_SEASON');
    }
    const members = withExtra(universeColumns(universe), request.extraSymbols);
    this.options.admit?.({ symbols: members.length });
    // The columns in the panel's order (JavaScript's), not re-sorted by the database's collation.
    await run(`CREATE OR REPLACE TEMP TABLE members AS SELECT unnest(list) AS symbol, (generate_subscripts(list, 1) - 1)::INTEGER AS col
      FROM (SELECT [${members.map((m) => sqlString(m.symbol)).join(', ')}]::VARCHAR[] AS list)`);
    const { days, from, rows: expected } = await this.withQueryProgress(duck, `scanning ${this.layout.pricesFile}`, () => this.calendar(duck, request));
    await run(`CREATE OR REPLACE TEMP VIEW win AS
      SELECT m.col, p.symbol, p.date, p.open, p.high, p.low, p.close, p.volume
      FROM ${prices} p JOIN members m USING (symbol)
      WHERE p.date BETWEEN DATE '${isoDate(from)}' AND DATE '${isoDate(request.endDay)}' AND p.close IS NOT NULL`);
    const allocated = allocatePanel(
      {
        days,
        symbols: members.map((m) => m.symbol),
        names: members.map((m) => m.name ?? ''),
        peerGroups: members.map((m) => m.peer_group),
        otherGroups: universeGroups(universe),
        season: first,
      },
      request.shared,
      { filled: true }, // the reader writes every cell (NaN where no row is): no fill pass first
    );
    const panel = applyUniverse(allocated, universe, mode, first);
    const result = await duck.connection.stream('SELECT col, date, open, high, low, close, volume FROM win');
    const progress = this.options.progress?.('reading prices', 'rows');
    let streamed: Awaited<ReturnType<typeof readWindow>>;
    try {
      streamed = await readWindow(result, panel, progress && ((done) => progress(done, expected)), true);
    } finally {
      progress?.stop();
    }
    const { rows, duplicates, bad } = streamed;
    if (bad) await this.badRows(duck);
    if (duplicates) await this.duplicates(duck);
    indexCloses(panel);
    if (mode === 'rolling') {
      const missing = missingSeasons(panel, request.startDay, request.endDay, universe);
      if (missing.length) throw missingSeasonsError(missing, this.layout.universeFile, await this.seasons());
    }
    const borrowFile = request.borrow ? this.borrowFile() : undefined;
    const read = borrowFile ? { ...panel, borrow: await this.borrowRates(duck, panel, borrowFile) } : panel;
    return {
      panel: read,
      info: { kind: 'local', location: this.layout.dir, rows, files: [this.layout.pricesFile, this.layout.universeFile, ...(borrowFile ? [borrowFile] : [])] },
    };
  }

  /** The folder's borrow file, or bad input naming what is expected. */
  private borrowFile(): string {
    const file = findFile(this.layout.dir, 'borrow');
    if (!file) throw new DataError(`--borrow-table: ${this.layout.dir} holds no borrow table: expected borrow.parquet, borrow.csv or borrow.csv.gz with columns symbol, date, fee_bps`, 'E_NO_BORROW');
    return file;
  }

  /** The members' borrow rows dated in the window (and any with a date that does not read, to refuse), as the panel's fees. */
  private async borrowRates(duck: Duck, panel: Panel, file: string): Promise<Float64Array> {
    const raw = file.endsWith('.parquet') ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)}, header = true, all_varchar = true)`;
    const columns = new Set((await queryRows(duck, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${raw})`)).map((r) => String(r.column_name)));
    const missing = ['symbol', 'date', 'fee_bps'].filter((c) => !columns.has(c));
    if (missing.length) throw new DataError(`${file}: no column ${missing.join(', ')}; a borrow table has columns symbol, date, fee_bps`, 'E_BAD_BORROW');
    const from = panel.dates[0], to = panel.dates[panel.dates.length - 1];
    const rows = await queryRows(duck, `SELECT symbol::VARCHAR AS symbol, date::VARCHAR AS date, fee_bps::VARCHAR AS fee FROM ${raw}
      WHERE symbol::VARCHAR IN (SELECT symbol FROM members)
        AND (try_cast(date AS DATE) IS NULL OR try_cast(date AS DATE) BETWEEN DATE '${from}' AND DATE '${to}')`);
    return borrowRates(panel, rows.map((r) => ({ symbol: String(r.symbol), date: r.date, fee: r.fee ?? '' })), file);
  }

  /**
   * Runs a statement while reporting DuckDB's own progress on it (percent, polled every 100 ms), when
   * there is a progress factory; otherwise just runs it.
   */
  private async withQueryProgress<T>(duck: Duck, label: string, statement: () => Promise<T>): Promise<T> {
    const bar = this.options.progress?.(label, '%');
    if (!bar) return statement();
    await duck.connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    const timer = setInterval(() => {
      const { percentage } = duck.connection.progress;
      if (percentage > 0) bar(Math.min(100, Math.round(percentage)), 100);
    }, 100);
    try {
      const result = await statement();
      bar(100, 100);
      return result;
    } finally {
      clearInterval(timer);
      bar.stop();
    }
  }

  /** The universe's rows for seasons first … last, with their optional start_date / end_date and shares_outstanding. */
  private async universeRows(duck: Duck, first: number, last: number): Promise<UniverseRow[]> {
    const { universe, universeFile } = this.layout;
    const raw = universeFile.endsWith('.parquet') ? `read_parquet(${sqlString(universeFile)})` : `read_csv(${sqlString(universeFile)}, header = true)`;
    const columns = new Set((await queryRows(duck, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${raw})`)).map((r) => String(r.column_name)));
    const dates = columns.has('start_date') || columns.has('end_date');
    const shares = columns.has('shares_outstanding');
    const dated = (c: string) => (columns.has(c) ? `strftime(try_cast(${c} AS DATE), '%Y-%m-%d')` : 'NULL');
    const rows = dates || shares
      ? await queryRows(duck, `SELECT season::INTEGER AS season, symbol::VARCHAR AS symbol, peer_group::VARCHAR AS peer_group, name::VARCHAR AS name,
          ${dated('start_date')} AS start_date, ${dated('end_date')} AS end_date, ${columns.has('start_date') ? 'start_date::VARCHAR' : 'NULL'} AS start_text, ${columns.has('end_date') ? 'end_date::VARCHAR' : 'NULL'} AS end_text,
          ${shares ? 'shares_outstanding::VARCHAR' : 'NULL'} AS shares_text
          FROM ${raw} WHERE season BETWEEN ${first} AND ${last} ORDER BY season, symbol`)
      : await queryRows(duck, `SELECT season, symbol, peer_group, name FROM ${universe} WHERE season BETWEEN ${first} AND ${last} ORDER BY season, symbol`);
    // One row per (season, symbol), as Supabase's primary key and `backtest import` keep it: of two, which
    // one a sort puts last is arbitrary, so neither can be chosen. The rows come sorted: a repeat is adjacent.
    for (let k = 1; k < rows.length; k++) {
      const a = rows[k - 1]!, b = rows[k]!;
      if (Number(a.season) === Number(b.season) && String(a.symbol) === String(b.symbol)) {
        throw new DataError(`${universeFile}: season ${b.season} lists ${String(b.symbol)} twice; each (season, symbol) must appear once`, 'E_BAD_UNIVERSE');
      }
    }
    return rows.map((r) => {
      const day = (key: 'start' | 'end'): number | null => {
        const text = r[`${key}_text`];
        if (text === null || text === undefined || text === '') return null;
        const d = r[`${key}_date`] === null ? null : parseIsoDate(String(r[`${key}_date`]));
        if (d === null) throw new DataError(`${universeFile}: season ${r.season}, ${r.symbol}: ${key}_date "${String(text)}" is not a date (YYYY-MM-DD)`, 'E_BAD_UNIVERSE');
        return d;
      };
      const startDay = dates ? day('start') : null, endDay = dates ? day('end') : null;
      if (startDay !== null && endDay !== null && endDay < startDay) {
        throw new DataError(`${universeFile}: season ${r.season}, ${r.symbol}: end_date ${isoDate(endDay)} is before start_date ${isoDate(startDay)}`, 'E_BAD_UNIVERSE');
      }
      const sharesOutstanding = shares ? checkedShares(r.shares_text, `${universeFile}: season ${r.season}, ${r.symbol}`) : null;
      return { season: Number(r.season), symbol: String(r.symbol), peer_group: String(r.peer_group ?? 'default'), name: r.name === null ? '' : String(r.name), start_day: startDay, end_day: endDay, shares_outstanding: sharesOutstanding };
    });
  }

  /**
   * The trading days a window reads: every day on which a member has a close, up to `end`; the
   * window starts `warmupBars` of them before `start` (as many as there are), or at `start`.
   */
  private async calendar(duck: Duck, request: WindowRequest): Promise<{ days: number[]; from: number; rows: number }> {
    const { prices, pricesFile } = this.layout;
    // When every symbol in a Parquet file is a member (its distinct symbols come from its dictionaries,
    // a fraction of a scan), every row is a member's: the days need no join with the members.
    const [outside] = pricesFile.endsWith('.parquet')
      ? await queryRows(duck, `SELECT count(*)::INTEGER AS n FROM (SELECT DISTINCT symbol FROM ${prices}) WHERE symbol IS NULL OR symbol NOT IN (SELECT symbol FROM members)`)
      : [{ n: 1 }];
    const members = outside!.n === 0 ? '' : 'symbol IN (SELECT symbol FROM members) AND ';
    // Grouped by the date itself (not a day number computed per row): the cheaper grouping.
    const found = await queryRows(duck, `SELECT (date - DATE '1970-01-01')::INTEGER AS day, n FROM (SELECT date, count(*)::INTEGER AS n FROM ${prices}
      WHERE ${members}date <= DATE '${isoDate(request.endDay)}' AND close IS NOT NULL GROUP BY date) ORDER BY day`);
    const all = found.map((r) => r.day as number);
    let before = 0;
    while (before < all.length && all[before]! < request.startDay) before++;
    const firstBar = Math.max(0, before - Math.max(0, Math.trunc(request.warmupBars)));
    // The window's rows (the progress bar's total): each kept day's rows with a close.
    let rows = 0;
    for (let k = firstBar; k < found.length; k++) rows += found[k]!.n as number;
    return { days: all.slice(firstBar), from: firstBar < before ? all[firstBar]! : request.startDay, rows };
  }

  /**
   * Rows of the window that fail BAD_ROW (a non-positive or non-finite open or close, a high below the
   * low, a negative volume) are bad input (exit 2): the first one by date and symbol, and how many more.
   */
  private async badRows(duck: Duck): Promise<never> {
    const file = this.layout.pricesFile;
    const [{ count }] = (await queryRows(duck, `SELECT count(*)::INTEGER AS count FROM win WHERE ${BAD_ROW}`)) as [{ count: number }];
    const [r] = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, open, high, low, close, volume FROM win WHERE ${BAD_ROW} ORDER BY date, symbol LIMIT 1`);
    throw new DataError(`${file}: ${describeBadRow(r!)}${count > 1 ? ` (and ${count - 1} more such row${count > 2 ? 's' : ''} in the window)` : ''}`, 'E_BAD_PRICES');
  }

  /** A (symbol, date) the window holds twice: bad input naming the first one and how many there are. */
  private async duplicates(duck: Duck): Promise<never> {
    const rows = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, count(*)::INTEGER AS n FROM win GROUP BY symbol, date HAVING count(*) > 1 ORDER BY symbol, date`);
    const extra = rows.reduce((a, r) => a + Number(r.n) - 1, 0);
    const first = rows[0]!;
    throw new DataError(`${this.layout.pricesFile}: ${first.symbol} on ${first.date} appears ${first.n} times${extra > 1 ? ` (${extra} repeated rows in the window)` : ''}; each (symbol, date) must appear once — re-import it with \`backtest import\``, 'E_DUPLICATE_ROWS');
  }

  async close(): Promise<void> {
    this.duck?.close();
    this.duck = undefined;
  }
}

/**
 * A price row the window may not hold, in SQL: a close that is not a positive finite number, an open
 * given but not one, a high or low given but not finite, a high below the low, a volume given but
 * negative or not finite. Written as NOT (every value fine), with comparisons only (DuckDB orders NaN
 * above +∞, so `x < 'inf'` refuses NaN too): never NULL, and cheaper per row than isfinite() calls —
 * the same verdict as `NOT isfinite(close) OR close <= 0 OR (open IS NOT NULL AND (NOT isfinite(open)
 * OR open <= 0)) OR … OR high < low OR …` on every combination of NULL, NaN, ±∞, 0 and signs
 * (test/source/local-source.test.ts).
 */
export const BAD_ROW = `NOT (close > 0 AND close < 'inf'::DOUBLE AND (open IS NULL OR (open > 0 AND open < 'inf'::DOUBLE))
  AND (high IS NULL OR (high > '-inf'::DOUBLE AND high < 'inf'::DOUBLE)) AND (low IS NULL OR (low > '-inf'::DOUBLE AND low < 'inf'::DOUBLE))
  AND (high IS NULL OR low IS NULL OR high >= low) AND (volume IS NULL OR (volume >= 0 AND volume < 'inf'::DOUBLE)))`;

/** What is wrong with a price row, in words (the same words as any source's: panel/check.ts). */
function describeBadRow(r: Record<string, unknown>): string {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return `${String(r.symbol)} on ${String(r.date)}: ${rowProblem({ open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), volume: num(r.volume) })}`;
}
