/**
 * Typed errors with stable codes. The CLI maps them to exit codes in one place
 * (src/cli/exit.ts): a `UsageError` is the user's input (exit 2), anything else a
 * runtime failure (exit 1).
 */

/** Base of every error the engine raises on purpose; `code` is stable for scripts and tests. */
export class BacktestError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: an option, argument, file or parameter the user can fix. Exit code 2. */
export class UsageError extends BacktestError {
  constructor(message: string, code = 'E_USAGE', options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Input data that cannot be used as given (missing files, empty ranges, unknown seasons). Exit code 2. */
export class DataError extends UsageError {
  constructor(message: string, code = 'E_DATA', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/** A strategy broke its contract at run time (bad weights, throwing decision). Exit code 1. */
export class StrategyError extends BacktestError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_STRATEGY', message, options);
  }
}

/** True for errors that are the user's to fix (exit code 2). */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof UsageError;
}

/** The user interrupted the run (Ctrl-C) before anything could be kept. Exit code 130. */
export class InterruptedError extends BacktestError {
  constructor(message = 'interrupted') {
    super('E_INTERRUPTED', message);
  }
}

/** The first line of an error's message (or of a text), trimmed: what a one-line message quotes. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}

const hints = new WeakMap<object, string>();

/**
 * The same error, carrying what the user can do next (printed on its own line after the error's):
 * e.g. how to resume a distributed run or an upload. The error keeps its class, so its exit code.
 */
export function withHint<T>(err: T, hint: string): T {
  if (err !== null && typeof err === 'object') hints.set(err, hint);
  return err;
}

/** The hint attached with `withHint`, if any. */
export function hintOf(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' ? hints.get(err) : undefined;
}
