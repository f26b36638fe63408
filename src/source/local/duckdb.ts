import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * An in-memory DuckDB connection, loaded on demand: the native module costs ~100 ms to load,
 * which commands that never read local files should not pay.
 */
export interface Duck {
  readonly connection: DuckDBConnection;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance: DuckDBInstance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
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
