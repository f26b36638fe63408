import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Writes a file atomically, so that a reader sees the old file, the new one whole, or none:
 * 1. `write` fills a temporary file `temp` (in the same folder as `file`: a rename does not cross
 *    file systems);
 * 2. the temporary file is flushed to disk (fsync), closed, and renamed over `file` (rename
 *    replaces an existing file whole, atomically);
 * 3. on any failure — in `write`, the flush, the close or the rename — the temporary file is
 *    removed and the error thrown again: nothing is left under either name.
 * @example writeAtomically('/c/a.vuni', '/c/.a.123.tmp', (fd) => writeAll(fd, bytes));
 */
export function writeAtomically(file: string, temp: string, write: (fd: number) => void): void {
  const fd = openSync(temp, 'w', 0o644);
  let open = true;
  try {
    write(fd);
    fsyncSync(fd);
    open = false;
    closeSync(fd);
    renameSync(temp, file);
  } catch (err) {
    if (open) {
      try { closeSync(fd); } catch { /* already closed */ }
    }
    try { unlinkSync(temp); } catch { /* already gone */ }
    throw err;
  }
}

/** Writes all of `bytes` at the file's current position (a write may take only part of them). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}
