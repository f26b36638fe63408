/** Reports progress: `done` of `total` (null while the total is unknown). The CLI draws it; libraries only call it. */
export type ProgressReporter = (done: number, total: number | null) => void;

/**
 * Makes a reporter for one long phase (its label, and the unit it counts in); `stop()` ends it, also when
 * the phase fails. The CLI's draws a bar on a terminal (cli/progress.ts); tests pass their own.
 */
export type ProgressFactory = (label: string, unit?: string) => ProgressReporter & { stop(): void };
