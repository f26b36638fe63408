/** Where a command writes, and how it hears Ctrl-C; tests and the CLI entry give their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The command line as typed, for the manifest. */
  readonly commandLine: string;
  /** Aborted by the first Ctrl-C while the command has said it can stop gracefully. */
  readonly signal?: AbortSignal | undefined;
  /** A command in a phase that handles `signal` (e.g. running variants) says so; otherwise Ctrl-C quits at once. */
  readonly setGraceful?: ((on: boolean) => void) | undefined;
  /** stderr is a terminal (progress bars are drawn only there). */
  readonly interactive?: boolean | undefined;
}
