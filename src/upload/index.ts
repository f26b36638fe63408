export { DEFAULT_BATCH_SIZE, DEFAULT_UPLOAD_CONCURRENCY, upsertBatches } from './batches.ts';
export { Journal } from './journal.ts';
export { uploadRun, type UploadReport } from './upload-run.ts';
