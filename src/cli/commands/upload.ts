import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { requireNumber } from '../../config/run-config.ts';
import { UsageError } from '../../errors.ts';
// The Supabase client (undici, supabase-js) loads only when a command talks to Supabase: start-up stays light.
import { DEFAULT_CONNECTIONS, effectiveEnv, loadSupabaseSettings } from '../../supabase/config.ts';
import { formatCounters } from '../../supabase/counters.ts';
import { DEFAULT_BATCH_SIZE } from '../../upload/index.ts';
import { describeUpload, uploadFolder } from '../../app/upload.ts';
import { closeOnInterrupt } from '../../app/interrupt.ts';
import type { CliIO } from '../io.ts';
import { progressBar } from '../progress.ts';

/** `backtest upload <run-id|folder>`: uploads (or resumes uploading) a finished run. */
export function uploadOptions<T>(y: Argv<T>) {
  return y
    .positional('run', { type: 'string', demandOption: true, describe: 'a run folder, or a run id under --out' })
    .option('out', { type: 'string', default: 'results', describe: 'parent folder of the run folders' })
    .option('batch-size', { type: 'string', describe: 'rows per request (a resumed upload keeps its journal\'s)', defaultDescription: String(DEFAULT_BATCH_SIZE) })
    .option('connections', { type: 'string', describe: 'sockets to Supabase at most', defaultDescription: String(DEFAULT_CONNECTIONS) });
}

type UploadArgs = Awaited<ReturnType<typeof uploadOptions>['argv']> & { verbose?: boolean };

export async function uploadCommand(args: UploadArgs, io: CliIO): Promise<number> {
  const cwd = process.cwd();
  const given = String(args.run);
  const dir = [resolve(cwd, given), isAbsolute(given) ? given : join(resolve(cwd, args.out), given)].find((d) => existsSync(join(d, 'manifest.json')));
  if (!dir) throw new UsageError(`upload: ${given} is neither a run folder nor a run id in ${resolve(cwd, args.out)} (a complete run folder has manifest.json)`, 'E_NO_RUN');
  const batchSize = args['batch-size'] === undefined ? undefined : requireNumber('--batch-size', args['batch-size'], { positive: true, whole: true });
  const connections = args.connections === undefined ? undefined : requireNumber('--connections', args.connections, { positive: true });
  const { SupabaseRest } = await import('../../supabase/client.ts');
  const rest = SupabaseRest.open(loadSupabaseSettings(effectiveEnv(cwd), { connections }));
  const release = closeOnInterrupt(() => rest.destroy());
  try {
    const report = await uploadFolder(rest, dir, { batchSize, progress: progressBar(`upload ${rest.host}`), notice: (line) => io.stderr(`backtest: ${line}\n`) });
    io.stderr(`${describeUpload(report, rest.host)}\n`);
    return 0;
  } finally {
    release();
    await rest.close();
    if (args.verbose) io.stderr(`${formatCounters(`supabase ${rest.host}`, rest.snapshot())}\n`);
  }
}
