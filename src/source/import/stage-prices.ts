import { sqlString } from '../local/duckdb.ts';
import { cell, readCsvSql, type CsvFile } from './csv-file.ts';
import type { PriceFormat } from './price-formats.ts';
import { REASON } from './reasons.ts';

/**
 * The SQL that checks one price file's records: as they are read (a refused one only marked), and
 * again for the refused ones alone, to say why (rejections.ts). DuckDB keeps a scan's order
 * through projections, so the Parquet written from it numbers records in file order.
 *
 * 1. Cells come in as text (c0, c1, …) and are mapped by the file's format (price-formats.ts).
 * 2. Each is typed as the row-by-row import did: a date is a real YYYY-MM-DD date (its text,
 *    trimmed, is the date's own ISO form: `2024-1-2`, `2024-01-02 09:30` and `2024/01/02` are
 *    not, and years before 0100 are refused as JavaScript's Date refused them); a value is
 *    missing when its text, trimmed and lower-cased, is '', null, nan, na, n/a or -, else it must
 *    be a finite number (DuckDB's cast reads inf and 1e999 as Infinity: not a number here).
 * 3. One cheap test per row decides whether it is fine; only rows that fail it get a reason
 *    code, in the order the checks always ran: symbol, date, each number (open, high, low, close,
 *    adj close, volume), close missing, close ≤ 0, adj close missing or ≤ 0 (when adjusting),
 *    and, new, high < low. The cells the message quotes go along (`detail`).
 * 4. With Adj Close (and `adjust`), open, high and low are scaled by adj ÷ close and close
 *    becomes adj close, with the same two roundings as before (factor first, then the product).
 */
export interface PriceStageOptions {
  readonly adjust: boolean;
}

const MISSING = `['', 'null', 'nan', 'na', 'n/a', '-']`;
const trim = (x: string) => `trim(${x}, ' \t')`;
/** True when a cell holds no value (list_contains, not IN: DuckDB turns IN into a join on every row). */
const missing = (x: string) => `(${x} IS NULL OR list_contains(${MISSING}, lower(${trim(x)})))`;
/** A number cast from a cell, kept when finite: DuckDB reads 'nan', 'inf' and '1e999' as NaN and ±Infinity, which are no prices. */
const finite = (cast: string) => `CASE WHEN isfinite(${cast}) THEN ${cast} END`;
/**
 * The date `cast` (DuckDB's cast of the cell `x`, which is lenient: '2024-1-2', '2024-01-02T10:00')
 * kept only when the cell's text, trimmed, is that date's own YYYY-MM-DD form, years 0100–9999
 * (JavaScript's Date took 00xx for 19xx: the row-by-row import refused them).
 */
const exactDate = (cast: string, x: string) =>
  `CASE WHEN ${cast} BETWEEN DATE '0100-01-01' AND DATE '9999-12-31' AND (${cast}::VARCHAR = ${x} OR ${cast}::VARCHAR = ${trim(x)}) THEN ${cast} END`;
/** A cell's date when its text is exactly a real YYYY-MM-DD date (spaces around allowed), else NULL. */
export function isoDateSql(x: string): string {
  return exactDate(`TRY_CAST(${x} AS DATE)`, x);
}

const FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;

/**
 * The SELECT checking one file's records: symbol, date, open … volume (adjusted), reason, detail,
 * and the `carry` columns of `reader` as they are.
 */
export function priceStageSql(file: CsvFile, format: PriceFormat, options: PriceStageOptions, reader = readCsvSql(file), carry: readonly string[] = []): string {
  const raw = (column: number) => (column >= 0 ? cell(column) : 'NULL::VARCHAR');
  const symbol = typeof format.symbol === 'number' ? `coalesce(${trim(cell(format.symbol))}, '')` : sqlString(format.symbol);
  const adjusting = options.adjust && format.adjClose >= 0;
  const present = FIELDS.filter((f) => format[f] >= 0);

  // Level 1: the cells, by role.
  const cells = [
    `${raw(format.date)} AS d_txt`,
    ...FIELDS.map((f) => `${raw(format[f])} AS ${f}_txt`),
    `CASE WHEN ${cell(1)} IS NULL THEN ${trim(`coalesce(${cell(0)}, '')`)} = '' ELSE false END AS blank`,
    `${symbol} AS symbol`,
    ...carry,
  ].join(', ');
  // Level 2: cast (each cell once), then kept when exact.
  const texts = ['d_txt', ...FIELDS.map((f) => `${f}_txt`), 'blank', 'symbol', ...carry];
  const cast = [...texts, 'TRY_CAST(d_txt AS DATE) AS d_cast', ...FIELDS.map((f) => (format[f] >= 0 ? `TRY_CAST(${f}_txt AS DOUBLE)` : 'NULL::DOUBLE') + ` AS ${f}_cast`)].join(', ');
  const typed = [...texts, `${exactDate('d_cast', 'd_txt')} AS date`, ...FIELDS.map((f) => (format[f] >= 0 ? finite(`${f}_cast`) : 'NULL::DOUBLE') + ` AS ${f}`)].join(', ');
  // Level 3: the reason. A cheap test (every value present and parsed, close > 0, high ≥ low) passes
  // almost every row; the others go through the checks in order, and get NULL if none fails
  // (a row whose missing values are allowed).
  const fine = [
    'NOT blank',
    typeof format.symbol === 'number' ? `symbol <> ''` : 'true',
    'date IS NOT NULL',
    ...present.map((f) => `${f} IS NOT NULL`),
    'close > 0',
    ...(adjusting ? ['adjClose > 0'] : []),
    ...(format.high >= 0 && format.low >= 0 ? ['high >= low'] : []),
  ].join(' AND ');
  const reasons: [string, number][] = [
    ['blank', REASON.blank],
    [`symbol = ''`, REASON.symbolMissing],
    ['date IS NULL', REASON.badDate],
    ...present.map((f): [string, number] => [`${f} IS NULL AND NOT ${missing(`${f}_txt`)}`, REASON.notANumber[f]]),
    ['close IS NULL', REASON.closeMissing],
    ['close <= 0', REASON.closeNotPositive],
    ...(adjusting ? [['adjClose IS NULL OR adjClose <= 0', REASON.adjNotPositive] as [string, number]] : []),
    ['high < low', REASON.highBelowLow],
  ];
  const reason = `CASE WHEN ${fine} THEN NULL ELSE CASE ${reasons.map(([when, code]) => `WHEN ${when} THEN ${code}`).join(' ')} END END::UTINYINT AS reason`;
  // Level 4: the stored values and what a refusal's message quotes.
  const factor = '(adjClose / close)';
  const scaled = (f: 'open' | 'high' | 'low') => (adjusting ? `${f} * ${factor}` : f);
  const detail = `CASE reason WHEN ${REASON.badDate} THEN [d_txt] ${FIELDS.map((f) => `WHEN ${REASON.notANumber[f]} THEN [${f}_txt]`).join(' ')}
    WHEN ${REASON.closeNotPositive} THEN [close_txt] WHEN ${REASON.highBelowLow} THEN [high_txt, low_txt] END AS detail`;
  return `SELECT symbol, date, ${scaled('open')} AS open, ${scaled('high')} AS high, ${scaled('low')} AS low,
      ${adjusting ? 'adjClose' : 'close'} AS close, volume, reason, ${detail}${carry.map((c) => `, ${c}`).join('')}
    FROM (SELECT *, ${reason} FROM (SELECT ${typed} FROM (SELECT ${cast} FROM (SELECT ${cells} FROM ${reader}))))`;
}

/**
 * The fast pass's SELECT: the store's columns for every record, a refused one (or a line of
 * spaces) marked by a NULL close, which no accepted row has.
 */
export function priceStoreSql(file: CsvFile, format: PriceFormat, options: PriceStageOptions, reader = readCsvSql(file)): string {
  return `SELECT symbol, date, open, high, low, CASE WHEN reason IS NULL THEN close END AS close, volume
    FROM (${priceStageSql(file, format, options, reader)})`;
}
