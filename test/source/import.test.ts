import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { importToFolder } from '../../src/source/import/index.ts';
import { openDuck, queryRows, type Duck } from '../../src/source/local/duckdb.ts';
import { FIXTURES, tempDir } from '../support/cli.ts';

describe('backtest import', () => {
  let duck: Duck;
  beforeAll(async () => { duck = await openDuck(); });
  afterAll(() => duck.close());
  const rows = (dir: string, table: string, where = '') => queryRows(duck, `SELECT * FROM read_parquet('${join(dir, `${table}.parquet`)}') ${where}`);

  it('imports a Yahoo-style file, adjusting by Adj Close, and derives a universe per year', async () => {
    const dir = tempDir();
    const report = await importToFolder({ files: [join(FIXTURES, 'orcl-1995-2014.txt')], dir });
    expect(report).toMatchObject({ rows: 5036, symbols: 1, from: '1995-01-03', to: '2014-12-31', rejected: [] });
    expect(report.seasons).toEqual(Array.from({ length: 20 }, (_, k) => 1995 + k));
    // first line by hand: Open 2.179012, Close 2.117284, Adj Close 1.883304
    const [first] = await rows(dir, 'prices', `ORDER BY date LIMIT 1`);
    expect(first!.symbol).toBe('ORCL');
    expect(first!.close).toBe(1.883304);
    expect(first!.open).toBeCloseTo(2.179012 * (1.883304 / 2.117284), 12);
    expect(first!.volume).toBe(36301200);
    const universe = await rows(dir, 'universe', 'ORDER BY season');
    expect(universe).toHaveLength(20);
    expect(universe[0]).toEqual({ season: 1995, symbol: 'ORCL', peer_group: 'default', name: null });
  });

  it('keeps raw prices with adjust off', async () => {
    const dir = tempDir();
    await importToFolder({ files: [join(FIXTURES, 'orcl-1995-2014.txt')], dir, adjust: false });
    const [first] = await rows(dir, 'prices', `ORDER BY date LIMIT 1`);
    expect(first!.close).toBe(2.117284);
  });

  it('reads a file whose first header cell is empty, plain or gzip, with the symbol from the file name', async () => {
    for (const file of ['goog-2004-2005.csv', 'goog-2004-2005.csv.gz']) {
      const dir = tempDir();
      const report = await importToFolder({ files: [join(FIXTURES, file)], dir });
      expect(report).toMatchObject({ rows: 300, symbols: 1, from: '2004-08-19' });
      const [first] = await rows(dir, 'prices', `ORDER BY date LIMIT 1`);
      expect(first).toMatchObject({ symbol: 'GOOG', open: 100, high: 104.06, low: 95.96, close: 100.34, volume: 22351900 });
    }
  });

  it('reports each rejected row with its line and reason, and imports the rest', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, [
      'symbol,date,open,high,low,close,volume',
      'AAA,2024-01-02,1,1,1,10,5', // 2 ok
      'AAA,2024-02-30,1,1,1,10,5', // 3 not a real date
      'AAA,2024-01-03,1,1,1,,5', // 4 close missing
      'AAA,2024-01-04,1,1,1,-3,5', // 5 close not positive
      'AAA,2024-01-02,1,1,1,11,5', // 6 duplicate of line 2
      'AAA,2024-01-05,x,1,1,10,5', // 7 open not a number
      'AAA,2024-01-08 09:30:00,1,1,1,10,5', // 8 intraday
      'BBB,2024-01-02,,,,7,', // 9 ok, only close
    ].join('\n'));
    const report = await importToFolder({ files: [file], dir: join(dir, 'store') });
    expect(report.rows).toBe(2);
    expect(report.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'date "2024-02-30" is not a real YYYY-MM-DD date'],
      [4, 'close is missing'],
      [5, 'close -3 is not positive'],
      [6, `duplicate of AAA 2024-01-02 at ${file}:2`],
      [7, 'open "x" is not a number'],
      [8, 'date "2024-01-08 09:30:00" has a time of day: only daily bars are supported'],
    ]);
    expect(readFileSync(join(dir, 'store', 'rejected.csv'), 'utf8').split('\n')[1]).toBe(`${file},3,"date ""2024-02-30"" is not a real YYYY-MM-DD date"`);
  });

  it('refuses input with no valid row, writing nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'empty.csv');
    writeFileSync(file, 'symbol,date,close\nA,not-a-date,1\n');
    const err = await importToFolder({ files: [file], dir: join(dir, 'store') }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/no valid row .*first: .*empty.csv:2: date "not-a-date"/);
    expect(existsSync(join(dir, 'store'))).toBe(false);
  });

  it('takes peer groups from a universe file, and appends to a folder', async () => {
    const dir = tempDir();
    const prices = join(dir, 'p.csv');
    const universe = join(dir, 'u.csv');
    writeFileSync(prices, 'symbol,date,close\nA,2024-01-02,1\nB,2024-01-02,2\n');
    writeFileSync(universe, 'season,symbol,peer_group,name\n2024,A,Tech,Alpha\n2024,B,Energy,Beta\n2024,B,Energy,Again\n');
    const store = join(dir, 'store');
    const first = await importToFolder({ files: [prices], dir: store, universe });
    expect(first.rejected.map((r) => r.reason)).toEqual(['duplicate of season 2024 symbol B']);
    expect(await rows(store, 'universe', 'ORDER BY symbol')).toEqual([
      { season: 2024, symbol: 'A', peer_group: 'Tech', name: 'Alpha' },
      { season: 2024, symbol: 'B', peer_group: 'Energy', name: 'Beta' },
    ]);
    const more = join(dir, 'more.csv');
    writeFileSync(more, 'symbol,date,close\nA,2024-01-02,1.5\nC,2025-01-03,3\n');
    const second = await importToFolder({ files: [more], dir: store, append: true });
    expect(second.rows).toBe(3); // A replaced, B kept, C added
    expect((await rows(store, 'prices', "WHERE symbol = 'A'"))[0]!.close).toBe(1.5);
    expect((await rows(store, 'universe', 'ORDER BY season, symbol')).map((r) => `${r.season}:${r.symbol}:${r.peer_group}`)).toEqual(['2024:A:Tech', '2024:B:Energy', '2025:C:default']);
  });

  it('refuses a row whose high is below its low (new), naming both', async () => {
    const dir = tempDir();
    const file = join(dir, 'hl.csv');
    writeFileSync(file, 'symbol,date,open,high,low,close\nAAA,2024-01-02,10,9.5,9.75,9.6\nAAA,2024-01-03,10,11,11,10.5\nAAA,2024-01-04,10,,12,10\n');
    const report = await importToFolder({ files: [file], dir: join(dir, 'store') });
    expect(report.rejected).toEqual([{ file, line: 2, reason: 'high 9.5 is below low 9.75' }]);
    expect(report.rows).toBe(2); // high = low is fine, and a missing high is not compared
  });

  it('numbers a record by the line it ends on, counting a quoted \\r\\n as one line (csv-parse counted two)', async () => {
    const dir = tempDir();
    const file = join(dir, 'crlf.csv');
    // line 1 header; 2–3 one record (a quoted line break); 4 a refused row
    writeFileSync(file, 'symbol,date,close,note\r\nAAA,2024-01-02,1,"two\r\nlines"\r\nAAA,2024-01-03,x,\r\n');
    const report = await importToFolder({ files: [file], dir: join(dir, 'store') });
    expect(report.rejected).toEqual([{ file, line: 4, reason: 'close "x" is not a number' }]);
  });

  it('keeps the first 1,000 refused rows in the report and writes every one to rejected.csv', async () => {
    const dir = tempDir();
    const file = join(dir, 'many.csv');
    const lines = ['symbol,date,close', 'AAA,2024-01-02,1'];
    for (let k = 0; k < 2500; k++) lines.push(`AAA,2024-01-02,${k + 2}`); // duplicates of line 2
    writeFileSync(file, lines.join('\n'));
    const report = await importToFolder({ files: [file], dir: join(dir, 'store') });
    expect(report.rejectedCount).toBe(2500);
    expect(report.rejected).toHaveLength(1000);
    const written = readFileSync(join(dir, 'store', 'rejected.csv'), 'utf8').trim().split('\n');
    expect(written).toHaveLength(2501);
    expect(written[2500]).toBe(`${file},2502,duplicate of AAA 2024-01-02 at ${file}:2`);
  });

  it('sorts rows given out of order, keeping the first of each (symbol, date) in file order', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, 'symbol,date,close\nBBB,2024-01-03,3\nAAA,2024-01-03,2\nAAA,2024-01-02,1\n');
    writeFileSync(b, 'symbol,date,close\nAAA,2024-01-02,9\nAAA,2024-01-04,4\n');
    const report = await importToFolder({ files: [a, b], dir: join(dir, 'store') });
    expect((await rows(join(dir, 'store'), 'prices')).map((r) => `${r.symbol} ${(r.date as Date).toISOString().slice(0, 10)} ${r.close}`))
      .toEqual(['AAA 2024-01-02 1', 'AAA 2024-01-03 2', 'AAA 2024-01-04 4', 'BBB 2024-01-03 3']);
    expect(report.rejected).toEqual([{ file: b, line: 2, reason: `duplicate of AAA 2024-01-02 at ${a}:4` }]);
  });

  it('says what an import replaced, and what --append added and replaced', async () => {
    const dir = tempDir();
    const store = join(dir, 'store');
    const first = join(dir, 'first.csv');
    writeFileSync(first, 'symbol,date,close\nA,2024-01-02,1\nA,2024-01-03,1\nB,2024-01-02,2\n');
    expect((await importToFolder({ files: [first], dir: store })).before).toBeUndefined();
    const second = join(dir, 'second.csv');
    writeFileSync(second, 'symbol,date,close\nA,2024-01-03,5\nC,2024-01-02,3\n');
    const appended = await importToFolder({ files: [second], dir: store, append: true });
    expect(appended).toMatchObject({ rows: 4, symbols: 3, before: { rows: 3, symbols: 2 }, appended: { added: 1, replaced: 1 } });
    const replaced = await importToFolder({ files: [second], dir: store });
    expect(replaced).toMatchObject({ rows: 2, symbols: 2, before: { rows: 4, symbols: 3 } });
    expect(replaced.appended).toBeUndefined();
  });

  it('refuses --data naming a file, and a CSV that breaks the format at a line, writing nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.csv');
    writeFileSync(file, 'symbol,date,close\nA,2024-01-02,1\n');
    const notADir = await importToFolder({ files: [file], dir: file }).catch((e) => e);
    expect(notADir).toBeInstanceOf(UsageError);
    expect(notADir.message).toBe(`import: --data ${file} is a file, not a folder`);
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'symbol,date,close\nA,2024-01-02,1\nA,2024-01-03,"2\nA,2024-01-04,3\n');
    const err = await importToFolder({ files: [broken], dir: join(dir, 'store') }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(new RegExp(`^import: ${broken}:3: .*unterminated quote`));
    const wide = join(dir, 'wide.csv');
    writeFileSync(wide, `symbol,date,close\nA,2024-01-02,1${',x'.repeat(20)}\n`);
    const tooWide = await importToFolder({ files: [wide], dir: join(dir, 'store') }).catch((e) => e);
    expect(tooWide.message).toBe(`import: ${wide}:2: a row has more than 19 cells (the header has 3)`);
    expect(existsSync(join(dir, 'store'))).toBe(false);
  });

  it('a universe file may give start_date and end_date per (season, symbol): kept as nullable DATE columns, bad ones refused with their line', async () => {
    const dir = tempDir();
    const prices = join(dir, 'p.csv');
    const universe = join(dir, 'u.csv');
    writeFileSync(prices, 'symbol,date,close\nA,2024-01-02,1\nB,2024-01-02,2\n');
    writeFileSync(universe, [
      'season,symbol,peer_group,name,start_date,end_date',
      '2024,A,Tech,Alpha,,', // open at both ends
      '2024,B,Energy,Beta,2024-03-01,2024-09-30',
      '2024,C,Energy,,2024-02-30,', // line 4: not a real date
      '2024,D,Energy,,,2024-13-01', // line 5
      '2024,E,Energy,,2024-06-01,2024-05-31', // line 6: ends before it starts
      '2025,A,Tech,, 2025-01-02 ,2025-01-02', // one day, spaces around
    ].join('\n'));
    const store = join(dir, 'store');
    const report = await importToFolder({ files: [prices], dir: store, universe });
    expect(report.rejected).toEqual([
      { file: universe, line: 4, reason: 'start_date "2024-02-30" is not a real YYYY-MM-DD date' },
      { file: universe, line: 5, reason: 'end_date "2024-13-01" is not a real YYYY-MM-DD date' },
      { file: universe, line: 6, reason: 'end_date 2024-05-31 is before start_date 2024-06-01' },
    ]);
    const described = await queryRows(duck, `DESCRIBE SELECT * FROM read_parquet('${join(store, 'universe.parquet')}')`);
    expect(described.map((r) => `${r.column_name} ${r.column_type} ${r.null}`)).toEqual([
      'season INTEGER YES', 'symbol VARCHAR YES', 'peer_group VARCHAR YES', 'name VARCHAR YES', 'start_date DATE YES', 'end_date DATE YES',
    ]);
    const got = await queryRows(duck, `SELECT season, symbol, start_date::VARCHAR AS s, end_date::VARCHAR AS e FROM read_parquet('${join(store, 'universe.parquet')}') ORDER BY season, symbol`);
    expect(got).toEqual([
      { season: 2024, symbol: 'A', s: null, e: null },
      { season: 2024, symbol: 'B', s: '2024-03-01', e: '2024-09-30' },
      { season: 2025, symbol: 'A', s: '2025-01-02', e: '2025-01-02' },
    ]);
    // --append of prices alone: the folder's dates stay, derived rows have none
    const more = join(dir, 'more.csv');
    writeFileSync(more, 'symbol,date,close\nF,2026-01-02,1\n');
    await importToFolder({ files: [more], dir: store, append: true });
    const after = await queryRows(duck, `SELECT season, symbol, start_date::VARCHAR AS s FROM read_parquet('${join(store, 'universe.parquet')}') ORDER BY season, symbol`);
    expect(after.map((r) => `${r.season}:${r.symbol}:${r.s}`)).toEqual(['2024:A:null', '2024:B:2024-03-01', '2025:A:2025-01-02', '2026:F:null']);
  });

  it('without start_date and end_date, universe.parquet has the four columns it always had', async () => {
    const dir = tempDir();
    const store = join(dir, 'store');
    await importToFolder({ files: [join(FIXTURES, 'goog-2004-2005.csv')], dir: store });
    const described = await queryRows(duck, `DESCRIBE SELECT * FROM read_parquet('${join(store, 'universe.parquet')}')`);
    expect(described.map((r) => r.column_name)).toEqual(['season', 'symbol', 'peer_group', 'name']);
  });
});
