import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { sqlString, type Duck } from '../local/duckdb.ts';
import { cell, openCsvFile, type CsvFile } from './csv-file.ts';
import { REASON } from './reasons.ts';
import { copyCsv, STAGE_PARQUET } from './stage.ts';
import { isoDateSql } from './stage-prices.ts';
import { STORE_PARQUET } from './write-store.ts';

/**
 * The universe: which symbols are members of each season, in which peer group.
 *
 * A universe file (`--universe`) has the columns season, symbol, peer_group (or year, ticker,
 * sector/group), and optionally name, start_date and end_date: the part of the season the
 * symbol is a member (YYYY-MM-DD; empty = from the season's start, to its end), for index
 * membership that changes within a year. Rows are refused, with their line, for a season that
 * is not a four-digit year, a missing symbol or peer group, a start or end that is not a real
 * date, an end before the start, and a repeated (season, symbol) (the first wins).
 * universe.parquet has start_date and end_date (nullable DATE) only when the file (or, with
 * --append, the folder's universe) has them.
 *
 * Without a universe file, every imported symbol is a member, in peer group `default`, of each
 * calendar year it has prices in.
 */
export interface UniverseColumns {
  readonly season: number;
  readonly symbol: number;
  readonly peer: number;
  readonly name: number;
  readonly start: number;
  readonly end: number;
}

export function universeColumns(file: string, header: readonly string[]): UniverseColumns {
  const names = header.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const at = (...a: string[]) => names.findIndex((n) => a.includes(n));
  const columns = { season: at('season', 'year'), symbol: at('symbol', 'ticker'), peer: at('peer_group', 'sector', 'group'), name: at('name'), start: at('start_date'), end: at('end_date') };
  if (columns.season < 0 || columns.symbol < 0 || columns.peer < 0) {
    throw new UsageError(`${file}: unrecognised universe header "${header.join(',')}"; expected season,symbol,peer_group,name[,start_date,end_date]`, 'E_BAD_IMPORT');
  }
  return columns;
}

/** The universe file's header and columns, checked before anything is read. */
export async function openUniverseFile(file: string): Promise<{ csv: CsvFile; columns: UniverseColumns } | undefined> {
  const csv = await openCsvFile(file);
  if (!csv) return undefined;
  return { csv, columns: universeColumns(file, csv.header) };
}

const trim = (x: string) => `trim(${x}, ' \t')`;

/**
 * Reads the universe file into `work/universe.parquet`: every record in file order with season,
 * symbol, peer_group, name, start_date, end_date, and its reason if refused (duplicates apart).
 */
export async function stageUniverse(duck: Duck, file: { csv: CsvFile; columns: UniverseColumns }, work: string): Promise<string> {
  const { csv, columns: c } = file;
  const raw = (k: number) => (k >= 0 ? cell(k) : 'NULL::VARCHAR');
  const stage = join(work, 'universe.parquet');
  const select = (reader: string) => `
    SELECT season, symbol, peer_group, name, start_date, end_date, reason,
      CASE reason WHEN ${REASON.seasonNotAYear} THEN [season_txt] WHEN ${REASON.badStartDate} THEN [start_txt] WHEN ${REASON.badEndDate} THEN [end_txt]
        WHEN ${REASON.endBeforeStart} THEN [start_txt, end_txt] END AS detail
    FROM (SELECT *, CASE
        WHEN blank THEN ${REASON.blank}
        WHEN season IS NULL THEN ${REASON.seasonNotAYear}
        WHEN symbol = '' THEN ${REASON.universeSymbolMissing}
        WHEN peer_group = '' THEN ${REASON.peerGroupMissing}
        WHEN start_date IS NULL AND start_txt <> '' THEN ${REASON.badStartDate}
        WHEN end_date IS NULL AND end_txt <> '' THEN ${REASON.badEndDate}
        WHEN end_date < start_date THEN ${REASON.endBeforeStart}
      END::UTINYINT AS reason
      FROM (SELECT blank, season_txt, start_txt, end_txt,
          CASE WHEN regexp_full_match(season_txt, '[0-9]{4}') THEN season_txt::INTEGER END AS season,
          symbol, peer_group, nullif(name, '') AS name,
          ${isoDateSql('start_txt')} AS start_date, ${isoDateSql('end_txt')} AS end_date
        FROM (SELECT (${cell(1)} IS NULL AND ${trim(`coalesce(${cell(0)}, '')`)} = '') AS blank,
            coalesce(${trim(raw(c.season))}, '') AS season_txt, coalesce(${trim(raw(c.symbol))}, '') AS symbol,
            coalesce(${trim(raw(c.peer))}, '') AS peer_group, coalesce(${trim(raw(c.name))}, '') AS name,
            coalesce(${trim(raw(c.start))}, '') AS start_txt, coalesce(${trim(raw(c.end))}, '') AS end_txt
          FROM ${reader})))`;
  await copyCsv(duck, csv, (reader) => `COPY (${select(reader)}) TO ${sqlString(stage)} (${STAGE_PARQUET})`);
  return stage;
}

/**
 * The view `universe_staged` (fi = `fileIndex`, rec) over the stage, and the temp table
 * `universe_duplicates` of the repeats among its accepted rows.
 */
export async function universeRejections(duck: Duck, stage: string, fileIndex: number): Promise<void> {
  await duck.connection.run(`CREATE OR REPLACE TEMP VIEW universe_staged AS
    SELECT ${fileIndex} AS fi, file_row_number::INTEGER AS rec, * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(stage)}, file_row_number = true)`);
  await duck.connection.run(`CREATE OR REPLACE TEMP TABLE universe_duplicates AS
    SELECT fi, rec, season, symbol FROM universe_staged WHERE reason IS NULL
    QUALIFY row_number() OVER (PARTITION BY season, symbol ORDER BY rec) > 1`);
}

/** Universe rows to write, as a query: from the file (first of each pair), or derived from the prices written. */
export function universeRowsSql(source: { stage: string } | { prices: string }, dates: boolean): string {
  const extra = dates ? ', start_date, end_date' : '';
  if ('stage' in source) {
    return `SELECT season, symbol, peer_group, name${extra} FROM universe_staged WHERE reason IS NULL
      QUALIFY row_number() OVER (PARTITION BY season, symbol ORDER BY rec) = 1`;
  }
  return `SELECT DISTINCT year(date)::INTEGER AS season, symbol, 'default' AS peer_group, NULL::VARCHAR AS name${dates ? ', NULL::DATE AS start_date, NULL::DATE AS end_date' : ''}
    FROM read_parquet(${sqlString(source.prices)})`;
}

/**
 * Writes universe.parquet from `rows` (a query), with the folder's rows kept by `--append`:
 * given rows replace the folder's rows of the same (season, symbol); derived rows only fill
 * pairs the folder does not have.
 */
export async function writeUniverse(duck: Duck, rows: string, out: string, options: { existing?: string | undefined; given: boolean; dates: boolean }): Promise<void> {
  const cols = `season, symbol, peer_group, name${options.dates ? ', start_date, end_date' : ''}`;
  let sql = `SELECT ${cols} FROM (${rows})`;
  if (options.existing) {
    const existing = `(SELECT ${cols} FROM ${options.existing})`;
    sql = options.given
      ? `SELECT ${cols} FROM (${rows}) UNION ALL SELECT ${cols} FROM ${existing} e ANTI JOIN (${rows}) n USING (season, symbol)`
      : `SELECT ${cols} FROM ${existing} UNION ALL SELECT ${cols} FROM (${rows}) n ANTI JOIN ${existing} e USING (season, symbol)`;
  }
  await duck.connection.run(`COPY (SELECT * FROM (${sql}) ORDER BY season, symbol) TO ${sqlString(out)} (${STORE_PARQUET})`);
}
