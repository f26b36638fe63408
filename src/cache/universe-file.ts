import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeAll, writeAtomically } from './atomic-write.ts';
import { CacheFileError } from './entry-file.ts';

/**
 * One cached universe (the rows of some seasons as the server sent them, and the fingerprint
 * the server computed for them) in one file, written atomically and checked whole before use:
 * 1. layout: one line `VOPAUNI1 <sha256 of the rest, hex>`, then the JSON
 *    `{format, version, host, table, first, last, fingerprint, created, rows}`;
 * 2. written through a hidden temporary file, flushed, renamed over the final name (atomic-write.ts);
 * 3. read back only when the digest matches and the JSON is whole and of this version: anything
 *    else is `CacheFileError`, never used. The fingerprint is only ever compared with the
 *    server's (backtest_window_check): the rows are used only when the server says they are its own.
 */
export const UNIVERSE_EXTENSION = '.vuni';
const MAGIC = 'VOPAUNI1';
const VERSION = 1;

export interface UniverseEntry {
  readonly host: string;
  readonly table: string;
  /** The seasons first … last. */
  readonly first: number;
  readonly last: number;
  /** The server's fingerprint of these rows (backtest_universe_fingerprint). */
  readonly fingerprint: string;
  readonly created: string;
  /** The rows as the server sent them (every column). */
  readonly rows: readonly Record<string, unknown>[];
}

export function writeUniverse(file: string, temp: string, entry: UniverseEntry): number {
  const body = Buffer.from(JSON.stringify({ format: 'vopa-universe', version: VERSION, ...entry }));
  const head = Buffer.from(`${MAGIC} ${createHash('sha256').update(body).digest('hex')}\n`);
  writeAtomically(file, temp, (fd) => {
    writeAll(fd, head);
    writeAll(fd, body);
  });
  return head.length + body.length;
}

/** The universe of a file, checked; or `CacheFileError`. */
export function readUniverse(file: string): UniverseEntry {
  const bytes = readFileSync(file);
  const eol = bytes.indexOf(0x0a);
  const head = eol > 0 ? bytes.toString('latin1', 0, eol) : '';
  const [magic, digest] = head.split(' ');
  if (magic !== MAGIC || !digest) throw new CacheFileError(`${file}: not a universe file`);
  const body = bytes.subarray(eol + 1);
  if (createHash('sha256').update(body).digest('hex') !== digest) throw new CacheFileError(`${file}: its checksum does not match (damaged or half-written)`);
  let parsed: UniverseEntry & { format?: unknown; version?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CacheFileError(`${file}: not readable`);
  }
  if (parsed.format !== 'vopa-universe' || parsed.version !== VERSION || typeof parsed.fingerprint !== 'string' || !Array.isArray(parsed.rows)) {
    throw new CacheFileError(`${file}: format ${String(parsed.format)} ${String(parsed.version)}, not vopa-universe ${VERSION}`);
  }
  return parsed;
}
