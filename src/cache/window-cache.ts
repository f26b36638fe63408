import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { CacheFileError, ENTRY_EXTENSION, readEntry, readHeader, writeEntry, type CachedSeries, type EntryData, type EntryHeader } from './entry-file.ts';
import { readUniverse, UNIVERSE_EXTENSION, writeUniverse, type UniverseEntry } from './universe-file.ts';

/**
 * The local cache of windows read from Supabase:
 * 1. where: `$XDG_CACHE_HOME/vopa-backtest` (or `~/.cache/vopa-backtest`), one folder per
 *    project host and prices table, one file per window (entry-file.ts);
 * 2. `find` reads the headers of that folder's files and picks the one that holds the most of
 *    the symbols asked over the dates asked (the caller then validates it with the server);
 * 3. `load` reads a file whole and checks it; a bad file is deleted and reported, never used;
 * 4. `save` writes atomically, then evicts the least recently used files (the time of last use
 *    is the file's modification time, set again on each use) until everything fits in
 *    `BACKTEST_CACHE_MAX_MB` (default 2,048); a window larger than the cap alone is not kept;
 * 5. a folder that cannot be written makes `open` answer undefined, with one warning: the run
 *    goes on without the cache;
 * 6. beside the windows, the universe they were chosen from (universe-file.ts): one small file
 *    per project host, universe table and seasons, validated by the server in the same request
 *    as the window (`backtest_window_check`); cleared and evicted with the windows, not listed.
 */
export const DEFAULT_CACHE_MAX_MB = 2_048;
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface CacheListing {
  readonly file: string;
  readonly header: EntryHeader;
  readonly bytes: number;
  readonly lastUsed: Date;
}

/** The cache folder: `$XDG_CACHE_HOME/vopa-backtest` when XDG_CACHE_HOME is an absolute path, else `~/.cache/vopa-backtest`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'vopa-backtest');
}

/** `BACKTEST_CACHE_MAX_MB` in bytes; bad input (exit 2) when it is not a number above 0. */
export function cacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BACKTEST_CACHE_MAX_MB;
  if (text === undefined || text.trim() === '') return DEFAULT_CACHE_MAX_MB * 1024 * 1024;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`BACKTEST_CACHE_MAX_MB=${text}: must be a number of megabytes above 0 (default ${DEFAULT_CACHE_MAX_MB})`, 'E_BAD_OPTION');
  return Math.floor(mb * 1024 * 1024);
}

/** A folder name for a host or table: its characters kept where safe, else `_`. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
}

export class WindowCache {
  readonly root: string;
  readonly maxBytes: number;

  private constructor(root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  /**
   * The cache, or undefined (after one `warn`) when its folder cannot be created or written.
   * Throws `UsageError` for a bad `BACKTEST_CACHE_MAX_MB`.
   */
  static open(options: { env?: NodeJS.ProcessEnv; root?: string; warn?: (message: string) => void } = {}): WindowCache | undefined {
    const env = options.env ?? process.env;
    const maxBytes = cacheMaxBytes(env);
    const root = options.root ?? cacheRoot(env);
    try {
      mkdirSync(root, { recursive: true });
      accessSync(root, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      options.warn?.(`the cache folder ${root} cannot be written (${code}): running without the cache`);
      return undefined;
    }
    return new WindowCache(root, maxBytes);
  }

  /** The cache for listing and clearing (`backtest cache`): nothing is created. */
  static at(root: string, maxBytes = DEFAULT_CACHE_MAX_MB * 1024 * 1024): WindowCache {
    return new WindowCache(root, maxBytes);
  }

  private folder(host: string, table: string): string {
    return join(this.root, slug(host), slug(table));
  }

  /**
   * The file most worth using for `symbols` over [from, to]: most symbols in common, then most
   * dates in common, then most recently used. Files whose header shows them damaged (cut,
   * half-written) are deleted, and listed in `damaged`.
   */
  find(host: string, table: string, symbols: readonly string[], from: number, to: number): { best: { file: string; header: EntryHeader } | undefined; damaged: string[] } {
    const wanted = new Set(symbols);
    const damaged: string[] = [];
    let best: { file: string; header: EntryHeader; score: [number, number, number] } | undefined;
    for (const file of this.files(this.folder(host, table))) {
      let header: EntryHeader;
      let used: number;
      try {
        header = readHeader(file).header;
        used = statSync(file).mtimeMs;
      } catch (err) {
        if (err instanceof CacheFileError) {
          this.discard(file);
          damaged.push(err.message);
        }
        continue;
      }
      if (header.host !== host || header.table !== table) continue;
      const days = Math.min(to, header.to) - Math.max(from, header.from) + 1;
      if (days <= 0) continue;
      const common = header.symbols.reduce((k, s) => k + (wanted.has(s) ? 1 : 0), 0);
      if (common === 0) continue;
      const score: [number, number, number] = [common, days, used];
      if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))) {
        best = { file, header, score };
      }
    }
    return { best: best && { file: best.file, header: best.header }, damaged };
  }

  /** The file's window, checked whole; a bad file is deleted and the reason returned instead. */
  async load(file: string): Promise<EntryData | { damaged: string }> {
    try {
      const data = await readEntry(file);
      this.touch(file);
      return data;
    } catch (err) {
      if (err instanceof CacheFileError) {
        this.discard(file);
        return { damaged: err.message };
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { damaged: `${file}: removed meanwhile` };
      throw err;
    }
  }

  /**
   * Writes a window (its file name is a digest of host, table, dates and symbols, so the same
   * window replaces itself), deletes `supersedes` when given, then evicts. Answers the file
   * and its size, or undefined when the window alone exceeds the cap, or its rows cannot be laid
   * out as a panel (a symbol's day repeated: the panel refuses them anyway); it is then not kept.
   */
  save(header: Omit<EntryHeader, 'format' | 'version' | 'endian' | 'rows' | 'months' | 'created' | 'bars' | 'loose'>, series: readonly CachedSeries[], months: readonly ReadonlyMap<number, string>[], supersedes?: string): { file: string; bytes: number } | undefined {
    const estimate = series.reduce((k, s) => k + s.days.length * 44, 0);
    if (estimate > this.maxBytes) return undefined;
    const dir = this.folder(header.host, header.table);
    mkdirSync(dir, { recursive: true });
    const key = createHash('sha256').update(JSON.stringify([header.host, header.table, header.from, header.to, header.symbols])).digest('hex').slice(0, 24);
    const file = join(dir, `${key}${ENTRY_EXTENSION}`);
    const temp = join(dir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const bytes = writeEntry(file, temp, { ...header, created: new Date().toISOString() }, series, months);
    if (bytes === undefined) return undefined; // rows the panel refuses (a day repeated): not kept
    if (supersedes && supersedes !== file) this.discard(supersedes);
    this.evict(file);
    try {
      statSync(file);
    } catch {
      return undefined; // larger than the cap once written: evicted last of all
    }
    return { file, bytes };
  }

  /** The cached universe of seasons first … last, or why it cannot be used (the file is then deleted), or undefined. */
  loadUniverse(host: string, table: string, first: number, last: number): UniverseEntry | { damaged: string } | undefined {
    const file = this.universeFile(host, table, first, last);
    try {
      const entry = readUniverse(file);
      if (entry.host !== host || entry.table !== table || entry.first !== first || entry.last !== last) throw new CacheFileError(`${file}: holds another universe`);
      this.touch(file);
      return entry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (!(err instanceof CacheFileError)) throw err;
      this.discard(file);
      return { damaged: err.message };
    }
  }

  /** Writes a universe atomically (replacing the one of the same seasons); answers its file. */
  saveUniverse(entry: Omit<UniverseEntry, 'created'>): string {
    const dir = this.folder(entry.host, entry.table);
    mkdirSync(dir, { recursive: true });
    const file = this.universeFile(entry.host, entry.table, entry.first, entry.last);
    const temp = join(dir, `.seasons-${entry.first}-${entry.last}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    writeUniverse(file, temp, { ...entry, created: new Date().toISOString() });
    this.evict(file);
    return file;
  }

  private universeFile(host: string, table: string, first: number, last: number): string {
    return join(this.folder(host, table), `seasons-${first}-${last}${UNIVERSE_EXTENSION}`);
  }

  /** Marks a file as just used (LRU order). */
  touch(file: string): void {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // gone meanwhile: nothing to mark
    }
  }

  /** Every window file with its header, size and last use, most recently used first. Unreadable ones are listed as damaged. */
  list(): (CacheListing | { file: string; damaged: string; bytes: number })[] {
    const out: (CacheListing | { file: string; damaged: string; bytes: number })[] = [];
    for (const file of this.allFiles()) {
      try {
        const stat = statSync(file);
        try {
          out.push({ file, header: readHeader(file).header, bytes: stat.size, lastUsed: stat.mtime });
        } catch (err) {
          if (!(err instanceof CacheFileError)) throw err;
          out.push({ file, damaged: err.message, bytes: stat.size });
        }
      } catch {
        // removed meanwhile
      }
    }
    return out.sort((a, b) => ('lastUsed' in b ? b.lastUsed.getTime() : 0) - ('lastUsed' in a ? a.lastUsed.getTime() : 0));
  }

  /** Removes window files (those not used for `olderThanDays` days, or all), cached universes the same way, and stale temporary files; counts the windows. */
  clear(olderThanDays?: number): { removed: number; bytes: number } {
    const limit = olderThanDays === undefined ? Infinity : Date.now() - olderThanDays * 86_400_000;
    let removed = 0, bytes = 0;
    for (const file of this.allFiles(true)) {
      try {
        const stat = statSync(file);
        const temp = file.endsWith('.tmp');
        if (temp ? Date.now() - stat.mtimeMs < STALE_TEMP_MS : olderThanDays !== undefined && stat.mtimeMs >= limit) continue;
        unlinkSync(file);
        if (file.endsWith(ENTRY_EXTENSION)) removed++;
        bytes += stat.size;
      } catch {
        // removed meanwhile
      }
    }
    return { removed, bytes };
  }

  /** Deletes least recently used files until the total fits the cap (`keep` last of all). */
  private evict(keep: string): void {
    const files = this.allFiles(true).flatMap((file) => {
      try {
        const stat = statSync(file);
        if (file.endsWith('.tmp')) {
          if (Date.now() - stat.mtimeMs > STALE_TEMP_MS) this.discard(file);
          return [];
        }
        return [{ file, bytes: stat.size, used: file === keep ? Infinity : stat.mtimeMs }];
      } catch {
        return [];
      }
    }).sort((a, b) => a.used - b.used);
    let total = files.reduce((k, f) => k + f.bytes, 0);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      this.discard(f.file);
      total -= f.bytes;
    }
  }

  private discard(file: string): void {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }

  private files(dir: string, temps = false): string[] {
    try {
      return readdirSync(dir).filter((f) => f.endsWith(ENTRY_EXTENSION) || (temps && (f.endsWith('.tmp') || f.endsWith(UNIVERSE_EXTENSION)))).map((f) => join(dir, f));
    } catch {
      return [];
    }
  }

  /** Files of every host and table folder (with `temps`, temporary files and universes too). */
  private allFiles(temps = false): string[] {
    const out: string[] = [];
    for (const host of safeDir(this.root)) for (const table of safeDir(join(this.root, host))) out.push(...this.files(join(this.root, host, table), temps));
    return out;
  }
}

function safeDir(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}
