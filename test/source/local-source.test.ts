import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { DataError } from '../../src/errors.ts';
import { BAD_ROW, LocalSource } from '../../src/source/local/local-source.ts';
import { openDuck, queryRows, type Duck } from '../../src/source/local/duckdb.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { tempDir } from '../support/cli.ts';

const day = (s: string) => parseIsoDate(s)!;

describe('LocalSource on the sample market', () => {
  let source: LocalSource;
  let duck: Duck;
  beforeAll(async () => {
    source = new LocalSource(SAMPLE_DATA_DIR);
    duck = await openDuck();
  });
  afterAll(async () => {
    await source.close();
    duck.close();
  });

  it('reads the window with its warm-up into one panel of the season’s members', async () => {
    const { panel, info } = await source.loadWindow({ season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 64 });
    const parquet = `read_parquet('${join(SAMPLE_DATA_DIR, 'prices.parquet')}')`;
    const members = (await queryRows(duck, `SELECT symbol FROM read_parquet('${join(SAMPLE_DATA_DIR, 'universe.parquet')}') WHERE season = 2025 ORDER BY symbol`)).map((r) => r.symbol);
    expect(panel.symbols).toEqual(members);
    const startBar = panel.dates.indexOf('2025-10-07');
    expect(startBar).toBe(64); // exactly the warm-up before start
    expect(panel.dates[panel.dates.length - 1]).toBe('2026-01-02');
    expect(panel.groups).toHaveLength(11);
    // every cell against a direct query for a sample of (symbol, date)
    for (const [i, t] of [[0, 0], [5, 70], [100, 127], [members.length - 1, startBar]] as const) {
      const [row] = await queryRows(duck, `SELECT open, high, low, close, volume FROM ${parquet} WHERE symbol = '${members[i]}' AND date = DATE '${panel.dates[t]}'`);
      const n = panel.symbols.length;
      if (!row) {
        expect(panel.close[t * n + i]).toBeNaN();
        continue;
      }
      expect([panel.open[t * n + i], panel.high[t * n + i], panel.low[t * n + i], panel.close[t * n + i], panel.volume[t * n + i]]).toEqual([row.open, row.high, row.low, row.close, row.volume]);
    }
    expect(info.rows).toBeGreaterThan(30_000);
  });

  it('reads a window large enough for tiles (every season, 3½ years) cell for cell as a plain query gives them', async () => {
    const { panel, info } = await source.loadWindow({ season: 2023, universe: 'rolling', startDay: day('2023-01-02'), endDay: day('2026-06-30'), warmupBars: 0 });
    const n = panel.symbols.length;
    expect(n * panel.dates.length).toBeGreaterThan(1 << 18); // the panel writer's tiles are on (cell-writer.ts)
    const want = Array.from({ length: 5 }, () => new Float64Array(n * panel.dates.length).fill(NaN));
    const column = new Map(panel.symbols.map((s, i) => [s, i]));
    const bar = new Map(panel.dates.map((d, t) => [d, t]));
    const rows = await queryRows(duck, `SELECT symbol, date::VARCHAR AS date, open, high, low, close, volume FROM read_parquet('${join(SAMPLE_DATA_DIR, 'prices.parquet')}')
      WHERE date BETWEEN DATE '2023-01-02' AND DATE '2026-06-30' AND close IS NOT NULL`);
    let read = 0;
    for (const r of rows) {
      const i = column.get(r.symbol as string);
      if (i === undefined) continue; // listed in no season
      const cell = bar.get(r.date as string)! * n + i;
      ['open', 'high', 'low', 'close', 'volume'].forEach((f, k) => { want[k]![cell] = r[f] === null ? NaN : (r[f] as number); });
      read++;
    }
    expect(info.rows).toBe(read);
    (['open', 'high', 'low', 'close', 'volume'] as const).forEach((f, k) => {
      const differ = panel[f].findIndex((v, cell) => !Object.is(v, want[k]![cell]));
      expect(differ, `${f}: first differing cell`).toBe(-1);
    });
  });

  it('checks rows as the isfinite() predicate did, on every combination of NULL, NaN, ±∞, 0 and signs', async () => {
    const before = `coalesce(NOT isfinite(close) OR close <= 0 OR (open IS NOT NULL AND (NOT isfinite(open) OR open <= 0))
      OR (high IS NOT NULL AND NOT isfinite(high)) OR (low IS NOT NULL AND NOT isfinite(low)) OR high < low
      OR (volume IS NOT NULL AND (NOT isfinite(volume) OR volume < 0)), false)`;
    const values = ['NULL', '0', '-0.0', '-1', '1', '2', "'nan'::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE"].map((v) => `(${v}::DOUBLE)`).join(', ');
    const [r] = await queryRows(duck, `WITH v(x) AS (VALUES ${values}),
        t AS (SELECT o.x AS open, h.x AS high, l.x AS low, c.x AS close, w.x AS volume FROM v o, v h, v l, v c, v w WHERE c.x IS NOT NULL)
      SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE (${BAD_ROW}) IS DISTINCT FROM ${before})::INTEGER AS differ, count(*) FILTER (WHERE ${before})::INTEGER AS bad FROM t`);
    expect(r).toEqual({ n: 8 * 9 ** 4, differ: 0, bad: expect.any(Number) });
    expect(r!.bad).toBeGreaterThan(0);
  });

  it('starts at the data when they begin after the warm-up would', async () => {
    const { panel } = await source.loadWindow({ season: 2023, startDay: day('2023-01-10'), endDay: day('2023-01-31'), warmupBars: 64 });
    expect(panel.dates[0]).toBe('2023-01-02');
  });

  it('lists the seasons that exist when one has no universe', async () => {
    const err = await source.loadWindow({ season: 2031, startDay: day('2031-01-02'), endDay: day('2031-02-01'), warmupBars: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/season 2031 has no universe rows .*seasons that exist: 2023, 2024, 2025, 2026/);
  });
});

describe('LocalSource folders', () => {
  it('refuses a folder without prices', () => {
    const dir = tempDir();
    expect(() => new LocalSource(dir)).toThrow(/holds no prices/);
    expect(() => new LocalSource(join(dir, 'nope'))).toThrow(/no such folder/);
  });

  it('refuses a window with bad rows, then one with a repeated (symbol, date), naming the first and counting the rest', async () => {
    const folder = (prices: string) => {
      const dir = tempDir();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'prices.csv'), `symbol,date,open,high,low,close,volume\n${prices}`);
      writeFileSync(join(dir, 'universe.csv'), 'season,symbol,peer_group,name\n2024,A,x,Alpha\n2024,B,y,\n');
      return dir;
    };
    const load = async (dir: string) => {
      const source = new LocalSource(dir);
      try {
        return await source.loadWindow({ season: 2024, startDay: day('2024-01-01'), endDay: day('2024-12-31'), warmupBars: 0 });
      } finally {
        await source.close();
      }
    };
    const rows = 'A,2024-01-02,1,2,0.5,1.5,100\nB,2024-01-02,1,2,0.5,1.5,100\nA,2024-01-03,1,2,0.5,1.5,100\n';
    const repeated = 'B,2024-01-02,1,2,0.5,1.5,100\nA,2024-01-03,1,2,0.5,1.5,100\nA,2024-01-03,1,2,0.5,1.5,100\n';
    // Bad values are named first, even beside repeated rows.
    let dir = folder(`${rows}${repeated}B,2024-01-03,1,2,0.5,0,100\nB,2024-01-04,1,0.5,2,1.5,100\nA,2024-01-04,1,2,0.5,1.5,-1\n`);
    let err = await load(dir).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('E_BAD_PRICES');
    expect(err.message).toBe(`${join(dir, 'prices.csv')}: B on 2024-01-03: close 0 (a close must be a positive number) (and 2 more such rows in the window)`);
    // A row outside the window is not counted.
    dir = folder(`${rows}${repeated}B,2023-12-29,1,2,0.5,1.5,1\nB,2023-12-29,1,2,0.5,1.5,1\n`);
    err = await load(dir).catch((e) => e);
    expect(err.code).toBe('E_DUPLICATE_ROWS');
    expect(err.message).toBe(`${join(dir, 'prices.csv')}: A on 2024-01-03 appears 3 times (3 repeated rows in the window); each (symbol, date) must appear once — re-import it with \`backtest import\``);
    // The same rows without them load.
    expect((await load(folder(rows))).panel.dates).toEqual(['2024-01-02', '2024-01-03']);
  });

  it('refuses a universe that lists a symbol twice in one season (which row counts would be arbitrary), naming the season and symbol; the same symbol in two seasons is fine', async () => {
    const load = async (universe: string) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'prices.csv'), 'symbol,date,open,high,low,close,volume\nA,2024-01-02,1,2,0.5,1.5,100\nB,2024-01-02,1,2,0.5,1.5,100\n');
      writeFileSync(join(dir, 'universe.csv'), `season,symbol,peer_group,name\n${universe}`);
      const source = new LocalSource(dir);
      try {
        return { dir, result: await source.loadWindow({ season: 2024, startDay: day('2024-01-01'), endDay: day('2024-12-31'), warmupBars: 0 }).catch((e: unknown) => e) };
      } finally {
        await source.close();
      }
    };
    const twice = await load('2024,B,y,\n2024,A,x,Alpha\n2023,A,x,\n2024,A,z,Alpha again\n');
    expect(twice.result).toBeInstanceOf(DataError);
    expect((twice.result as DataError).code).toBe('E_BAD_UNIVERSE');
    expect((twice.result as DataError).message).toBe(`${join(twice.dir, 'universe.csv')}: season 2024 lists A twice; each (season, symbol) must appear once`);
    const once = await load('2024,B,y,\n2024,A,x,Alpha\n2023,A,z,\n');
    expect(once.result).not.toBeInstanceOf(Error);
  });

  it('reads plain CSV folders with missing values', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'prices.csv'), 'symbol,date,open,high,low,close,volume\nB,2024-01-02,,,,20,\nA,2024-01-02,1,2,0.5,1.5,100\nA,2024-01-03,1.5,2,1,1.75,200\n');
    writeFileSync(join(dir, 'universe.csv'), 'season,symbol,peer_group,name\n2024,A,x,Alpha\n2024,B,y,\n');
    const source = new LocalSource(dir);
    const { panel } = await source.loadWindow({ season: 2024, startDay: day('2024-01-01'), endDay: day('2024-12-31'), warmupBars: 0 });
    await source.close();
    expect(panel.symbols).toEqual(['A', 'B']);
    expect(panel.groups).toEqual(['x', 'y']);
    expect(panel.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect(Array.from(panel.close)).toEqual([1.5, 20, 1.75, NaN]);
    expect(Array.from(panel.open)).toEqual([1, NaN, 1.5, NaN]);
    expect(Array.from(panel.lastBar)).toEqual([1, 0]);
  });
});
