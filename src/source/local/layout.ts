import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DataError } from '../../errors.ts';
import { sqlString } from './duckdb.ts';

/**
 * The files of a local data folder: `prices` and `universe`, each as Parquet or CSV (plain
 * or gzip). Returns DuckDB table expressions that read them with the contract's types.
 */
export interface DataLayout {
  readonly dir: string;
  readonly pricesFile: string;
  readonly universeFile: string;
  readonly prices: string;
  readonly universe: string;
}

const EXTENSIONS = ['.parquet', '.csv', '.csv.gz'] as const;

const PRICE_COLUMNS = `{'symbol': 'VARCHAR', 'date': 'DATE', 'open': 'DOUBLE', 'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'}`;
const UNIVERSE_COLUMNS = `{'season': 'INTEGER', 'symbol': 'VARCHAR', 'peer_group': 'VARCHAR', 'name': 'VARCHAR'}`;

const PRICE_SELECT = 'symbol::VARCHAR AS symbol, date::DATE AS date, open::DOUBLE AS open, high::DOUBLE AS high, low::DOUBLE AS low, close::DOUBLE AS close, volume::DOUBLE AS volume';
const UNIVERSE_SELECT = 'season::INTEGER AS season, symbol::VARCHAR AS symbol, peer_group::VARCHAR AS peer_group, name::VARCHAR AS name';

export function findFile(dir: string, stem: string): string | undefined {
  for (const ext of EXTENSIONS) {
    const file = join(dir, stem + ext);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function dataLayout(dir: string): DataLayout {
  if (!existsSync(dir)) throw new DataError(`--data ${dir}: no such folder`, 'E_NO_DATA');
  const pricesFile = findFile(dir, 'prices');
  if (!pricesFile) {
    throw new DataError(`--data ${dir} holds no prices: expected prices.parquet, prices.csv or prices.csv.gz (make them with \`backtest import\`)`, 'E_NO_PRICES');
  }
  const universeFile = findFile(dir, 'universe');
  if (!universeFile) {
    throw new DataError(`--data ${dir} holds no universe: expected universe.parquet, universe.csv or universe.csv.gz (\`backtest import\` writes one)`, 'E_NO_UNIVERSE');
  }
  checkFile(pricesFile, PRICE_NAMES);
  checkFile(universeFile, UNIVERSE_NAMES, UNIVERSE_OPTIONAL);
  return {
    dir,
    pricesFile,
    universeFile,
    prices: tableExpression(pricesFile, PRICE_COLUMNS, PRICE_SELECT),
    // The universe's optional columns (membership dates, shares outstanding) are read by name, so a CSV may have them or not.
    universe: universeFile.endsWith('.parquet') ? tableExpression(universeFile, UNIVERSE_COLUMNS, UNIVERSE_SELECT) : `(SELECT ${UNIVERSE_SELECT} FROM read_csv(${sqlString(universeFile)}, header = true, all_varchar = true))`,
  };
}

function tableExpression(file: string, columns: string, select: string): string {
  if (file.endsWith('.parquet')) return `(SELECT ${select} FROM read_parquet(${sqlString(file)}))`;
  return `(SELECT ${select} FROM read_csv(${sqlString(file)}, header = true, columns = ${columns}, dateformat = '%Y-%m-%d'))`;
}

const PRICE_NAMES = ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume'];
const UNIVERSE_NAMES = ['season', 'symbol', 'peer_group', 'name'];
/** Columns a universe file may have after its four: membership dates (`--universe rolling`), shares outstanding (`--impact almgren`). */
const UNIVERSE_OPTIONAL: ReadonlySet<string> = new Set(['start_date', 'end_date', 'shares_outstanding']);

/**
 * What can be told of a data file without reading it with DuckDB, refused as one line of bad
 * input naming the file: a Parquet file must start and end with Parquet's magic bytes (a copy
 * cut short, or a CSV renamed, does not); a CSV file's header must be the contract's columns in
 * their order (DuckDB reads them by position), so a Yahoo-style file saved as prices.csv says
 * which columns it has and that `backtest import` converts it. (Damage deeper inside a Parquet
 * file is named when DuckDB meets it: see duckdb.ts.)
 */
function checkFile(file: string, names: readonly string[], optional: ReadonlySet<string> = new Set()): void {
  const head = readHead(file, 64 * 1024);
  if (file.endsWith('.parquet')) {
    const fd = openSync(file, 'r');
    const tail = Buffer.alloc(8);
    let size = 0;
    try {
      size = fstatSync(fd).size;
      if (size >= 8) readSync(fd, tail, 0, 8, size - 8);
    } finally {
      closeSync(fd);
    }
    const magic = (b: Buffer, at: number) => b.subarray(at, at + 4).toString('latin1') === 'PAR1';
    if (size < 12 || !magic(head, 0)) throw new DataError(`${file} is not a Parquet file; re-create it with \`backtest import\``, 'E_BAD_DATA_FILE');
    if (!magic(tail, 4) || tail.readUInt32LE(0) > size - 12) {
      throw new DataError(`${file} is cut short (its Parquet footer is missing); re-create it with \`backtest import\``, 'E_BAD_DATA_FILE');
    }
    return;
  }
  let text: string;
  try {
    text = (head[0] === 0x1f && head[1] === 0x8b ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head).toString('utf8');
  } catch {
    throw new DataError(`${file} cannot be read as gzip; re-create it with \`backtest import\``, 'E_BAD_DATA_FILE');
  }
  const header = (text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/)[0] ?? '').split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const lower = header.map((h) => h.toLowerCase());
  const extra = lower.slice(names.length);
  if (lower.slice(0, names.length).join(',') !== names.join(',') || extra.some((c) => !optional.has(c)) || new Set(extra).size !== extra.length) {
    throw new DataError(
      `${file} has the columns ${header.join(',') || '(none)'}; a data folder's ${file.endsWith('.gz') ? 'gzip CSV' : 'CSV'} needs ${names.join(',')}` +
        (optional.size ? ` (then, optionally, ${[...optional].join(', ')})` : '') +
        ' — `backtest import FILE --data DIR` converts price files (long or Yahoo-style) into a data folder',
      'E_BAD_DATA_FILE',
    );
  }
}

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}
