import { scrubSecrets } from '../util/redact.ts';
import { terminalText } from '../writers/terminal.ts';

/**
 * The process's standard output or error as the CLI writes to it — every line the program prints
 * goes through here:
 * 1. scrubbed of secrets (util/redact.ts: any 12 characters or more of the service key, in any of
 *    its encodings) and of terminal controls (writers/terminal.ts: escape sequences from data are
 *    shown as `\u001b…`, never acted on);
 * 2. a closed pipe (`backtest … | head -1`: the reader went away, EPIPE) ends the output quietly,
 *    as Unix tools do: nothing more is written there, no stack trace, and the command finishes
 *    its work (results already written stay) and exits with its own code;
 * 3. any other write error (a full disk behind `> file`) is said once on stderr, and the command
 *    then exits 1 (`failed`).
 */
export interface CliOutput {
  write(text: string): void;
  /** Set when the stream broke with an error other than a closed pipe (its message). */
  readonly failed: string | undefined;
}

export function cliOutput(stream: NodeJS.WriteStream, name: string, report: (line: string) => void): CliOutput {
  let closed = false;
  let failed: string | undefined;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    failed = `backtest: cannot write to ${name}: ${err.message}`;
    report(`${failed}\n`);
  });
  return {
    write(text) {
      if (!closed) stream.write(terminalText(scrubSecrets(text)));
    },
    get failed() {
      return failed;
    },
  };
}
