import type { Argv } from 'yargs';
import type { RunOutcome } from '../../app/backtest.ts';
import { runSession } from '../../app/session.ts';
import { describeUpload } from '../../app/upload.ts';
import { buildRunConfig, type RunConfig } from '../../config/run-config.ts';
import { DEFAULT_CONNECTIONS } from '../../supabase/config.ts';
import { DEFAULT_MAINTENANCE_MARGIN, DEFAULT_MAX_LEVERAGE } from '../../broker/margin.ts';
import { formatCounters } from '../../supabase/counters.ts';
import { metricColumns, rankedVariants, summaryHeader, summaryRow } from '../../writers/results.ts';
import { fitColumns, formatMetric, HEADLINE, horizontalTable, sideBySide, terminalWidth } from '../../writers/terminal.ts';
import type { Cell } from '../../writers/csv.ts';
import { EXIT, reportError } from '../exit.ts';
import type { CliIO } from '../io.ts';
import { progressBar } from '../progress.ts';
import { queueOptions } from './queue-options.ts';
import { walkForwardJson, walkForwardLines } from './walk-forward-report.ts';

export const DEFAULT_STRATEGY = 'vopa';

/** `backtest <start> <end> [season]`: the run options. */
export function runOptions<T>(y: Argv<T>) {
  return y
    .positional('start', { type: 'string', describe: 'first trading day (YYYY-MM-DD)', demandOption: true })
    .positional('end', { type: 'string', describe: 'last trading day (YYYY-MM-DD)', demandOption: true })
    .positional('season', { type: 'string', describe: "the universe's season (year) to pin; without it, each day's own season (--universe rolling)" })
    .option('universe', { type: 'string', describe: "rolling: each day's members are its own season's (point in time); pinned: one season's members throughout", defaultDescription: 'pinned with a season, else rolling' })
    .option('strategy', { alias: 's', type: 'string', default: DEFAULT_STRATEGY, describe: 'built-in strategy name or path to a .ts file' })
    .option('param', { alias: 'p', type: 'string', array: true, describe: 'strategy parameter key=value (repeatable)' })
    .option('grid', { alias: 'g', type: 'string', array: true, describe: 'vary a parameter: key=v1,v2,… or key=start:stop:step (stop included; repeatable: cross product)' })
    .option('variants', { type: 'string', describe: 'explicit list of variants: a JSON array of objects or a CSV with a header of parameter names' })
    .option('yes', { type: 'boolean', default: false, describe: 'run grids of more than 10,000 variants' })
    .option('rank-by', { type: 'string', default: 'sharpe', describe: 'metric summary.csv is sorted by, best first' })
    .option('workers', { type: 'string', describe: 'worker threads for variants', defaultDescription: 'available cores' })
    .option('save', { type: 'string', describe: 'per-variant tables to write: all, none, or a list of equity,trades,diagnostics', defaultDescription: 'all; the best 20 variants\' only above 100' })
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
    .option('max-leverage', { type: 'string', default: String(DEFAULT_MAX_LEVERAGE), describe: 'gross exposure at most this × equity; larger targets are scaled down at the fill' })
    .option('benchmark', { type: 'string', describe: 'what the variants are compared with: buy-and-hold, equal-weight, a SYMBOL in the data, or a FILE of date,return', defaultDescription: 'buy-and-hold' })
    .option('risk-free', { type: 'string', default: '0', describe: 'annual risk-free rate as a fraction (0.04 = 4 %), for Sharpe, Sortino and alpha' })
    .option('statistics', { type: 'boolean', default: true, describe: 'overfitting statistics of the sweep (PSR, DSR, PBO, SPA); --no-statistics skips them' })
    .option('pbo-blocks', { type: 'string', describe: 'CSCV blocks for the probability of backtest overfitting (even, 4–20)', defaultDescription: '16' })
    .option('bootstrap-reps', { type: 'string', describe: 'stationary-bootstrap resamples for the Sharpe intervals and SPA (100–100,000)', defaultDescription: '1,000' })
    .option('seed', { type: 'string', describe: "the bootstrap's seed (recorded; the same seed gives the same numbers)", defaultDescription: '1' })
    .option('maintenance-margin', { type: 'string', default: String(DEFAULT_MAINTENANCE_MARGIN), describe: 'equity below this × gross at a close: the book is cut back at the next fill' })
    .option('walk-forward', { type: 'string', describe: 'choose the best variant on each fold\'s training days, trade it on the next test days, as one account: train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS] (trading days)' })
    .option('holdout', { type: 'string', describe: 'choose on the days before the last DAYS (or before a date), report the choice on them: the walk-forward of one fold' })
    // Costs, liquidity and capacity (README; config/cost-options.ts checks them).
    .option('spread-bps', { type: 'string', describe: 'the quoted bid-ask spread, bps: each fill pays half of it', defaultDescription: '0' })
    .option('commission-per-share', { type: 'string', describe: 'commission per share, in currency, beside --commission-bps', defaultDescription: '0' })
    .option('min-commission', { type: 'string', describe: 'least commission per fill, in currency', defaultDescription: '0' })
    .option('max-participation', { type: 'string', describe: "a fill takes at most this share of the day's volume (0 < P ≤ 1); the rest carries to the next fill day", defaultDescription: 'no limit' })
    .option('adv-days', { type: 'string', describe: 'days of history (before the fill day) for average daily volume and volatility', defaultDescription: '20' })
    .option('impact', { type: 'string', describe: 'market impact model: none, sqrt (k σ √(X/ADV)) or almgren (Almgren et al. 2005)', defaultDescription: 'none' })
    .option('impact-k', { type: 'string', describe: 'k of --impact sqrt', defaultDescription: '1' })
    .option('impact-horizon', { type: 'string', describe: 'T of --impact almgren: the fraction of a day an order is worked', defaultDescription: '1' })
    .option('borrow-bps', { type: 'string', describe: 'annual borrow fee on the market value of shorts, bps, accrued at each close', defaultDescription: '0' })
    .option('borrow-table', { type: 'boolean', describe: 'read per-symbol fees from the borrow(symbol, date, fee_bps) table (--borrow-bps where it has none)', defaultDescription: 'off' })
    .option('cash-rate', { type: 'string', describe: 'annual interest on free cash, a fraction (0.04 = 4 %); short-sale proceeds earn nothing', defaultDescription: '0' })
    .option('capacity', { type: 'string', describe: 'run every variant at each starting capital too (e.g. 1e6,1e7,1e8) and write capacity.csv' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('signals', { type: 'boolean', default: false, describe: "write signals.csv: the strategy's signal per symbol on each decision day" })
    .option('max-memory', { type: 'string', describe: 'refuse a run estimated to need more memory than this (4G, 512M; powers of 1024)', defaultDescription: 'the free memory, or the cgroup\'s limit' })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout (every summary.csv column, the benchmark, the statistics)' })
    .option('wide', { type: 'boolean', default: false, describe: 'print every summary column (not only those that fit the terminal)' })
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
    universe: args.universe,
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
    maxLeverage: args['max-leverage'],
    maintenanceMargin: args['maintenance-margin'],
    benchmark: args.benchmark,
    riskFree: args['risk-free'],
    statistics: args.statistics,
    pboBlocks: args['pbo-blocks'],
    bootstrapReps: args['bootstrap-reps'],
    seed: args.seed,
    costs: {
      spreadBps: args['spread-bps'], commissionPerShare: args['commission-per-share'], minCommission: args['min-commission'],
      maxParticipation: args['max-participation'], advDays: args['adv-days'], impact: args.impact, impactK: args['impact-k'], impactHorizon: args['impact-horizon'],
      borrowBps: args['borrow-bps'], borrowTable: args['borrow-table'], cashRate: args['cash-rate'], capacity: args.capacity,
    },
    data: args.data,
    out: args.out,
    signals: args.signals,
    maxMemory: args.maxMemory,
    source: args.source,
    connections: args.connections,
    upload: args.upload,
    walkForward: args['walk-forward'],
    holdout: args.holdout,
    cache: args.cache,
  });
  const notice = (line: string) => io.stderr(`${line}\n`);
  const session = await runSession(config, { queue, report: args.report, commandLine: io.commandLine }, { notice, signal: io.signal, setGraceful: io.setGraceful, progress: io.interactive ? progressBar : undefined });
  const code = report(config, session.outcome, args.json, args.wide, io, session.reportPath);
  const upload = session.upload;
  if (upload?.report) notice(describeUpload(upload.report, upload.host));
  const uploaded = upload?.error === undefined ? code : reportError(upload.error, io.stderr, args.verbose);
  if (session.supabase && args.verbose) notice(formatCounters(`supabase ${session.supabase.host}`, session.supabase.counters));
  return uploaded;
}

/** A sweep's table: the columns that matter most first, as many as the terminal's width holds. */
const SWEEP_COLUMNS = ['total_return', 'break_even_bps', 'sharpe', 'dsr', 'max_drawdown', 'alpha', 'turnover', 'ic_mean', 'information_ratio', 'calmar', 'sortino', 'win_rate', 'psr'];

/** Prints the outcome: the headline metrics beside the benchmark (or the top variants), the verdict and the folder; or JSON. */
function report(config: RunConfig, { record, dir }: RunOutcome, json: boolean, wide: boolean, io: CliIO, page: string | undefined): number {
  const header = summaryHeader(record);
  const ranked = rankedVariants(record);
  const rows = ranked.map((v) => summaryRow(record, v));
  const objects = rows.map((row) => Object.fromEntries(header.map((h, k) => [h, row[k] ?? null])) as Record<string, Cell>);
  const partial = record.status === 'partial';
  const b = record.benchmark;
  const stats = record.statistics;
  if (json) {
    const benchmark = b ? { kind: b.kind, label: b.label, ...b.metrics } : null;
    const statistics = stats ? { ...stats, pbo_logits: undefined, pbo_is_sharpe: undefined, pbo_oos_sharpe: undefined } : null;
    const walkForward = record.walkForward ? walkForwardJson(record, record.walkForward) : undefined;
    io.stdout(`${JSON.stringify({ run_id: record.runId, folder: dir, status: record.status, summary: objects, benchmark, statistics, walk_forward: walkForward, warnings: record.warnings, report: page }, null, 2)}\n`);
    return partial ? EXIT.interrupted : EXIT.ok;
  }
  const { panel, schedule } = record;
  const seasons = panel.seasons.filter((sp, k) => (panel.seasons[k + 1]?.firstBar ?? panel.days.length) > schedule.first && sp.firstBar <= schedule.last).map((sp) => sp.season);
  const universe = config.universe === 'pinned' ? `season ${config.season}` : `rolling universe, seasons ${seasons.join(', ')}`;
  io.stdout(
    `${config.strategy.strategy.name} ${panel.dates[schedule.first]} → ${panel.dates[schedule.last]}, ${universe}: ` +
      `${panel.symbols.length} symbols, ${schedule.last - schedule.first + 1} trading days` +
      `${config.variants.length > 1 ? `, ${config.variants.length} variants on ${record.threads} thread${record.threads > 1 ? 's' : ''}` : ''}` +
      `${config.plan.skipped ? ` (${config.plan.skipped} combinations skipped: they break a constraint)` : ''}\n`,
  );
  const ruined = record.variants.filter((v) => v.result.ruinedAt >= 0);
  if (ruined.length) {
    io.stdout(`RUINED: ${ruined.length === 1 && config.variants.length === 1 ? 'equity' : `${ruined.length} variant(s) (e.g. ${ruined[0]!.id}): equity`} reached 0 (on ${panel.dates[ruined[0]!.result.ruinedAt]}); liquidated, no ratios, ranked last\n`);
  }
  const metrics = metricColumns(record);
  const present = (name: string) => metrics.includes(name) && objects.some((o) => o[name] !== null && o[name] !== undefined);
  if (config.variants.length === 1) {
    const names = wide ? metrics : HEADLINE.filter(present);
    const benchLabel = b ? `benchmark: ${b.label}` : 'benchmark';
    io.stdout(`${sideBySide(names, [config.strategy.strategy.name, benchLabel], [objects[0]!, (b?.metrics ?? {}) as Record<string, Cell>])}\n`);
    const cost = (h: string) => objects[0]![h];
    if (cost('break_even_bps') != null && cost('cost_total_bps') != null && Number(cost('cost_total_bps')) > 0) {
      io.stdout(`total return ${formatMetric('total_return', cost('total_return'))}; break-even ${formatMetric('break_even_bps', cost('break_even_bps'))} of the notional traded, costs paid ${formatMetric('cost_total_bps', cost('cost_total_bps'))}\n`);
    }
  } else {
    // The parameters that vary, then the ranking metric and the headline metrics, best first, fitted to the terminal.
    const params = Object.keys(config.strategy.strategy.params);
    const varying = params.filter((k) => new Set(config.variants.map((p) => String(p[k]))).size > 1);
    const top = objects.slice(0, 10);
    const wanted = [...new Set(['variant', ...(ruined.length ? ['status'] : []), ...varying, config.rankBy, ...(wide ? metrics : SWEEP_COLUMNS.filter(present))])];
    const shown = wide ? wanted : fitColumns(wanted, top, terminalWidth());
    io.stdout(`top ${top.length} by ${config.rankBy}:\n${horizontalTable(shown, top.map((o) => shown.map((h) => o[h])))}\n`);
    if (b) io.stdout(`benchmark ${b.label}: total return ${formatMetric('total_return', b.metrics.total_return)}, sharpe ${formatMetric('sharpe', b.metrics.sharpe)}, max drawdown ${formatMetric('max_drawdown', b.metrics.max_drawdown)}\n`);
  }
  if (stats) io.stdout(`is it real? ${stats.verdict}\n`);
  if (record.walkForward) io.stdout(walkForwardLines(record, record.walkForward, wide));
  if (partial) io.stdout(`interrupted: ${record.variants.length} of ${config.variants.length} variants finished; partial results: ${dir}\n`);
  else io.stdout(`results: ${dir}\n`);
  if (page) io.stdout(`report: ${page}\n`);
  return partial ? EXIT.interrupted : EXIT.ok;
}
