import type { Argv } from 'yargs';
import { requireNumber } from '../../config/run-config.ts';
import { UsageError } from '../../errors.ts';
import { importToFolder, type ImportReport, type Rejection } from '../../source/import/index.ts';
import { DEFAULT_CONNECTIONS, effectiveEnv, loadSupabaseSettings } from '../../supabase/config.ts';
import { DEFAULT_BATCH_SIZE } from '../../upload/batches.ts';
import { closeOnInterrupt } from '../../app/interrupt.ts';
import type { CliIO } from '../io.ts';
import { progressBar } from '../progress.ts';

export function importOptions<T>(y: Argv<T>) {
  return y
    .positional('files', { type: 'string', array: true, describe: 'CSV files (plain or .gz): long format or Yahoo-style single symbol', demandOption: true })
    .option('data', { type: 'string', describe: 'folder to write prices.parquet and universe.parquet into (with --to folder)' })
    .option('to', { type: 'string', choices: ['folder', 'supabase'], default: 'folder', describe: 'a data folder (--data), or the Supabase project of SUPABASE_URL' })
    .option('batch-size', { type: 'string', describe: 'rows per request with --to supabase', defaultDescription: String(DEFAULT_BATCH_SIZE) })
    .option('connections', { type: 'string', describe: 'sockets to Supabase at most', defaultDescription: String(DEFAULT_CONNECTIONS) })
    .option('universe', { type: 'string', describe: 'CSV of season,symbol,peer_group[,name][,start_date,end_date] (default: each symbol, peer group "default", every year it trades)' })
    .option('symbol', { type: 'string', describe: 'symbol of a single-symbol file (default: from the file name)' })
    .option('append', { type: 'boolean', default: false, describe: 'merge into what the folder holds instead of replacing it' })
    .option('adjust', { type: 'boolean', default: true, describe: 'scale Open/High/Low/Close by Adj Close ÷ Close where the file has Adj Close (--no-adjust keeps them raw)' });
}

type ImportArgs = Awaited<ReturnType<typeof importOptions>['argv']>;

const SHOWN_REJECTIONS = 20;

export async function importCommand(args: ImportArgs, io: CliIO): Promise<number> {
  if (args.to === 'supabase') return importSupabase(args, io);
  if (!args.data) throw new UsageError('import: give --data DIR (the folder to write), or --to supabase', 'E_BAD_OPTION');
  const report = await importToFolder({
    files: (args.files ?? []).map(String),
    dir: args.data,
    universe: args.universe,
    symbol: args.symbol,
    append: args.append,
    adjust: args.adjust,
    progress: (label, unit) => progressBar(label, unit),
  });
  showRejections(report.rejected, report.rejectedCount, io, `${report.dir}/rejected.csv`);
  const seasons = report.seasons.length > 1 ? `${report.seasons[0]}–${report.seasons[report.seasons.length - 1]}` : String(report.seasons[0] ?? 'none');
  io.stdout(
    `imported ${count(report.rows)} price rows of ${count(report.symbols)} symbol(s), ${report.from} … ${report.to}, ` +
      `and ${count(report.universeRows)} universe rows (seasons ${seasons}) into ${report.dir}${replaced(report)}` +
      `${report.rejectedCount ? `; rejected ${count(report.rejectedCount)} row(s)` : ''}\n`,
  );
  return 0;
}

const count = (n: number) => n.toLocaleString('en-US');

/** What an import did to the rows the folder held: replaced them, or (--append) added to them. */
function replaced(report: ImportReport): string {
  const { before, appended } = report;
  if (!before) return '';
  const was = `${count(before.rows)} rows of ${count(before.symbols)} symbol(s)`;
  if (appended) return `, which held ${was}: ${count(appended.added)} rows added, ${count(appended.replaced)} replaced (same symbol and date)`;
  return `, replacing the ${was} it held`;
}

function showRejections(rejected: readonly Rejection[], total: number, io: CliIO, where: string | undefined): void {
  for (const r of rejected.slice(0, SHOWN_REJECTIONS)) io.stderr(`rejected ${r.file}:${r.line}: ${r.reason}\n`);
  if (total > SHOWN_REJECTIONS) {
    io.stderr(`… and ${count(total - SHOWN_REJECTIONS)} more rejected rows${where ? ` (all in ${where})` : ''}\n`);
  }
}

async function importSupabase(args: ImportArgs, io: CliIO): Promise<number> {
  if (args.data) throw new UsageError('import: --data names a folder; leave it out with --to supabase', 'E_BAD_OPTION');
  const batchSize = args['batch-size'] === undefined ? undefined : requireNumber('--batch-size', args['batch-size'], { positive: true, whole: true });
  const connections = args.connections === undefined ? undefined : requireNumber('--connections', args.connections, { positive: true });
  const [{ SupabaseRest }, { importToSupabase }] = await Promise.all([import('../../supabase/client.ts'), import('../../source/import/to-supabase.ts')]);
  const rest = SupabaseRest.open(loadSupabaseSettings(effectiveEnv(process.cwd()), { connections }));
  const release = closeOnInterrupt(() => rest.destroy());
  try {
    const report = await importToSupabase(rest, {
      files: (args.files ?? []).map(String),
      universe: args.universe,
      symbol: args.symbol,
      adjust: args.adjust,
      batchSize,
      progress: progressBar(`import ${rest.host}`),
      readProgress: (label, unit) => progressBar(label, unit),
      notice: (line) => io.stderr(`backtest: ${line}\n`),
    });
    showRejections(report.rejected, report.rejectedCount, io, undefined);
    io.stdout(
      `imported ${count(report.rows)} price rows of ${count(report.symbols)} symbol(s), ${report.from} … ${report.to}, ` +
        `and ${count(report.universeRows)} universe rows into ${rest.tables.prices} and ${rest.tables.universe} at ${rest.host} ` +
        `(${report.requests} requests, ${report.seconds.toFixed(1)} s)${report.rejectedCount ? `; rejected ${count(report.rejectedCount)} row(s)` : ''}\n`,
    );
    return 0;
  } finally {
    release();
    await rest.close();
  }
}
