import { DataError } from '../../errors.ts';
import { rowProblem } from '../../panel/check.ts';
import { borrowRates } from '../../panel/borrow.ts';
import { allocatePanel, indexCloses, type Panel } from '../../panel/panel.ts';
import { applyUniverse, checkedShares, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../panel/universe.ts';
import { isoDate, parseIsoDate, yearOf } from '../../util/dates.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import { openDuck, queryRows, sqlString, type Duck } from './duckdb.ts';
import { dataLayout, findFile, type DataLayout } from './layout.ts';

/**
 * Prices and universes in a local folder, read with DuckDB.
 *
 * 1. The universe's rows (one season, or the seasons from start's year to end's for a rolling
 *    universe, with their optional start/end dates); every symbol they list, sorted, is a column.
 * 2. The window starts `warmupBars` trading days before `start` (found from the data, not
 *    guessed from the calendar) and ends at `end`.
 * 3. The window's rows are checked (one query): a non-positive or non-finite open or close, a high
 *    below the low, a negative volume or a repeated (symbol, date) is bad input, named.
 * 4. One query returns every (bar, column, OHLCV) of the window; the calendar is every day on
 *    which some member has a close. Values go straight into the panel's typed arrays.
 * 5. The membership mask and season spans (panel/universe.ts), with each season's shares outstanding
 *    when the universe file has a `shares_outstanding` column.
 * 6. With `borrow`, the borrow file's rows of the members over the window (panel/borrow.ts).
 */
export class LocalSource implements DataSource {
  readonly kind = 'local' as const;
  private readonly layout: DataLayout;
  private duck: Duck | undefined;

  constructor(dir: string) {
    this.layout = dataLayout(dir);
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
    // The columns in the panel's order (JavaScript's), not re-sorted by the database's collation.
    await run(`CREATE OR REPLACE TEMP TABLE members AS SELECT unnest(list) AS symbol, (generate_subscripts(list, 1) - 1)::INTEGER AS col
      FROM (SELECT [${members.map((m) => sqlString(m.symbol)).join(', ')}]::VARCHAR[] AS list)`);
    const start = `DATE '${isoDate(request.startDay)}'`;
    const end = `DATE '${isoDate(request.endDay)}'`;
    const [{ from }] = (await queryRows(duck, `SELECT coalesce(min(date), ${start})::VARCHAR AS "from" FROM (
        SELECT DISTINCT date FROM ${prices} WHERE symbol IN (SELECT symbol FROM members) AND date < ${start} AND close IS NOT NULL
        ORDER BY date DESC LIMIT ${Math.max(0, Math.trunc(request.warmupBars))})`)) as [{ from: string }];
    await run(`CREATE OR REPLACE TEMP TABLE win AS
      SELECT m.col, p.symbol, p.date, p.open, p.high, p.low, p.close, p.volume
      FROM ${prices} p JOIN members m USING (symbol)
      WHERE p.date BETWEEN DATE '${from}' AND ${end} AND p.close IS NOT NULL`);
    await this.checkRows(duck);

    const dayRows = await queryRows(duck, `SELECT DISTINCT (date - DATE '1970-01-01')::INTEGER AS day FROM win ORDER BY day`);
    const allocated = allocatePanel(
      {
        days: dayRows.map((r) => r.day as number),
        symbols: members.map((m) => m.symbol),
        names: members.map((m) => m.name ?? ''),
        peerGroups: members.map((m) => m.peer_group),
        otherGroups: universeGroups(universe),
        season: first,
      },
      request.shared,
    );
    const panel = applyUniverse(allocated, universe, mode, first);
    const n = panel.symbols.length;
    const result = await duck.connection.run(`SELECT d.bar, w.col, w.open, w.high, w.low, w.close, w.volume
      FROM win w JOIN (SELECT date, (row_number() OVER (ORDER BY date) - 1)::INTEGER AS bar FROM (SELECT DISTINCT date FROM win)) d USING (date)`);
    const fields = [panel.open, panel.high, panel.low, panel.close, panel.volume];
    const close = panel.close;
    let rows = 0, repeated = false;
    for (;;) {
      const chunk = await result.fetchChunk();
      const count = chunk?.rowCount ?? 0; // a getter that crosses into native code: read it once
      if (count === 0) break;
      const bar = chunk!.getColumnVector(0);
      const col = chunk!.getColumnVector(1);
      const cell = new Int32Array(count);
      for (let k = 0; k < count; k++) cell[k] = (bar.getItem(k) as number) * n + (col.getItem(k) as number);
      for (let f = 0; f < fields.length; f++) {
        const vector = chunk!.getColumnVector(f + 2);
        const out = fields[f]!;
        for (let k = 0; k < count; k++) {
          const v = vector.getItem(k) as number | null;
          if (v === null) continue;
          // A close already there: the (symbol, date) came twice (every row of the window has a close).
          if (out === close && close[cell[k]!] === close[cell[k]!]) repeated = true;
          out[cell[k]!] = v;
        }
      }
      rows += count;
    }
    if (repeated) await this.duplicates(duck);
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
   * The window's values, checked in one query: a non-positive or non-finite open or close, a high below
   * the low, or a negative volume is bad input (exit 2), naming the first such row and how many more
   * there are. (A (symbol, date) given twice is found as the panel is filled: `duplicates`.)
   */
  private async checkRows(duck: Duck): Promise<void> {
    const file = this.layout.pricesFile;
    const bad = `NOT isfinite(close) OR close <= 0 OR (open IS NOT NULL AND (NOT isfinite(open) OR open <= 0))
      OR (high IS NOT NULL AND NOT isfinite(high)) OR (low IS NOT NULL AND NOT isfinite(low)) OR high < low
      OR (volume IS NOT NULL AND (NOT isfinite(volume) OR volume < 0))`;
    const [{ count }] = (await queryRows(duck, `SELECT count(*)::INTEGER AS count FROM win WHERE ${bad}`)) as [{ count: number }];
    if (count === 0) return;
    const [r] = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, open, high, low, close, volume FROM win WHERE ${bad} ORDER BY date, symbol LIMIT 1`);
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

/** What is wrong with a price row, in words (the same words as any source's: panel/check.ts). */
function describeBadRow(r: Record<string, unknown>): string {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return `${String(r.symbol)} on ${String(r.date)}: ${rowProblem({ open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), volume: num(r.volume) })}`;
}
