import { DataError } from '../../errors.ts';
import { rowProblem } from '../../panel/check.ts';
import { allocatePanel, indexCloses } from '../../panel/panel.ts';
import { applyUniverse, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../panel/universe.ts';
import { isoDate, parseIsoDate, yearOf } from '../../util/dates.ts';
import type { ProgressFactory } from '../../util/progress.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import { openDuck, queryRows, sqlString, type Duck } from './duckdb.ts';
import { dataLayout, type DataLayout } from './layout.ts';

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
 * 5. The membership mask and season spans (panel/universe.ts).
 * With a `progress` factory (a bar on a terminal), step 2's scan reports DuckDB's own progress (percent)
 * and step 4 the rows read of the window's total.
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
    const start = `DATE '${isoDate(request.startDay)}'`;
    const end = `DATE '${isoDate(request.endDay)}'`;
    const [{ from }] = (await queryRows(duck, `SELECT coalesce(min(date), ${start})::VARCHAR AS "from" FROM (
        SELECT DISTINCT date FROM ${prices} WHERE symbol IN (SELECT symbol FROM members) AND date < ${start} AND close IS NOT NULL
        ORDER BY date DESC LIMIT ${Math.max(0, Math.trunc(request.warmupBars))})`)) as [{ from: string }];
    await this.withQueryProgress(duck, `scanning ${this.layout.pricesFile}`, () => run(`CREATE OR REPLACE TEMP TABLE win AS
      SELECT m.col, p.symbol, p.date, p.open, p.high, p.low, p.close, p.volume
      FROM ${prices} p JOIN members m USING (symbol)
      WHERE p.date BETWEEN DATE '${from}' AND ${end} AND p.close IS NOT NULL`));
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
    let rows = 0;
    const progress = this.options.progress?.('reading prices', 'rows');
    const total = progress ? result.rowCount : null; // materialized: the count is known
    try {
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
            if (v !== null) out[cell[k]!] = v;
          }
        }
        rows += count;
        progress?.(rows, total);
      }
    } finally {
      progress?.stop();
    }
    indexCloses(panel);
    if (mode === 'rolling') {
      const missing = missingSeasons(panel, request.startDay, request.endDay, universe);
      if (missing.length) throw missingSeasonsError(missing, this.layout.universeFile, await this.seasons());
    }
    return {
      panel,
      info: { kind: 'local', location: this.layout.dir, rows, files: [this.layout.pricesFile, this.layout.universeFile] },
    };
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

  /** The universe's rows for seasons first … last, with their optional start_date / end_date. */
  private async universeRows(duck: Duck, first: number, last: number): Promise<UniverseRow[]> {
    const { universe, universeFile } = this.layout;
    const raw = universeFile.endsWith('.parquet') ? `read_parquet(${sqlString(universeFile)})` : `read_csv(${sqlString(universeFile)}, header = true)`;
    const columns = new Set((await queryRows(duck, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${raw})`)).map((r) => String(r.column_name)));
    const dates = columns.has('start_date') || columns.has('end_date');
    const dated = (c: string) => (columns.has(c) ? `strftime(try_cast(${c} AS DATE), '%Y-%m-%d')` : 'NULL');
    const rows = dates
      ? await queryRows(duck, `SELECT season::INTEGER AS season, symbol::VARCHAR AS symbol, peer_group::VARCHAR AS peer_group, name::VARCHAR AS name,
          ${dated('start_date')} AS start_date, ${dated('end_date')} AS end_date, ${columns.has('start_date') ? 'start_date::VARCHAR' : 'NULL'} AS start_text, ${columns.has('end_date') ? 'end_date::VARCHAR' : 'NULL'} AS end_text
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
      return { season: Number(r.season), symbol: String(r.symbol), peer_group: String(r.peer_group ?? 'default'), name: r.name === null ? '' : String(r.name), start_day: startDay, end_day: endDay };
    });
  }

  /**
   * The window's rows, checked in one query: a non-positive or non-finite open or close, a high below
   * the low, a negative volume, or a (symbol, date) given twice is bad input (exit 2), naming the
   * first such row and how many more there are.
   */
  private async checkRows(duck: Duck): Promise<void> {
    const file = this.layout.pricesFile;
    const [{ dup }] = (await queryRows(duck, `SELECT (count(*) - count(DISTINCT (col, date)))::INTEGER AS dup FROM win`)) as [{ dup: number }];
    if (dup > 0) {
      const [row] = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, count(*)::INTEGER AS n FROM win GROUP BY symbol, date HAVING count(*) > 1 ORDER BY symbol, date LIMIT 1`);
      throw new DataError(`${file}: ${row!.symbol} on ${row!.date} appears ${row!.n} times${dup > 1 ? ` (${dup} repeated rows in the window)` : ''}; each (symbol, date) must appear once — re-import it with \`backtest import\``, 'E_DUPLICATE_ROWS');
    }
    const bad = `NOT isfinite(close) OR close <= 0 OR (open IS NOT NULL AND (NOT isfinite(open) OR open <= 0))
      OR (high IS NOT NULL AND NOT isfinite(high)) OR (low IS NOT NULL AND NOT isfinite(low)) OR high < low
      OR (volume IS NOT NULL AND (NOT isfinite(volume) OR volume < 0))`;
    const [{ count }] = (await queryRows(duck, `SELECT count(*)::INTEGER AS count FROM win WHERE ${bad}`)) as [{ count: number }];
    if (count === 0) return;
    const [r] = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, open, high, low, close, volume FROM win WHERE ${bad} ORDER BY date, symbol LIMIT 1`);
    throw new DataError(`${file}: ${describeBadRow(r!)}${count > 1 ? ` (and ${count - 1} more such row${count > 2 ? 's' : ''} in the window)` : ''}`, 'E_BAD_PRICES');
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
