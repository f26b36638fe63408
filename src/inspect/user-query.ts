import type { DuckDBConnection, StatementType } from '@duckdb/node-api';
import { DataError, UsageError } from '../errors.ts';
import { sqlString } from '../source/local/duckdb.ts';
import { explained, splitStatements } from './sql-text.ts';
import { saveOption } from './run-folder.ts';
import { hasSignal, readRows, RUN_TABLES, type QueryResult, type RunTable, type RunTables } from './run-tables.ts';

/**
 * The user's `--sql`, over a run's tables and nothing else:
 * 1. every statement is prepared (nothing runs yet) and must be a query: DuckDB's parser says what
 *    it is — SELECT (also WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info, which
 *    DuckDB plans as SELECT) or EXPLAIN; COPY, INSTALL, LOAD, ATTACH, SET, CREATE, DROP … are
 *    refused before anything runs;
 * 2. an EXPLAIN is a query only when what it explains is one: its text (sql-text.ts; the split
 *    checked against DuckDB's own) must parse, in DuckDB's `json_serialize_sql`, as exactly one
 *    SELECT — `EXPLAIN ANALYZE` runs the statement it explains, `EXPLAIN ANALYZE CREATE OR REPLACE
 *    VIEW …` would replace a view;
 * 3. the statements run in order, each on a fresh connection (a temporary object could not outlive
 *    its statement), and the last one's rows are returned;
 * 4. the views themselves are in a read-only database (`openRunTables(run, { readOnly: true })`,
 *    which the CLI opens for --sql) and the connection reads only the run's CSV files, so even a
 *    statement that got past 1–2 could change nothing.
 * A failing query is bad input (exit 2), with the reason in one line; a query naming a table this
 * run lacks says why it is missing.
 */
/** Why a run may lack a table, for messages. */
/** Each EXPLAIN's statement must be a single SELECT (DuckDB's parser decides; the text comes from sql-text.ts). */
async function checkExplained(connection: DuckDBConnection, sql: string, types: readonly StatementType[], refuse: (what: string) => UsageError): Promise<void> {
  const { StatementType } = await import('@duckdb/node-api');
  const texts = splitStatements(sql);
  // The split must be DuckDB's: as many statements, each alone of the same kind.
  let agrees = texts.length === types.length;
  for (let k = 0; agrees && k < texts.length; k++) {
    const alone = await connection.extractStatements(texts[k]!).catch(() => undefined);
    agrees = alone?.count === 1 && (await alone.prepare(0).then((p) => p.statementType, () => undefined)) === types[k];
  }
  if (!agrees) throw new UsageError('--sql: cannot tell where its statements end around an EXPLAIN; run the EXPLAIN on its own', 'E_BAD_SQL');
  for (let k = 0; k < texts.length; k++) {
    if (types[k] !== StatementType.EXPLAIN) continue;
    const inner = explained(texts[k]!);
    const reader = await connection.runAndReadAll(`SELECT json_serialize_sql(${sqlString(inner ?? '')}) AS tree`);
    const tree = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{}')) as { error?: boolean; statements?: unknown[] };
    if (tree.error !== false || tree.statements?.length !== 1) {
      const kind = /^\s*([A-Za-z]+)/.exec(inner ?? '')?.[1]?.toUpperCase() ?? 'a statement that is no query';
      throw refuse(`EXPLAIN of ${kind}`);
    }
  }
}

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
    case 'exposure':
    case 'round_trips': {
      const with_ = table === 'exposure' ? 'equity' : 'trades';
      return run.saved.has(with_) ? `it comes with ${with_}.csv; runs before it existed did not write it` : notSaved;
    }
    case 'diagnostics':
      if (!hasSignal(tables)) return 'only strategies with a signal (vopa, momentum) write it';
      return run.saved.has('diagnostics') ? damaged : notSaved;
    case 'benchmark':
      return 'runs before the benchmark existed did not write it';
    case 'signals':
      return 'only runs with --signals write it';
    case 'capacity':
      return 'only runs with --capacity write it';
    case 'folds':
    case 'oos_equity':
    case 'oos_summary':
      return run.manifest.walk_forward ? damaged : 'only walk-forward runs (--walk-forward, --holdout) write it';
  }
}

export async function userQuery(tables: RunTables, sql: string): Promise<QueryResult> {
  // DuckDB's module loads with the first connection (openRunTables), not at every start of `backtest`.
  const { StatementType } = await import('@duckdb/node-api');
  const queries = new Set([StatementType.SELECT, StatementType.EXPLAIN]);
  const refuse = (what: string) => new UsageError(`--sql: only queries run over a run's tables (SELECT, WITH, DESCRIBE, SUMMARIZE, EXPLAIN …), not ${what}`, 'E_BAD_SQL');
  try {
    const connection = tables.duck.connection;
    const extracted = await connection.extractStatements(sql);
    const types: StatementType[] = [];
    for (let k = 0; k < extracted.count; k++) {
      const type = (await extracted.prepare(k)).statementType;
      if (!queries.has(type)) throw refuse(StatementType[type]);
      types.push(type);
    }
    if (!types.length) throw new UsageError('--sql: the query is empty', 'E_BAD_SQL');
    if (types.includes(StatementType.EXPLAIN)) await checkExplained(connection, sql, types, refuse);
    let last: QueryResult | undefined;
    for (let k = 0; k < types.length; k++) {
      const fresh = await tables.connect();
      const statement = await (await fresh.extractStatements(sql)).prepare(k);
      if (k < types.length - 1) await statement.run();
      else last = await readRows(tables, () => statement.runAndReadAll());
    }
    return last!;
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
