import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFingerprint, type StoredPrice } from '../../src/sample/fingerprint.ts';
import { importToFolder } from '../../src/source/import/index.ts';
import { appendPrices, appendUniverse, createTables, writeParquetStore } from '../../src/source/import/write-store.ts';
import { openDuck, queryRows, sqlString, type Duck } from '../../src/source/local/duckdb.ts';
import { FIXTURES, tempDir } from '../support/cli.ts';
import { legacyImport } from '../support/legacy-import.ts';

/**
 * The DuckDB import against today's row-by-row import (test/support/legacy-import.ts, csv-parse
 * and JavaScript checks, written to Parquet by the same writer as before): on every fixture and
 * on files made to hold every kind of refused row, blank lines, CRLF, quoted line breaks and
 * gzip, the stores hold the same rows (content fingerprint and Parquet schema) and the same rows
 * are refused, with the same file, line and words.
 */
describe('import equivalence with the row-by-row import', () => {
  let duck: Duck;
  beforeAll(async () => { duck = await openDuck(); });
  afterAll(() => duck.close());

  async function store(dir: string) {
    const prices = await queryRows(duck, `SELECT symbol, (date - DATE '1970-01-01')::INTEGER AS day, open, high, low, close, volume FROM read_parquet(${sqlString(join(dir, 'prices.parquet'))}) ORDER BY symbol, date`);
    const universe = await queryRows(duck, `SELECT season, symbol, peer_group, name FROM read_parquet(${sqlString(join(dir, 'universe.parquet'))}) ORDER BY season, symbol`);
    const schema = async (f: string) => (await queryRows(duck, `DESCRIBE SELECT * FROM read_parquet(${sqlString(join(dir, f))})`)).map((r) => `${r.column_name} ${r.column_type}`);
    return {
      fingerprint: storeFingerprint(prices as unknown as StoredPrice[], universe as never),
      schema: [...(await schema('prices.parquet')), ...(await schema('universe.parquet'))],
      rows: prices.length,
    };
  }

  /** Imports `files` both ways; returns both stores and both lists of rejections. */
  async function both(files: string[], options: { universe?: string; symbol?: string; adjust?: boolean } = {}) {
    const legacy = await legacyImport(files, options);
    const oldDir = tempDir();
    const old = await openDuck();
    try {
      await createTables(old);
      await appendPrices(old, legacy.prices);
      await appendUniverse(old, legacy.universe);
      await writeParquetStore(old, oldDir);
    } finally {
      old.close();
    }
    const newDir = join(tempDir(), 'store');
    const report = await importToFolder({ files, dir: newDir, ...options });
    expect(report.rejectedCount).toBe(report.rejected.length);
    return { old: await store(oldDir), new: await store(newDir), oldRejected: legacy.rejected, newRejected: report.rejected.map((r) => ({ ...r })) };
  }

  async function expectSame(files: string[], options: { universe?: string; symbol?: string; adjust?: boolean } = {}) {
    const r = await both(files, options);
    expect(r.new.schema).toEqual(r.old.schema);
    expect(r.new.rows).toBe(r.old.rows);
    expect(r.new.fingerprint).toBe(r.old.fingerprint);
    expect(r.newRejected).toEqual(r.oldRejected);
    return r;
  }

  it('the fixtures: ORCL (Adj Close, adjusted and raw), GOOG plain and gzip, the S&P 500 sample with its universe', async () => {
    await expectSame([join(FIXTURES, 'orcl-1995-2014.txt')]);
    await expectSame([join(FIXTURES, 'orcl-1995-2014.txt')], { adjust: false });
    await expectSame([join(FIXTURES, 'goog-2004-2005.csv')]);
    await expectSame([join(FIXTURES, 'goog-2004-2005.csv.gz')]);
    await expectSame([join(FIXTURES, 'goog-2004-2005.csv')], { symbol: 'GOOGL' });
    const sp = await expectSame([join(FIXTURES, 'sp500-4-sectors-2016-2017.csv.gz')], { universe: join(FIXTURES, 'sp500-4-sectors-universe.csv') });
    expect(sp.new.rows).toBeGreaterThan(40_000);
  });

  /** A long-format file refusing one row of every kind, with blank and space-only lines. */
  const BAD_LONG = [
    'symbol,date,open,high,low,close,volume',
    'AAA,2024-01-02,1,2,1,10,5',
    '',
    'AAA,2024-02-30,1,2,1,10,5', // not a real date
    '   ', // spaces: skipped, as csv-parse skipped it
    'AAA,2024-01-03,1,2,1,,5', // close missing
    'AAA,2024-01-04,1,2,1,-3.50,5', // close not positive
    'AAA,2024-01-02,1,2,1,11,5', // duplicate of line 2
    'AAA,2024-01-05,x,2,1,10,5', // open not a number
    'AAA,2024-01-08 09:30:00,1,2,1,10,5', // intraday
    'AAA,2024-01-09T10:00,1,2,1,10,5', // intraday, T
    'AAA,2024-1-10,1,2,1,10,5', // not YYYY-MM-DD
    ',2024-01-11,1,2,1,10,5', // symbol missing
    ' BBB ,2024-01-02,,,,7,', // ok, only close, spaces around the symbol
    'BBB,2024-01-03,NULL,n/a,-,8,NaN', // ok: missing values
    'BBB,2024-01-04,1,2,1,0,5', // close 0
    'BBB,2024-01-05,1,2,1,inf,5', // close not a number
    'BBB,2024-01-08,1,2,1,1e999,5', // close not a finite number
    'BBB,2024-01-09,1,2,1,9,lots', // volume not a number
    'BBB,2024-01-10,1,2,1,9', // short row: volume missing
    'BBB,2024-01-11,1,2,1,9,5,extra,cells', // extra cells ignored
    '"CCC","2024-01-02","1.5","2","1","3","4"', // quoted
    'CCC,2024-01-03,1.5,2,1,3,4',
    '0099-01-02,CCC', // short and odd
    'CCC,0099-01-04,1,2,1,3,4', // year before 0100, refused as JavaScript's Date refused it
    ' CCC , 2024-01-04 , 1 , 2 , 1 , 3 , 4 ', // spaces around every cell
  ];

  it('files with every kind of refused row, blank lines, CRLF, CR, a byte-order mark, gzip', async () => {
    const dir = tempDir();
    const files: Record<string, string | Buffer> = {
      'lf.csv': BAD_LONG.join('\n') + '\n',
      'crlf.csv': BAD_LONG.join('\r\n'),
      'cr.csv': BAD_LONG.join('\r') + '\r',
      'bom.csv': `\ufeff${BAD_LONG.join('\n')}`,
      'leading-blank.csv': `\n\n${BAD_LONG.join('\n')}\n\n\n`,
      'gzip-data.csv.gz': gzipSync(BAD_LONG.join('\r\n')),
    };
    for (const [name, text] of Object.entries(files)) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = await expectSame([file]);
      expect(r.newRejected.length, name).toBe(15);
    }
  });

  it('quoted fields holding line breaks (a record spanning lines is reported at its last line)', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.csv');
    writeFileSync(file, [
      'symbol,date,close,note',
      'AAA,2024-01-02,1,"first\nsecond"',
      'AAA,2024-01-03,x,"a ""quoted"" word"',
      'AAA,2024-01-04,-1,"three\nlines\nhere"',
      'AAA,2024-01-05,2,',
      'AAA,2024-01-05,3,"dup"',
    ].join('\n'));
    const r = await expectSame([file]);
    expect(r.newRejected.map((x) => x.line)).toEqual([4, 7, 9]);
  });

  it('several files: a repeat across files is refused with the first file and line, an empty file is refused', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const empty = join(dir, 'empty.csv');
    writeFileSync(a, 'symbol,date,close\nBBB,2024-01-03,2\nAAA,2024-01-02,1\n');
    writeFileSync(b, 'date,symbol,close\n\n2024-01-02,AAA,5\n2024-01-04,AAA,6\n');
    writeFileSync(empty, '\n\n');
    await expectSame([a, empty, b]);
  });

  it('single-symbol files: Adj Close missing or not positive, adjusted and raw', async () => {
    const dir = tempDir();
    const file = join(dir, 'XYZ.csv');
    writeFileSync(file, [
      'Date,Open,High,Low,Close,Adj Close,Volume',
      '2024-01-02,10,11,9,10,5,100',
      '2024-01-03,10,11,9,10,null,100',
      '2024-01-04,10,11,9,10,-1,100',
      '2024-01-05,10,11,9,10,abc,100',
      '2024-01-08,null,null,null,null,null,null',
      '2024-01-09,10.123456789,11.987654321,9.5,10.3333333333,7.777777777,100',
    ].join('\n'));
    await expectSame([file]);
    await expectSame([file], { adjust: false });
  });

  it('a universe file: refused rows and repeats', async () => {
    const dir = tempDir();
    const prices = join(dir, 'p.csv');
    const universe = join(dir, 'u.csv');
    writeFileSync(prices, 'symbol,date,close\nA,2024-01-02,1\nB,2024-01-02,2\n');
    writeFileSync(universe, ['Year,Ticker,Sector,Name', '2024,A,Tech,Alpha', '', '24,B,Energy,Beta', '2024,,Energy,', '2024,B,,Beta', '2024,B,Energy, Beta ', '2024,B,Energy,Again', '2025,B,Energy,'].join('\r\n'));
    await expectSame([prices], { universe });
  });

  it('random files: the same rows kept and refused, with the same lines', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    let n = 0;
    const number = fc.oneof(
      fc.double({ min: 0.01, max: 1000, noNaN: true }).map((v) => ({ v, text: String(v) })),
      fc.integer({ min: 1, max: 500 }).map((v) => ({ v, text: `${v}.0` })),
      fc.constantFrom({ v: 100, text: '1e2' }, { v: 0.5, text: '.5' }, { v: 3, text: '+3' }, { v: 4.25, text: ' 4.25 ' }, { v: 5, text: '"5"' }),
    );
    const missing = fc.constantFrom('', 'null', 'NULL', 'NaN', 'N/A', 'na', '-', ' na ');
    const bad = fc.constantFrom('x', 'abc', '1.2.3', 'inf', '--5', '1e999');
    const cellOf = (kind: 'num' | 'missing' | 'bad', v: { text: string }, m: string, b: string) => (kind === 'num' ? v.text : kind === 'missing' ? m : b);
    const kind = fc.constantFrom<'num' | 'missing' | 'bad'>('num', 'num', 'num', 'num', 'missing', 'bad');
    const row = fc.record({
      symbol: fc.constantFrom('AAA', 'BBB', ' CCC ', ''),
      date: fc.oneof(
        fc.integer({ min: 19_700, max: 19_720 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)),
        fc.constantFrom('2024-02-30', '2024-1-2', '2024/01/02', '2024-01-08 09:30', '', 'soon'),
      ),
      lowHigh: fc.tuple(number, number),
      close: fc.tuple(kind, number, missing, bad),
      open: fc.tuple(kind, number, missing, bad),
      volume: fc.tuple(kind, number, missing, bad),
      extra: fc.constantFrom('', '', '', ',', '"multi\nline"', ',,'),
      before: fc.constantFrom('', '', '', '', '\n', '   \n'),
    });
    const file = fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 25 }), crlf: fc.boolean(), gzip: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(file, async ({ rows, crlf, gzip }) => {
        const lines = ['symbol,date,open,high,low,close,volume,note', 'ZZZ,2024-01-02,1,2,1,3,4'];
        for (const r of rows) {
          const [low, high] = r.lowHigh[0].v <= r.lowHigh[1].v ? r.lowHigh : [r.lowHigh[1], r.lowHigh[0]];
          const cells = [r.symbol, r.date, cellOf(...r.open), high.text, low.text, cellOf(...r.close), cellOf(...r.volume)];
          lines.push(`${r.before.replace('\n', crlf ? '\r\n' : '\n')}${cells.join(',')}${r.extra ? `,${r.extra}` : ''}`);
        }
        // Line breaks inside quotes stay \n: csv-parse counted a quoted \r\n as two lines (see below).
        const text = lines.join(crlf ? '\r\n' : '\n');
        const path = join(dir, `random-${n++}.csv${gzip ? '.gz' : ''}`);
        writeFileSync(path, gzip ? gzipSync(text) : text);
        const r = await both([path]);
        expect(r.newRejected).toEqual(r.oldRejected);
        expect(r.new.fingerprint).toBe(r.old.fingerprint);
      }),
      { numRuns: 40, seed: 20_250_107 },
    );
  });
});
