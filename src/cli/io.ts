/** Where a command writes; tests and the CLI entry give their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The command line as typed, for the manifest. */
  readonly commandLine: string;
}
