import Table from 'cli-table3';
import type { Argv } from 'yargs';
import { cacheMaxBytes, cacheRoot, WindowCache } from '../../cache/index.ts';
import { requireNumber } from '../../config/run-config.ts';
import { isoDate } from '../../util/dates.ts';
import type { CliIO } from '../io.ts';

/** `backtest cache ls` and `backtest cache clear [--older-than DAYS]`: the local cache of windows read from Supabase. */
export function cacheOptions<T>(y: Argv<T>) {
  return y
    .positional('action', { type: 'string', choices: ['ls', 'clear'], demandOption: true, describe: 'ls: list the cached windows and their sizes; clear: remove them' })
    .option('older-than', { type: 'string', describe: 'with clear: only windows not used for this many days' });
}

type CacheArgs = Awaited<ReturnType<typeof cacheOptions>['argv']>;

export async function cacheCommand(args: CacheArgs, io: CliIO): Promise<number> {
  const olderThan = args['older-than'] === undefined ? undefined : requireNumber('--older-than', args['older-than'], { positive: true });
  if (olderThan !== undefined && args.action !== 'clear') io.stderr('backtest: --older-than applies to `backtest cache clear`; ignored\n');
  const maxBytes = cacheMaxBytes();
  const cache = WindowCache.at(cacheRoot(), maxBytes);
  if (args.action === 'clear') {
    const { removed, bytes } = cache.clear(olderThan);
    io.stdout(`removed ${removed} cached window${removed === 1 ? '' : 's'} (${mb(bytes)})${olderThan === undefined ? '' : ` not used for ${olderThan} days`} from ${cache.root}\n`);
    return 0;
  }
  const entries = cache.list();
  io.stdout(`cache: ${cache.root} (at most ${mb(maxBytes)}: BACKTEST_CACHE_MAX_MB)\n`);
  if (entries.length === 0) {
    io.stdout('no cached windows\n');
    return 0;
  }
  const table = new Table({ head: ['project', 'table', 'symbols', 'dates', 'rows', 'size', 'last used'], style: { head: [], border: [] } });
  for (const e of entries) {
    if ('damaged' in e) {
      table.push(['', '', '', `damaged: ${e.damaged}`, '', mb(e.bytes), '']);
      continue;
    }
    const h = e.header;
    table.push([h.host, h.table, h.symbols.length.toLocaleString('en-US'), `${isoDate(h.from)} … ${isoDate(h.to)}`,
      h.rows.reduce((a, b) => a + b, 0).toLocaleString('en-US'), mb(e.bytes), e.lastUsed.toISOString().slice(0, 16).replace('T', ' ')]);
  }
  const total = entries.reduce((k, e) => k + e.bytes, 0);
  io.stdout(`${table.toString()}\n${entries.length} cached window${entries.length === 1 ? '' : 's'}, ${mb(total)}\n`);
  return 0;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}
