import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { BacktestError } from '../errors.ts';
import { scrubSecrets } from '../util/redact.ts';

/**
 * Writing the files of a run folder (and of an upload) so that a failure leaves nothing that looks
 * whole and says which file it was:
 * 1. every text is scrubbed of secrets on the way out (util/redact.ts);
 * 2. a whole file is written under `<name>.partial` and renamed into place; if the write fails
 *    (a full disk), the partial file is removed;
 * 3. errors name the path and the reason in words (`ENOSPC` → "no space left on device"); Node's
 *    own message for a failed write names neither the file nor, for a descriptor, anything.
 */

/** Why a write failed, in words, by errno code. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large (a file size limit, ulimit -f)',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is not a folder',
  EISDIR: 'it is a folder',
};

/** A failed write as one line naming the file: `cannot write <path>: no space left on device (ENOSPC)`. Exit 1. */
export function writeError(path: string, err: unknown): BacktestError {
  if (err instanceof BacktestError && err.code === 'E_WRITE') return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const reason = code ? `${REASONS[code] ?? (err as Error).message.split(',')[0]} (${code})` : String((err as Error)?.message ?? err);
  return new BacktestError('E_WRITE', `cannot write ${path}: ${reason}`, { cause: err });
}

/** Writes a whole text file atomically: `<path>.partial`, then renamed; nothing is left behind on failure. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.partial`;
  try {
    writeFileSync(temp, scrubSecrets(text));
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw writeError(path, err);
  }
}

/** Writes a JSON file atomically (2-space indent, a final newline). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a whole text file in place (a run's temporary folder is what makes it atomic), scrubbed. */
export function writeTextFile(path: string, text: string): void {
  try {
    writeFileSync(path, scrubSecrets(text));
  } catch (err) {
    rmSync(path, { force: true });
    throw writeError(path, err);
  }
}

/**
 * Appends one line to a journal. A failed append may leave a torn last line, which the journals'
 * readers ignore by design; the error names the file.
 */
export function appendLine(path: string, line: string): void {
  try {
    appendFileSync(path, `${scrubSecrets(line)}\n`);
  } catch (err) {
    throw writeError(path, err);
  }
}
