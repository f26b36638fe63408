import type { Argv } from 'yargs';
import { importToFolder } from '../../source/import/index.ts';
import type { CliIO } from '../io.ts';

export function importOptions<T>(y: Argv<T>) {
  return y
    .positional('files', { type: 'string', array: true, describe: 'CSV files (plain or .gz): long format or Yahoo-style single symbol', demandOption: true })
    .option('data', { type: 'string', demandOption: true, describe: 'folder to write prices.parquet and universe.parquet into' })
    .option('universe', { type: 'string', describe: 'CSV of season,symbol,peer_group,name (default: each symbol, peer group "default", every year it trades)' })
    .option('symbol', { type: 'string', describe: 'symbol of a single-symbol file (default: from the file name)' })
    .option('append', { type: 'boolean', default: false, describe: 'merge into what the folder holds instead of replacing it' })
    .option('adjust', { type: 'boolean', default: true, describe: 'scale Open/High/Low/Close by Adj Close ÷ Close where the file has Adj Close (--no-adjust keeps them raw)' });
}

type ImportArgs = Awaited<ReturnType<typeof importOptions>['argv']>;

const SHOWN_REJECTIONS = 20;

export async function importCommand(args: ImportArgs, io: CliIO): Promise<number> {
  const report = await importToFolder({
    files: (args.files ?? []).map(String),
    dir: args.data,
    universe: args.universe,
    symbol: args.symbol,
    append: args.append,
    adjust: args.adjust,
  });
  for (const r of report.rejected.slice(0, SHOWN_REJECTIONS)) io.stderr(`rejected ${r.file}:${r.line}: ${r.reason}\n`);
  if (report.rejected.length > SHOWN_REJECTIONS) {
    io.stderr(`… and ${report.rejected.length - SHOWN_REJECTIONS} more rejected rows (all in ${report.dir}/rejected.csv)\n`);
  }
  const seasons = report.seasons.length > 1 ? `${report.seasons[0]}–${report.seasons[report.seasons.length - 1]}` : String(report.seasons[0] ?? 'none');
  io.stdout(
    `imported ${report.rows.toLocaleString('en-US')} price rows of ${report.symbols} symbol(s), ${report.from} … ${report.to}, ` +
      `and ${report.universeRows.toLocaleString('en-US')} universe rows (seasons ${seasons}) into ${report.dir}` +
      `${report.rejected.length ? `; rejected ${report.rejected.length} row(s)` : ''}\n`,
  );
  return 0;
}
