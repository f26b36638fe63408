/** Reports progress: `done` of `total` (null while the total is unknown). The CLI draws it; libraries only call it. */
export type ProgressReporter = (done: number, total: number | null) => void;
