import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../errors.ts';
import { redactCommandLine } from '../util/redact.ts';
import { RunDir } from '../writers/run-dir.ts';
import { cacheCommand, cacheOptions } from './commands/cache.ts';
import { doctorCommand, doctorOptions } from './commands/doctor.ts';
import { importCommand, importOptions } from './commands/import.ts';
import { inspectCommand, inspectOptions } from './commands/inspect.ts';
import { reportCommand, reportOptions } from './commands/report.ts';
import { runCommand, runOptions } from './commands/run.ts';
import { uploadCommand, uploadOptions } from './commands/upload.ts';
import { workerCommand, workerOptions } from './commands/worker.ts';
import { EXIT, reportError, yargsLine } from './exit.ts';
import { runInterruptHandlers } from '../app/interrupt.ts';
import type { CliIO } from './io.ts';
import { cliOutput } from './output.ts';

/**
 * The `backtest` command line. Every command returns an exit code; errors are turned into
 * one line and a code by `reportError`, here and nowhere else.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const verbose = argv.includes('--verbose');
  const cli = yargs([...argv])
    .scriptName('backtest')
    .usage('$0 <start> <end> [season] [options]\n\nBacktest a strategy over trading days start … end on the season\'s universe.')
    .command('$0 <start> <end> [season]', 'run a backtest (the default command)', (y) => runOptions(y), async (args) => {
      code = await runCommand(args as never, io);
    })
    .command('import <files..>', 'convert CSV price files into a data folder, or load them into Supabase', (y) => importOptions(y), async (args) => {
      code = await importCommand(args as never, io);
    })
    .command('upload <run>', 'upload a finished run to Supabase (resumes an interrupted upload)', (y) => uploadOptions(y), async (args) => {
      code = await uploadCommand(args as never, io);
    })
    .command('doctor', 'check the Supabase configuration and connection', (y) => doctorOptions(y), async (args) => {
      code = await doctorCommand(args as never, io);
    })
    .command('cache <action>', 'list (ls) or clear the local cache of windows read from Supabase', (y) => cacheOptions(y), async (args) => {
      code = await cacheCommand(args as never, io);
    })
    .command('inspect [run]', "a finished run's top variants, diagnostics and manifest, or --sql over its CSVs", (y) => inspectOptions(y), async (args) => {
      code = await inspectCommand(args as never, io);
    })
    .command('worker', "run queued variants of distributed runs (backtest … --queue URL) until Ctrl-C", (y) => workerOptions(y), async (args) => {
      code = await workerCommand(args as never, io);
    })
    .command('report [run]', "write the run's report.html: charts and a sortable table in one offline page", (y) => reportOptions(y), async (args) => {
      code = await reportCommand(args as never, io);
    })
    .option('verbose', { type: 'boolean', default: false, describe: 'more detail: counters, stack traces' })
    .example('$0 2025-10-07 2026-01-03 2025', 'the sample market, default strategy')
    .example('$0 2025-10-07 2026-01-03 --strategy buy-and-hold --json', 'the benchmark, summary as JSON')
    .example('$0 2025-01-02 2025-12-31 --grid lookback=21,42,63 --grid top=5:20:5', '12 VOPA variants in parallel')
    .example('$0 import orcl-1995-2014.txt --data data/orcl', 'a Yahoo-style file into a data folder')
    .example('$0 1995-01-03 2014-12-31 --strategy sma-cross --data data/orcl --cash 100000', 'a moving-average crossover on it')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new UsageError(yargsLine(message), 'E_USAGE');
    });
  try {
    await cli.parseAsync();
  } catch (err) {
    return reportError(err, io.stderr, verbose);
  }
  return code;
}

/** Entry point of bin/backtest.js. */
export async function runCli(): Promise<void> {
  const args = hideBin(process.argv);
  // First Ctrl-C: a command that can stop gracefully (keeping finished work) is asked to; any other
  // moment, or a second Ctrl-C, quits at once: half-written run folders are removed, the Supabase pool
  // is closed (an upload's journal is already on disk), and what fails because of that stays quiet.
  const controller = new AbortController();
  let graceful = false;
  let stopping = false;
  const quit = () => {
    stopping = true;
    for (const dir of RunDir.active) dir.discard();
    process.stderr.write('\nbacktest: interrupted\n');
    void runInterruptHandlers().finally(() => process.exit(EXIT.interrupted));
  };
  // Everything printed is scrubbed of secrets and terminal controls; a closed pipe ends output quietly.
  const stderr = cliOutput(process.stderr, 'standard error', () => {});
  const stdout = cliOutput(process.stdout, 'standard output', (line) => stderr.write(line));
  const io: CliIO = {
    stdout: (t) => stdout.write(t),
    stderr: (t) => { if (!stopping) stderr.write(t); },
    commandLine: redactCommandLine(['backtest', ...args].join(' ')),
    signal: controller.signal,
    setGraceful: (on) => { graceful = on; },
    interactive: process.stderr.isTTY,
  };
  // SIGTERM (a service manager or a container stopping, which sends SIGKILL after a grace period)
  // is taken as Ctrl-C: a coordinator or a worker of a distributed run stops keeping what finished.
  const interrupt = () => {
    if (!graceful || controller.signal.aborted) return quit();
    process.stderr.write('\nbacktest: stopping; finished work is kept (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let code = await main(args, io);
  if (code === EXIT.ok && stdout.failed) code = EXIT.failure; // the output was lost (not a closed pipe: that is the reader's choice)
  process.exitCode = code;
  // The command has finished and said so: a timer or socket a library left behind (BullMQ's clients
  // retrying a Redis that is gone) must not keep the process alive.
  setTimeout(() => process.exit(code), 1_000).unref();
}
