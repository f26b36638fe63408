import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import { DataError, UsageError } from '../errors.ts';
import { saveOption } from './run-folder.ts';
import { hasSignal, readRows, RUN_TABLES, type QueryResult, type RunTable, type RunTables } from './run-tables.ts';

/**
 * The user's `--sql`, over a run's tables and nothing else:
 * 1. every statement is prepared (nothing runs yet) and must be a query — SELECT, WITH, FROM, VALUES,
 *    DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info (DuckDB plans these as SELECT) or EXPLAIN; COPY,
 *    INSTALL, LOAD, ATTACH, SET, CREATE … are refused before anything runs;
 * 2. the statements run in order and the last one's rows are returned;
 * 3. the connection itself reads only the run's CSV files (`openRunTables` locks it down), so even a
 *    query cannot reach another file.
 * A failing query is bad input (exit 2), with the reason in one line; a query naming a table this
 * run lacks says why it is missing.
 */
/** Why a run may lack a table, for messages. */
function whyAbsent(table: RunTable, tables: RunTables): string {
  const { run } = tables;
  const notSaved = `it was not saved: ${saveOption(run)}`;
  const damaged = 'the run folder is damaged';
  switch (table) {
    case 'summary':
      return damaged;
    case 'equity':
    case 'trades':
      return run.saved.has(table) ? damaged : notSaved;
    case 'diagnostics':
      if (!hasSignal(tables)) return 'only strategies with a signal (vopa, momentum) write it';
      return run.saved.has('diagnostics') ? damaged : notSaved;
    case 'benchmark':
      return 'runs before the benchmark existed did not write it';
    case 'signals':
      return 'only runs with --signals write it';
  }
}

export async function userQuery(tables: RunTables, sql: string): Promise<QueryResult> {
  // DuckDB's module loads with the first connection (openDuck), not at every start of `backtest`.
  const { StatementType } = await import('@duckdb/node-api');
  const queries = new Set([StatementType.SELECT, StatementType.EXPLAIN]);
  try {
    const connection = tables.duck.connection;
    const extracted = await connection.extractStatements(sql);
    const statements: DuckDBPreparedStatement[] = [];
    for (let k = 0; k < extracted.count; k++) {
      const statement = await extracted.prepare(k);
      if (!queries.has(statement.statementType)) {
        throw new UsageError(`--sql: only queries run over a run's tables (SELECT, WITH, DESCRIBE, SUMMARIZE, EXPLAIN …), not ${StatementType[statement.statementType]}`, 'E_BAD_SQL');
      }
      statements.push(statement);
    }
    if (!statements.length) throw new UsageError('--sql: the query is empty', 'E_BAD_SQL');
    for (const statement of statements.slice(0, -1)) await statement.run();
    return await readRows(tables, () => statements.at(-1)!.runAndReadAll());
  } catch (err) {
    if (err instanceof DataError || err instanceof UsageError) throw err;
    const message = (err as Error).message.split('\n')[0]!.replace(/^Failed to extract statements: /, '').trim();
    const missing = /Table with name "?([A-Za-z_]+)"? does not exist/i.exec(message)?.[1]?.toLowerCase();
    const known = `tables: ${tables.present.join(', ')}`;
    if (missing && (RUN_TABLES as readonly string[]).includes(missing)) {
      throw new UsageError(`--sql: run ${tables.run.id} has no ${missing}.csv (${whyAbsent(missing as RunTable, tables)}), so there is no table ${missing}; ${known}`, 'E_BAD_SQL', { cause: err });
    }
    throw new UsageError(`--sql: ${message}; ${known}`, 'E_BAD_SQL', { cause: err });
  }
}
