export { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, upsertBatches, UploadError, type BatchJob } from './batches.ts';
export { Journal } from './journal.ts';
export { readRunFolder, type RunFolder } from './run-rows.ts';
export { uploadRun, type UploadReport } from './upload-run.ts';
