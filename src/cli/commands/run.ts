import type { Argv } from 'yargs';
import { runBacktest } from '../../app/backtest.ts';
import { buildRunConfig } from '../../config/run-config.ts';
import { writeReport } from '../../report/index.ts';
import { metricColumns, summaryHeader, summaryRow } from '../../writers/results.ts';
import { formatMetric, horizontalTable, verticalTable } from '../../writers/terminal.ts';
import type { CliIO } from '../io.ts';

export const DEFAULT_STRATEGY = 'vopa';

/** `backtest <start> <end> [season]`: the run options. */
export function runOptions<T>(y: Argv<T>) {
  return y
    .positional('start', { type: 'string', describe: 'first trading day (YYYY-MM-DD)', demandOption: true })
    .positional('end', { type: 'string', describe: 'last trading day (YYYY-MM-DD)', demandOption: true })
    .positional('season', { type: 'string', describe: "universe year (default: start's year)" })
    .option('strategy', { alias: 's', type: 'string', default: DEFAULT_STRATEGY, describe: 'built-in strategy name or path to a .ts file' })
    .option('param', { alias: 'p', type: 'string', array: true, describe: 'strategy parameter key=value (repeatable)' })
    .option('data', { type: 'string', describe: 'folder with prices and universe (Parquet or CSV)', defaultDescription: 'data/sample' })
    .option('fill', { type: 'string', choices: ['open', 'close'], default: 'open', describe: "fill at the next day's open, or at the decision close" })
    .option('cash', { type: 'string', default: '1000000', describe: 'starting cash' })
    .option('fractional', { type: 'boolean', default: false, describe: 'allow fractional shares' })
    .option('commission-bps', { type: 'string', default: '0', describe: "commission, basis points of each fill's notional" })
    .option('slippage-bps', { type: 'string', default: '0', describe: 'slippage, basis points against the trade' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('signals', { type: 'boolean', default: false, describe: "write signals.csv: the strategy's signal per symbol on each decision day" })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
    .option('report', { type: 'boolean', default: false, describe: 'also write report.html into the run folder (as `backtest report` does)' });
}

type RunArgs = Awaited<ReturnType<typeof runOptions>['argv']>;

export async function runCommand(args: RunArgs, io: CliIO): Promise<number> {
  const config = await buildRunConfig({
    command: io.commandLine,
    start: args.start!,
    end: args.end!,
    season: args.season,
    strategy: args.strategy,
    param: args.param,
    fill: args.fill,
    cash: args.cash,
    fractional: args.fractional,
    commissionBps: args['commission-bps'],
    slippageBps: args['slippage-bps'],
    data: args.data,
    out: args.out,
    signals: args.signals,
  });
  const { record, dir } = await runBacktest(config, { warn: (w) => io.stderr(`warning: ${w}\n`) });
  const report = args.report ? (await writeReport(dir)).path : undefined;
  const header = summaryHeader(record);
  const rows = record.variants.map((v) => summaryRow(record, v));
  if (args.json) {
    const summary = rows.map((row) => Object.fromEntries(header.map((h, k) => [h, row[k] ?? null])));
    io.stdout(`${JSON.stringify({ run_id: record.runId, folder: dir, summary, warnings: record.warnings, report }, null, 2)}\n`);
    return 0;
  }
  const { panel } = record;
  const v = record.variants[0]!;
  io.stdout(
    `${config.strategy.strategy.name} ${panel.dates[v.schedule.first]} → ${panel.dates[v.schedule.last]}, season ${config.season}: ` +
      `${panel.symbols.length} symbols, ${v.schedule.last - v.schedule.first + 1} trading days\n`,
  );
  if (record.variants.length === 1) {
    const entries = metricColumns(record).map((h) => [h, rows[0]![header.indexOf(h)]] as const);
    io.stdout(`${verticalTable(entries)}\n`);
  } else {
    io.stdout(`${horizontalTable(header, rows.slice(0, 10))}\n`);
  }
  const b = record.benchmark?.metrics;
  if (b) io.stdout(`benchmark buy-and-hold: total return ${formatMetric('total_return', b.total_return)}, sharpe ${formatMetric('sharpe', b.sharpe)}, max drawdown ${formatMetric('max_drawdown', b.max_drawdown)}\n`);
  io.stdout(`results: ${dir}\n`);
  if (report) io.stdout(`report: ${report}\n`);
  return 0;
}
