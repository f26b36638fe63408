import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { runBacktest, type RunOutcome } from '../../app/backtest.ts';
import { buildRunConfig, type RunConfig } from '../../config/run-config.ts';
import { DEFAULT_CONNECTIONS } from '../../supabase/config.ts';
import { formatCounters } from '../../supabase/counters.ts';
import { InterruptedError, isUsageError } from '../../errors.ts';
import { newRunId } from '../../writers/run-dir.ts';
import { metricColumns, rankedVariants, summaryHeader, summaryRow } from '../../writers/results.ts';
import { formatMetric, horizontalTable, verticalTable } from '../../writers/terminal.ts';
import { EXIT, reportError } from '../exit.ts';
import { closeOnInterrupt } from '../interrupt.ts';
import type { CliIO } from '../io.ts';
import { progressBar } from '../progress.ts';
import { uploadAfterRun } from './upload.ts';
import { RunJournal } from '../../distributed/journal.ts';
import { queueOptions, resumeRunId } from './queue-options.ts';

export const DEFAULT_STRATEGY = 'vopa';

/** `backtest <start> <end> [season]`: the run options. */
export function runOptions<T>(y: Argv<T>) {
  return y
    .positional('start', { type: 'string', describe: 'first trading day (YYYY-MM-DD)', demandOption: true })
    .positional('end', { type: 'string', describe: 'last trading day (YYYY-MM-DD)', demandOption: true })
    .positional('season', { type: 'string', describe: "universe year (default: start's year)" })
    .option('strategy', { alias: 's', type: 'string', default: DEFAULT_STRATEGY, describe: 'built-in strategy name or path to a .ts file' })
    .option('param', { alias: 'p', type: 'string', array: true, describe: 'strategy parameter key=value (repeatable)' })
    .option('grid', { alias: 'g', type: 'string', array: true, describe: 'vary a parameter: key=v1,v2,… or key=start:stop:step (stop included; repeatable: cross product)' })
    .option('variants', { type: 'string', describe: 'explicit list of variants: a JSON array of objects or a CSV with a header of parameter names' })
    .option('yes', { type: 'boolean', default: false, describe: 'run grids of more than 10,000 variants' })
    .option('rank-by', { type: 'string', default: 'sharpe', describe: 'metric summary.csv is sorted by, best first' })
    .option('workers', { type: 'string', describe: 'worker threads for variants', defaultDescription: 'available cores' })
    .option('save', { type: 'string', default: 'all', describe: 'per-variant tables to write: all, none, or a list of equity,trades,diagnostics' })
    .option('data', { type: 'string', describe: 'folder with prices and universe (Parquet or CSV)', defaultDescription: 'data/sample' })
    .option('source', { type: 'string', choices: ['local', 'supabase'], describe: 'where prices come from', defaultDescription: 'supabase when SUPABASE_URL and a key are set and --data is not given, else local' })
    .option('connections', { type: 'string', describe: 'sockets to Supabase (and requests in flight) at most', defaultDescription: String(DEFAULT_CONNECTIONS) })
    .option('upload', { type: 'boolean', describe: 'upload the results to Supabase after the CSVs (--no-upload skips)', defaultDescription: 'on when Supabase is configured' })
    .option('cache', { type: 'boolean', default: true, describe: 'keep windows read from Supabase in the local cache and reuse them while unchanged (--no-cache reads everything)' })
    .option('fill', { type: 'string', choices: ['open', 'close'], default: 'open', describe: "fill at the next day's open, or at the decision close" })
    .option('cash', { type: 'string', default: '1000000', describe: 'starting cash' })
    .option('fractional', { type: 'boolean', default: false, describe: 'allow fractional shares' })
    .option('commission-bps', { type: 'string', default: '0', describe: "commission, basis points of each fill's notional" })
    .option('slippage-bps', { type: 'string', default: '0', describe: 'slippage, basis points against the trade' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('signals', { type: 'boolean', default: false, describe: "write signals.csv: the strategy's signal per symbol on each decision day" })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
    .option('report', { type: 'boolean', default: false, describe: 'also write report.html into the run folder (as `backtest report` does)' })
    .option('queue', { type: 'string', describe: 'run the variants as jobs on a BullMQ queue in Redis (redis://HOST:PORT); `backtest worker` processes run them', defaultDescription: '$BACKTEST_QUEUE_URL, else on this machine' })
    .option('resume', { type: 'string', describe: 'with --queue: continue an interrupted run (its run id), skipping the chunks already done' })
    .option('chunk-size', { type: 'string', describe: 'with --queue: variants per job', defaultDescription: 'a few seconds of work, measured' });
}

type RunArgs = Awaited<ReturnType<typeof runOptions>['argv']> & { verbose?: boolean };

export async function runCommand(args: RunArgs, io: CliIO): Promise<number> {
  const queue = queueOptions({ queue: args.queue, resume: args.resume, chunkSize: args['chunk-size'] });
  const config = await buildRunConfig({
    command: io.commandLine,
    start: args.start!,
    end: args.end!,
    season: args.season,
    strategy: args.strategy,
    param: args.param,
    grid: args.grid,
    variants: args.variants,
    yes: args.yes,
    rankBy: args['rank-by'],
    workers: args.workers,
    save: args.save,
    fill: args.fill,
    cash: args.cash,
    fractional: args.fractional,
    commissionBps: args['commission-bps'],
    slippageBps: args['slippage-bps'],
    data: args.data,
    out: args.out,
    signals: args.signals,
    source: args.source,
    connections: args.connections,
    upload: args.upload,
    cache: args.cache,
  });
  const runId = queue?.resume ? resumeRunId(queue.resume, config.outDir, queue.chunkSize) : newRunId(config.strategy.strategy.name);
  // BullMQ and ioredis load only for a distributed run.
  const queueing = queue ? await import('../../distributed/index.ts') : undefined;
  if (queue) await queueing!.checkReachable(queue.target);
  const distributed = queue ? queueing!.queueExecutor({ target: queue.target, resume: Boolean(queue.resume), chunkSize: queue.chunkSize, log: (l) => io.stderr(`${l}\n`) }) : undefined;
  const resumeHint = () => `${io.commandLine.replace(/\s--resume[= ]\S+/, '')} --resume ${runId}`;
  // The run's one Supabase client: the source reads through it, strategies get it, the upload uses it.
  // Loaded only when configured: the Supabase client's modules (undici, supabase-js) cost start-up time.
  const supabase = config.supabase ? (await import('../../supabase/client.ts')).SupabaseRest.open(config.supabase) : undefined;
  const release = supabase ? closeOnInterrupt(() => supabase.destroy()) : () => {};
  try {
    io.setGraceful?.(true);
    let outcome: RunOutcome;
    try {
      outcome = await runBacktest(
        config,
        { warn: (w) => io.stderr(`warning: ${w}\n`), supabase, signal: io.signal, progress: progressBar, executor: distributed?.executor, resume: Boolean(queue?.resume) },
        runId,
      );
    } catch (err) {
      if (distributed && !isUsageError(err) && existsSync(RunJournal.folder(config.outDir, runId))) {
        // The failure first, then how to go on.
        const code = reportError(err, io.stderr, args.verbose);
        io.stderr(err instanceof InterruptedError ? `resume with: ${resumeHint()}\n` : `backtest: the chunks finished so far are kept; once the cause is fixed, resume with: ${resumeHint()}\n`);
        return code;
      }
      throw err;
    } finally {
      io.setGraceful?.(false);
    }
    distributed?.finish(config.outDir, runId, outcome.record.status);
    if (distributed && outcome.record.status === 'partial') io.stderr(`resume with: ${resumeHint()}\n`);
    const page = args.report
      ? (await (await import('../../report/index.ts')).writeReport(outcome.dir, { rankBy: config.rankBy, allowPartial: outcome.record.status === 'partial' })).path
      : undefined;
    const code = report(config, outcome, args.json, io, page);
    if (config.upload && supabase) {
      const uploaded = await uploadAfterRun(supabase, outcome.dir, io);
      if (uploaded !== EXIT.ok) return uploaded;
    }
    return code;
  } finally {
    release();
    await supabase?.close();
    if (supabase && args.verbose) io.stderr(`${formatCounters(`supabase ${supabase.host}`, supabase.snapshot())}\n`);
  }
}

/** Prints the outcome: a table of metrics (or the top variants), the benchmark and the folder; or JSON. */
function report(config: RunConfig, { record, dir }: RunOutcome, json: boolean, io: CliIO, page: string | undefined): number {
  const header = summaryHeader(record);
  const rows = rankedVariants(record).map((v) => summaryRow(record, v));
  const partial = record.status === 'partial';
  if (json) {
    const summary = rows.map((row) => Object.fromEntries(header.map((h, k) => [h, row[k] ?? null])));
    io.stdout(`${JSON.stringify({ run_id: record.runId, folder: dir, status: record.status, summary, warnings: record.warnings, report: page }, null, 2)}\n`);
    return partial ? EXIT.interrupted : EXIT.ok;
  }
  const { panel } = record;
  const v = record.variants[0]!;
  io.stdout(
    `${config.strategy.strategy.name} ${panel.dates[v.schedule.first]} → ${panel.dates[v.schedule.last]}, season ${config.season}: ` +
      `${panel.symbols.length} symbols, ${v.schedule.last - v.schedule.first + 1} trading days` +
      `${config.variants.length > 1 ? `, ${config.variants.length} variants on ${record.threads} thread${record.threads > 1 ? 's' : ''}` : ''}` +
      `${config.plan.skipped ? ` (${config.plan.skipped} combinations skipped: they break a constraint)` : ''}\n`,
  );
  if (config.variants.length === 1) {
    const entries = metricColumns(record).map((h) => [h, rows[0]![header.indexOf(h)]] as const);
    io.stdout(`${verticalTable(entries)}\n`);
  } else {
    // The parameters that vary, then the ranking metric and a few headline metrics, best first.
    const params = Object.keys(config.strategy.strategy.params);
    const varying = params.filter((k) => new Set(config.variants.map((p) => String(p[k]))).size > 1);
    const shown = [...new Set(['variant', ...varying, config.rankBy, 'total_return', 'sharpe', 'max_drawdown', ...(config.strategy.strategy.signal ? ['ic_mean'] : [])])];
    io.stdout(`top ${Math.min(10, rows.length)} by ${config.rankBy}:\n${horizontalTable(shown, rows.slice(0, 10).map((r) => shown.map((h) => r[header.indexOf(h)])))}\n`);
  }
  const b = record.benchmark?.metrics;
  if (b) io.stdout(`benchmark buy-and-hold: total return ${formatMetric('total_return', b.total_return)}, sharpe ${formatMetric('sharpe', b.sharpe)}, max drawdown ${formatMetric('max_drawdown', b.max_drawdown)}\n`);
  if (partial) io.stdout(`interrupted: ${record.variants.length} of ${config.variants.length} variants finished; partial results: ${dir}\n`);
  else io.stdout(`results: ${dir}\n`);
  if (page) io.stdout(`report: ${page}\n`);
  return partial ? EXIT.interrupted : EXIT.ok;
}
