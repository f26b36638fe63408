import { BacktestError, firstLine, hintOf, InterruptedError, isUsageError } from '../errors.ts';

/** Exit codes: 0 success, 1 runtime failure, 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * The one place where errors become exit codes and messages: one line on stderr, naming the
 * problem; the stack only with --verbose for failures that are not the user's input.
 */
export function reportError(err: unknown, write: (text: string) => void, verbose = false): number {
  const code = exitCode(err, write, verbose);
  const hint = hintOf(err);
  if (hint) write(`backtest: ${hint}\n`);
  return code;
}

function exitCode(err: unknown, write: (text: string) => void, verbose: boolean): number {
  if (err instanceof InterruptedError) {
    write('backtest: interrupted\n');
    return EXIT.interrupted;
  }
  if (isUsageError(err)) {
    write(`backtest: ${firstLine(err)}\n`);
    return EXIT.usage;
  }
  const code = err instanceof BacktestError ? ` [${err.code}]` : '';
  write(`backtest: ${firstLine(err)}${code}\n`);
  if (verbose && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return EXIT.failure;
}
