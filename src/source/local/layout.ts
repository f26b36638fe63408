import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  return {
    dir,
    pricesFile,
    universeFile,
    prices: tableExpression(pricesFile, PRICE_COLUMNS, PRICE_SELECT),
    universe: tableExpression(universeFile, UNIVERSE_COLUMNS, UNIVERSE_SELECT),
  };
}

function tableExpression(file: string, columns: string, select: string): string {
  if (file.endsWith('.parquet')) return `(SELECT ${select} FROM read_parquet(${sqlString(file)}))`;
  return `(SELECT ${select} FROM read_csv(${sqlString(file)}, header = true, columns = ${columns}, dateformat = '%Y-%m-%d'))`;
}
