import type { Argv } from 'yargs';
import { findRun } from '../../inspect/index.ts';
import { DEFAULT_TOP, writeReport } from '../../report/index.ts';
import type { CliIO } from '../io.ts';
import { positiveInteger, runRankBy } from './inspect.ts';

/** `backtest report [run]`: writes results/<run-id>/report.html, a self-contained page. */
export function reportOptions<T>(y: Argv<T>) {
  return y
    .positional('run', { type: 'string', describe: 'run id (or a unique prefix), or a run folder', defaultDescription: 'the latest complete run' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('rank-by', { type: 'string', describe: 'metric ranking the variants', defaultDescription: "the run's own --rank-by" })
    .option('top', { type: 'string', default: String(DEFAULT_TOP), describe: 'variants compared in the equity, trade and cost parts' })
    .option('x', { type: 'string', describe: "grid heat map: parameter across", defaultDescription: 'the first parameter that varies' })
    .option('y', { type: 'string', describe: 'grid heat map: parameter down', defaultDescription: 'the second parameter that varies' })
    .option('partial', { type: 'boolean', default: false, describe: 'accept a run interrupted after some variants finished' });
}

type ReportArgs = Awaited<ReturnType<typeof reportOptions>['argv']>;

export async function reportCommand(args: ReportArgs, io: CliIO): Promise<number> {
  const top = positiveInteger('--top', args.top);
  const run = findRun(args.run, { out: args.out, allowPartial: args.partial });
  const written = await writeReport(run, { rankBy: args['rank-by'] ?? runRankBy(run.manifest), top, x: args.x, y: args.y });
  for (const note of written.notes) io.stdout(`note: ${note}\n`);
  io.stdout(`report: ${written.path} (${(written.bytes / 1_048_576).toFixed(1)} MB; charts: ${written.charts.join(', ')})\n`);
  return 0;
}
