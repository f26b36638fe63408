import type { Argv } from 'yargs';
import { UsageError } from '../../errors.ts';
import { buildInspectView, findRun, openRunTables, queryJson, renderInspect, renderQuery, userQuery } from '../../inspect/index.ts';
import type { CliIO } from '../io.ts';

/** `backtest inspect [run]`: a finished run's top variants, diagnostics and manifest, or a SQL query over its CSVs. */
export function inspectOptions<T>(y: Argv<T>) {
  return y
    .positional('run', { type: 'string', describe: 'run id (or a unique prefix), or a run folder', defaultDescription: 'the latest complete run' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('rank-by', { type: 'string', describe: 'metric ranking the variants (lower first for volatility, turnover, costs …)', defaultDescription: "the run's own --rank-by" })
    .option('top', { type: 'string', default: '10', describe: 'variants shown' })
    .option('sql', { type: 'string', describe: 'a DuckDB query over the tables summary, equity, trades, diagnostics (and benchmark, signals)' })
    .option('partial', { type: 'boolean', default: false, describe: 'accept a run interrupted after some variants finished' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON on stdout' });
}

type InspectArgs = Awaited<ReturnType<typeof inspectOptions>['argv']>;

export async function inspectCommand(args: InspectArgs, io: CliIO): Promise<number> {
  const top = positiveInteger('--top', args.top);
  const run = findRun(args.run, { out: args.out, allowPartial: args.partial });
  // A user's SQL gets the views in a read-only database; inspect's own queries the quicker in-memory ones.
  const tables = await openRunTables(run, { readOnly: args.sql !== undefined });
  try {
    if (args.sql !== undefined) {
      if (args.sql.trim() === '') throw new UsageError('--sql: the query is empty', 'E_BAD_SQL');
      const result = await userQuery(tables, args.sql);
      io.stdout(args.json ? `${JSON.stringify(queryJson(result), null, 2)}\n` : renderQuery(result));
      return 0;
    }
    const view = await buildInspectView(tables, { rankBy: args['rank-by'] ?? runRankBy(run.manifest), top });
    io.stdout(args.json ? `${JSON.stringify(view, null, 2)}\n` : renderInspect(view));
    return 0;
  } finally {
    tables.close();
  }
}

/** The metric a run was ranked by when it was made (its manifest's `rank_by`; sharpe for runs without one). */
export function runRankBy(manifest: { readonly rank_by?: unknown }): string {
  return typeof manifest.rank_by === 'string' && manifest.rank_by ? manifest.rank_by : 'sharpe';
}

/** A whole number ≥ 1 from an option's text. */
export function positiveInteger(option: string, text: string | number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} ${text}: must be a whole number, 1 or more`, 'E_BAD_OPTION');
  return n;
}
