import { DataError } from '../../errors.ts';
import { allocatePanel, indexCloses } from '../../panel/panel.ts';
import { isoDate } from '../../util/dates.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import { openDuck, queryRows, type Duck } from './duckdb.ts';
import { dataLayout, type DataLayout } from './layout.ts';

/**
 * Prices and universes in a local folder, read with DuckDB.
 *
 * 1. The season's members, sorted by symbol, become the panel's columns.
 * 2. The window starts `warmupBars` trading days before `start` (found from the data, not
 *    guessed from the calendar) and ends at `end`.
 * 3. One query returns every (bar, column, OHLCV) of the window; the calendar is every day on
 *    which some member has a close. Values go straight into the panel's typed arrays.
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
    const { prices, universe } = this.layout;
    const run = (sql: string) => duck.connection.run(sql);
    await run(`CREATE OR REPLACE TEMP TABLE members AS
      SELECT symbol, any_value(peer_group) AS peer_group, coalesce(any_value(name), '') AS name
      FROM ${universe} WHERE season = ${Math.trunc(request.season)} GROUP BY symbol ORDER BY symbol`);
    const members = await queryRows(duck, `SELECT symbol, peer_group, name FROM members ORDER BY symbol`);
    if (members.length === 0) {
      const seasons = await this.seasons();
      throw new DataError(
        `season ${request.season} has no universe rows in ${this.layout.universeFile}; seasons that exist: ${seasons.join(', ') || 'none'}`,
        'E_NO_SEASON',
      );
    }
    const start = `DATE '${isoDate(request.startDay)}'`;
    const end = `DATE '${isoDate(request.endDay)}'`;
    const [{ from }] = (await queryRows(duck, `SELECT coalesce(min(date), ${start})::VARCHAR AS "from" FROM (
        SELECT DISTINCT date FROM ${prices} WHERE symbol IN (SELECT symbol FROM members) AND date < ${start} AND close IS NOT NULL
        ORDER BY date DESC LIMIT ${Math.max(0, Math.trunc(request.warmupBars))})`)) as [{ from: string }];
    await run(`CREATE OR REPLACE TEMP TABLE win AS
      SELECT m.col, p.date, p.open, p.high, p.low, p.close, p.volume
      FROM ${prices} p JOIN (SELECT symbol, (row_number() OVER (ORDER BY symbol) - 1)::INTEGER AS col FROM members) m USING (symbol)
      WHERE p.date BETWEEN DATE '${from}' AND ${end} AND p.close IS NOT NULL`);
    const [{ dup }] = (await queryRows(duck, `SELECT (count(*) - count(DISTINCT (col, date)))::INTEGER AS dup FROM win`)) as [{ dup: number }];
    if (dup > 0) throw new DataError(`${this.layout.pricesFile} has ${dup} duplicate (symbol, date) rows in the window; re-import it with \`backtest import\``, 'E_DUPLICATE_ROWS');

    const dayRows = await queryRows(duck, `SELECT DISTINCT (date - DATE '1970-01-01')::INTEGER AS day FROM win ORDER BY day`);
    const panel = allocatePanel(
      {
        days: dayRows.map((r) => r.day as number),
        symbols: members.map((m) => String(m.symbol)),
        names: members.map((m) => String(m.name)),
        peerGroups: members.map((m) => String(m.peer_group ?? 'default')),
      },
      request.shared,
    );
    const n = panel.symbols.length;
    const result = await duck.connection.run(`SELECT d.bar, w.col, w.open, w.high, w.low, w.close, w.volume
      FROM win w JOIN (SELECT date, (row_number() OVER (ORDER BY date) - 1)::INTEGER AS bar FROM (SELECT DISTINCT date FROM win)) d USING (date)`);
    const fields = [panel.open, panel.high, panel.low, panel.close, panel.volume];
    let rows = 0;
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
    }
    indexCloses(panel);
    return {
      panel,
      info: { kind: 'local', location: this.layout.dir, rows, files: [this.layout.pricesFile, this.layout.universeFile] },
    };
  }

  async close(): Promise<void> {
    this.duck?.close();
    this.duck = undefined;
  }
}
