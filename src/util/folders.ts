import { accessSync, constants, existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

/**
 * Folders the user names (`--out`, `--data` of an import): checked before any work, created one level at
 * a time. Node's recursive mkdir loops forever on some file systems (`/proc/x/y` spins at full CPU), and
 * its EEXIST for a file in the way reads as a crash; here each problem is one line naming the folder.
 */

/** The missing folders of `dir`, outermost first, and the existing folder they go in. */
function missingParts(dir: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  return { existing: at, missing };
}

/**
 * Checks that `dir` is, or can be made, a writable folder (bad input otherwise: exit 2), without leaving
 * anything behind: an existing path must be a writable folder; a missing one's nearest existing parent
 * must be a writable folder in which a folder can really be made (made and removed at once — some file
 * systems, such as /proc, refuse what their permissions allow).
 */
export function checkFolderTarget(option: string, dir: string): void {
  const { existing, missing } = missingParts(dir);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(`${option} ${dir}: ${existing === resolve(dir) ? 'is a file, not a folder' : `${existing} is a file, not a folder`}`, 'E_BAD_FOLDER');
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${dir}: cannot write in ${existing} (permission denied)`, 'E_BAD_FOLDER');
  }
  if (!missing.length) return;
  try {
    mkdirSync(missing[0]!);
    rmdirSync(missing[0]!);
  } catch (err) {
    throw new UsageError(`${option} ${dir}: cannot make a folder in ${existing} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'E_BAD_FOLDER');
  }
}

/** Makes `dir` and its missing parents, one level at a time (never Node's recursive mkdir). */
export function makeFolders(dir: string): void {
  for (const part of missingParts(dir).missing) {
    try {
      mkdirSync(part);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // made meanwhile (another run): fine
    }
  }
}
