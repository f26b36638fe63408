import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { readManifestFile } from '../writers/manifest-file.ts';
import { RunJournal } from './journal.ts';

/**
 * The run id to resume, once its journal is found and its folder is not already complete. A
 * `--chunk-size` must be the run's own: its chunks are numbered by it, so another size would take
 * the journal's chunks for others.
 */
export function resumeRunId(runId: string, outDir: string, chunkSize?: number): string {
  const folder = join(outDir, runId);
  const m = readManifestFile(folder);
  if (m.state === 'read' && m.manifest.status === 'complete') throw new UsageError(`--resume ${runId}: the run is already complete (${folder})`, 'E_RESUME');
  if (m.state === 'broken') throw new UsageError(`--resume ${runId}: ${m.file} is ${m.reason}; move ${folder} aside, then resume`, 'E_RESUME');
  const journal = RunJournal.open(outDir, runId); // a UsageError when there is nothing to resume
  if (chunkSize !== undefined && chunkSize !== journal.meta.chunkSize) {
    throw new UsageError(`--resume ${runId}: the run has chunks of ${journal.meta.chunkSize} variants, not ${chunkSize}; leave out --chunk-size (or give ${journal.meta.chunkSize})`, 'E_RESUME');
  }
  return runId;
}
