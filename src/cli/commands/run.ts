import type { Argv } from 'yargs';
import { runBacktest } from '../../app/backtest.ts';
import { buildRunConfig } from '../../config/run-config.ts';
import { PERFORMANCE_COLUMNS } from '../../metrics/index.ts';
import { formatCounters, SupabaseRest } from '../../supabase/index.ts';
import { summaryHeader, summaryRow } from '../../writers/results.ts';
import { horizontalTable, verticalTable } from '../../writers/terminal.ts';
import type { CliIO } from '../io.ts';
import { progressBar } from '../progress.ts';
import { closeOnInterrupt } from '../interrupt.ts';
import { uploadAfterRun } from './upload.ts';

export const DEFAULT_STRATEGY = 'buy-and-hold';

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
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
    .option('source', { type: 'string', choices: ['local', 'supabase'], describe: 'where prices come from', defaultDescription: 'supabase when SUPABASE_URL and a key are set and --data is not given, else local' })
    .option('connections', { type: 'string', describe: 'sockets to Supabase (and requests in flight) at most', defaultDescription: '8' })
    .option('upload', { type: 'boolean', describe: 'upload the results to Supabase after the CSVs (--no-upload skips)', defaultDescription: 'on when Supabase is configured' });
}

type RunArgs = Awaited<ReturnType<typeof runOptions>['argv']> & { verbose?: boolean };

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
    source: args.source,
    connections: args.connections,
    upload: args.upload,
  });
  const supabase = config.supabase ? SupabaseRest.open(config.supabase) : undefined;
  const release = supabase ? closeOnInterrupt(() => supabase.destroy()) : () => {};
  try {
    return await runAndReport(config, args, io, supabase);
  } finally {
    release();
    await supabase?.close();
    if (supabase && args.verbose) io.stderr(`${formatCounters(`supabase ${supabase.host}`, supabase.snapshot())}\n`);
  }
}

async function runAndReport(config: Awaited<ReturnType<typeof buildRunConfig>>, args: RunArgs, io: CliIO, supabase: SupabaseRest | undefined): Promise<number> {
  const { record, dir } = await runBacktest(config, { warn: (w) => io.stderr(`warning: ${w}\n`), supabase, progress: progressBar });
  const header = summaryHeader(record);
  const rows = record.variants.map((v) => summaryRow(record, v));
  if (args.json) {
    const summary = rows.map((row) => Object.fromEntries(header.map((h, k) => [h, row[k] ?? null])));
    io.stdout(`${JSON.stringify({ run_id: record.runId, folder: dir, summary, warnings: record.warnings }, null, 2)}\n`);
    if (config.upload && supabase) return uploadAfterRun(supabase, dir, io);
    return 0;
  }
  const { panel } = record;
  const v = record.variants[0]!;
  io.stdout(
    `${config.strategy.strategy.name} ${panel.dates[v.schedule.first]} → ${panel.dates[v.schedule.last]}, season ${config.season}: ` +
      `${panel.symbols.length} symbols, ${v.schedule.last - v.schedule.first + 1} trading days\n`,
  );
  if (record.variants.length === 1) {
    const entries = header.slice(header.length - PERFORMANCE_COLUMNS.length).map((h) => [h, rows[0]![header.indexOf(h)]] as const);
    io.stdout(`${verticalTable(entries)}\n`);
  } else {
    io.stdout(`${horizontalTable(header, rows.slice(0, 10))}\n`);
  }
  io.stdout(`results: ${dir}\n`);
  if (config.upload && supabase) return uploadAfterRun(supabase, dir, io);
  return 0;
}
