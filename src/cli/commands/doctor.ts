import type { Argv } from 'yargs';
import { requireNumber } from '../../config/run-config.ts';
import { DEFAULT_CONNECTIONS, effectiveEnv, loadSupabaseSettings } from '../../supabase/config.ts';
import type { CliIO } from '../io.ts';

/** `backtest doctor`: checks the Supabase configuration and connection; exit 0 when healthy. */
export function doctorOptions<T>(y: Argv<T>) {
  return y.option('connections', { type: 'string', describe: 'sockets to Supabase at most', defaultDescription: String(DEFAULT_CONNECTIONS) });
}

type DoctorArgs = Awaited<ReturnType<typeof doctorOptions>['argv']>;

export async function doctorCommand(args: DoctorArgs, io: CliIO): Promise<number> {
  const connections = args.connections === undefined ? undefined : requireNumber('--connections', args.connections, { positive: true });
  const settings = loadSupabaseSettings(effectiveEnv(process.cwd()), { connections });
  const report = await (await import('../../supabase/doctor.ts')).runDoctor(settings);
  for (const f of report.findings) {
    io.stdout(`${f.note ? 'note' : !f.ok ? 'FAIL' : f.warn ? 'warn' : 'ok  '} ${f.what}\n`);
    if (f.fix) io.stdout(`     → ${f.fix}\n`);
  }
  io.stdout(report.ok ? 'healthy: backtests can read from and upload to this project\n' : 'not healthy: fix the lines marked FAIL, then run `backtest doctor` again\n');
  return report.ok ? 0 : 1;
}
