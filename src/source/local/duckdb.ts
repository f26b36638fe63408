import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { availableParallelism } from 'node:os';
import { DataError, firstLine } from '../../errors.ts';

/**
 * An in-memory DuckDB connection, loaded on demand: the native module costs ~100 ms to load,
 * which commands that never read local files should not pay.
 *
 * By default, DuckDB's refusal of a file a statement reads (a damaged Parquet file, a CSV file
 * whose rows do not fit its columns, a column missing) becomes one line of bad input naming
 * the file (`DataError`, exit 2) instead of DuckDB's words alone; `fileErrors: false` keeps
 * DuckDB's errors as they are (the import maps its own).
 */
export interface Duck {
  readonly connection: DuckDBConnection;
  close(): void;
}

export async function openDuck(options: { fileErrors?: boolean } = {}): Promise<Duck> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance: DuckDBInstance = await DuckDBInstance.create(':memory:', { threads: String(duckThreads()) });
  const raw = await instance.connect();
  const connection = options.fileErrors === false ? raw : withFileErrors(raw);
  return {
    connection,
    close() {
      raw.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * DuckDB's threads: as many as this process may use (DuckDB's own default counts the host's cores,
 * which a container or an affinity mask may not grant).
 */
export function duckThreads(): number {
  return availableParallelism();
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** All rows of a query as plain JS values (dates as ISO strings). */
export async function queryRows(duck: Duck, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await duck.connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** The connection's statement methods, whose failures may be about a file. */
const STATEMENTS = new Set(['run', 'runAndRead', 'runAndReadAll', 'runAndReadUntil', 'stream', 'streamAndRead', 'streamAndReadAll', 'streamAndReadUntil']);

function withFileErrors(connection: DuckDBConnection): DuckDBConnection {
  return new Proxy(connection, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !STATEMENTS.has(prop)) return value.bind(target);
      return async (sql: string, ...rest: unknown[]) => {
        try {
          return await value.call(target, sql, ...rest);
        } catch (err) {
          throw (await fileError(target, sql, err)) ?? err;
        }
      };
    },
  });
}

/** Files a statement reads: the literal paths of its read_parquet and read_csv calls. */
export function filesRead(sql: string): string[] {
  const files = [...sql.matchAll(/read_(?:parquet|csv)\(\s*'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
  return [...new Set(files)];
}

/**
 * When `err` is DuckDB refusing one of the files `sql` reads, a DataError naming that file: the
 * file DuckDB's message names, or the first one DuckDB cannot open on its own (a Parquet footer
 * that cannot be read), or the one that lacks a column the message says is missing.
 */
async function fileError(connection: DuckDBConnection, sql: string, err: unknown): Promise<DataError | undefined> {
  const message = err instanceof Error ? err.message : String(err);
  if (!/^(IO|Invalid Input|Invalid|Conversion|Binder) Error/.test(message)) return undefined;
  const files = filesRead(sql);
  if (files.length === 0) return undefined;
  const what = firstLine(message).replace(/^[A-Za-z ]+ Error: /, '');
  const csvLine = /CSV Error on Line: (\d+)/.exec(message);
  const body = message.split('\nLINE ')[0]!; // DuckDB quotes the statement after "LINE n:": not a file it names
  const named = message.startsWith('Binder') ? undefined : files.find((f) => body.includes(f));
  if (named && csvLine) {
    const problem = message.split('\n').map((l) => l.trim()).find((l) => /^(Error when converting|Could not convert|Expected Number of Columns)/.test(l)) ?? what;
    return new DataError(`${named}:${csvLine[1]}: ${problem}; re-create the data folder with \`backtest import\``, 'E_BAD_DATA_FILE', { cause: err });
  }
  if (named) return new DataError(`${named} cannot be read: ${what.replace(` '${named}'`, '')}; re-create it with \`backtest import\``, 'E_BAD_DATA_FILE', { cause: err });
  const column = /(?:Referenced column|Column) "([^"]+)" (?:not found|referenced)/.exec(message)?.[1];
  for (const file of files) {
    const reader = file.endsWith('.parquet') ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)}, header = true)`;
    try {
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)).getRows().map((r) => String(r[0]));
      if (column && !columns.includes(column)) {
        return new DataError(`${file} has no column "${column}" (it has ${columns.join(', ')}); re-create it with \`backtest import\``, 'E_BAD_DATA_FILE', { cause: err });
      }
    } catch (probe) {
      return new DataError(`${file} cannot be read: ${firstLine(probe).replace(/^[A-Za-z ]+ Error: /, '') || what}; re-create it with \`backtest import\``, 'E_BAD_DATA_FILE', { cause: err });
    }
  }
  return undefined;
}
