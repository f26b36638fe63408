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

/**
 * A yargs failure as one complete line. yargs writes some messages over several lines
 * ("Invalid values:" then one "Argument: fill, Given: \"middle\", Choices: \"open\", \"close\""
 * line per option), which the one-line rule would cut to a heading: choices become
 * `--fill must be one of open, close; got "middle"`, and any other message has its lines joined.
 * @example yargsLine('Invalid values:\n  Argument: fill, Given: "middle", Choices: "open", "close"') // '--fill must be one of open, close; got "middle"'
 */
export function yargsLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines[0] === 'Invalid values:' && lines.length > 1) return lines.slice(1).map(choiceLine).join('; ');
  if (lines.length <= 1) return lines[0] ?? message.trim();
  return lines.slice(1).reduce((text, line) => `${text}${/:$/.test(text) ? ' ' : '; '}${line}`, lines[0]!);
}

/** `Argument: fill, Given: "middle", Choices: "open", "close"` → `--fill must be one of open, close; got "middle"`. */
function choiceLine(line: string): string {
  const m = /^Argument: (.+?), Given: (.*), Choices: (.*)$/.exec(line);
  if (!m) return line;
  const [, key, given, choices] = m as unknown as [string, string, string, string];
  // The choices are ours (JSON strings joined by ", "); the given value is the user's, shown as yargs quoted it.
  let list = choices;
  try {
    list = (JSON.parse(`[${choices}]`) as unknown[]).map(String).join(', ');
  } catch {
    // keep yargs' text
  }
  return `--${key} must be one of ${list}; got ${given}`;
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
