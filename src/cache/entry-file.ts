import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { writeAll, writeAtomically } from './atomic-write.ts';
import { WindowBlock, type CachedSeries } from './window-block.ts';

/**
 * One cached window in one file, laid out as the panel's arrays, written atomically and checked
 * whole before use:
 * 1. layout (format version 2): `VOPAWIN1`, u32 header length, u32 0, the header (JSON, padded to
 *    8 bytes), then: every symbol's days (int32, symbol after symbol, in the header's order);
 *    the calendar (int32: each day on which some symbol has a row); open, high, low, close, volume
 *    as bars × symbols matrices (float64, time-major, each its own block: the panel's own layout,
 *    columns in the panel's order, by code unit), NaN where a symbol has no row, and NaN in all five
 *    where its row has no close (as the panel holds it); those rows without a close whole, aside
 *    (cell index int32, then the five fields); months (int32) and month revisions (int64, −1:
 *    unknown); each block padded to 8 bytes, in this machine's byte order (the header says which);
 *    a trailer: u32 CRC-32 of everything before it, u32 0, `VOPAEND1`;
 * 2. written through a temporary file, flushed, renamed over the final name (atomic-write.ts);
 *    a window whose rows cannot be laid out so (a symbol's days not strictly ascending: the
 *    panel refuses it anyway) is not written;
 * 3. read back only if its size is the one its header implies, the trailer is there and the
 *    CRC matches: a truncated, half-written or damaged file is `CacheFileError`, never data. Each
 *    matrix is read with one call into an ArrayBuffer of its own, which the panel can then take
 *    as it is (window-block.ts); the checksum of one block is computed while the next is read.
 * Why CRC-32 (zlib's, ~2 GB/s here): the cache is local, not a security boundary; what must be
 * caught is accidental damage (a bit flipped, a block zeroed, a file cut short or half-written),
 * and a CRC detects every burst up to 32 bits and all but 2⁻³² of other damage; a cut is caught
 * before that by the size and the trailer. SHA-256 would cost ~4× as much for nothing more here.
 * Why not DuckDB or Parquet: the window must be in memory in well under a second at 7.5 million
 * rows; DuckDB's reader hands values to JavaScript one call each (2.9 s for those rows measured on
 * the development machine); this format is read with one system call per block, into the panel.
 */
export const ENTRY_EXTENSION = '.vwin';
const MAGIC = 'VOPAWIN1';
const TRAILER = 'VOPAEND1';
/** 2: time-major matrices (the panel's layout); 1 held each symbol's values one after the other. */
const FORMAT_VERSION = 2;
const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export type { CachedSeries } from './window-block.ts';

/** What a window file holds about itself (read without its data, to choose among files). */
export interface EntryHeader {
  readonly format: 'vopa-window';
  readonly version: number;
  readonly endian: 'le' | 'be';
  readonly host: string;
  readonly table: string;
  /** The dates every symbol's rows cover, day numbers (every row of a symbol in [from, to] is there). */
  readonly from: number;
  readonly to: number;
  readonly created: string;
  readonly symbols: readonly string[];
  readonly rows: readonly number[];
  readonly months: readonly number[];
  /** Each symbol's revision when read: null when it had none, '?' when unknown. */
  readonly revisions: readonly (string | null)[];
  /** Days in the calendar (rows of the matrices). */
  readonly bars: number;
  /** Rows without a close (kept aside, whole). */
  readonly loose: number;
}

export interface EntryData {
  readonly header: EntryHeader;
  /** Per symbol (the header's order): its rows, values gathered from the matrices when first asked for. */
  readonly series: readonly CachedSeries[];
  /** Per symbol: month (day number of its 1st) → revision ('?': unknown). */
  readonly months: readonly ReadonlyMap<number, string>[];
  /** The matrices, for a panel of exactly these symbols (window-block.ts). */
  readonly block: WindowBlock;
}

/** A cache file that cannot be used: truncated, half-written, damaged, or of another version. */
export class CacheFileError extends Error {}

const pad8 = (n: number) => (n + 7) & ~7;

/** Indices of `symbols` in the panel's order (by code unit, as source/supabase/series.ts sorts its members). */
function panelOrder(symbols: readonly string[]): number[] {
  return symbols.map((_, k) => k).sort((a, b) => (symbols[a]! < symbols[b]! ? -1 : symbols[a]! > symbols[b]! ? 1 : 0));
}

/** Offsets of the blocks after the header, from the counts (all multiples of 8). */
function layout(rows: number, bars: number, n: number, loose: number, months: number) {
  const days = 0;
  const calendar = days + pad8(rows * 4);
  const matrices = calendar + pad8(bars * 4);
  const matrix = bars * n * 8;
  const looseCells = matrices + 5 * matrix;
  const looseValues = looseCells + pad8(loose * 4);
  const monthDays = looseValues + 5 * loose * 8;
  const monthRevs = monthDays + pad8(months * 4);
  return { days, calendar, matrices, matrix, looseCells, looseValues, monthDays, monthRevs, end: monthRevs + months * 8 };
}

/**
 * Writes `entry` to `file` atomically (through `temp`); returns the file's size, or undefined
 * when the rows cannot be laid out as a panel (a symbol's days not strictly ascending).
 */
export function writeEntry(file: string, temp: string, given: Omit<EntryHeader, 'format' | 'version' | 'endian' | 'rows' | 'months' | 'bars' | 'loose'>, series: readonly CachedSeries[], months: readonly ReadonlyMap<number, string>[]): number | undefined {
  // 1. The panel's column order (the matrices'), and the calendar: every day on which some symbol has a row.
  const cols = panelOrder(given.symbols).map((k) => series[k]!);
  let lo = Infinity, hi = -Infinity;
  for (const s of cols) {
    for (let i = 1; i < s.days.length; i++) if (!(s.days[i]! > s.days[i - 1]!)) return undefined;
    if (s.days.length) {
      lo = Math.min(lo, s.days[0]!);
      hi = Math.max(hi, s.days[s.days.length - 1]!);
    }
  }
  const span = hi >= lo ? hi - lo + 1 : 0;
  const seen = new Uint8Array(span);
  for (const s of cols) for (const d of s.days) seen[d - lo] = 1;
  const barOf = new Int32Array(span).fill(-1);
  const calendar: number[] = [];
  for (let d = 0; d < span; d++) if (seen[d]) barOf[d] = calendar.push(lo + d) - 1;
  const n = cols.length, bars = calendar.length;
  // 2. Rows without a close, kept whole aside (the matrices hold NaN for them, as the panel does).
  const looseCells: number[] = [];
  const looseValues: number[][] = FIELDS.map(() => []);
  cols.forEach((s, j) => {
    for (let i = 0; i < s.days.length; i++) {
      if (s.close[i]! === s.close[i]!) continue;
      looseCells.push(barOf[s.days[i]! - lo]! * n + j);
      FIELDS.forEach((f, k) => looseValues[k]!.push(s[f][i]!));
    }
  });
  const orderedMonths = months.map((m) => [...m].sort((a, b) => a[0] - b[0]));
  const header: EntryHeader = {
    format: 'vopa-window', version: FORMAT_VERSION, endian: endianness() === 'LE' ? 'le' : 'be', ...given,
    rows: series.map((s) => s.days.length), months: orderedMonths.map((m) => m.length), bars, loose: looseCells.length,
  };
  const json = Buffer.from(JSON.stringify(header));
  const rows = header.rows.reduce((a, b) => a + b, 0);
  const monthCount = header.months.reduce((a, b) => a + b, 0);
  const at = layout(rows, bars, n, looseCells.length, monthCount);
  let crc = 0;
  let size = 0;
  writeAtomically(file, temp, (fd) => {
    const out = new Writer(fd, (chunk) => {
      crc = crc32(chunk, crc);
      size += chunk.length;
    });
    const start = Buffer.alloc(16);
    start.write(MAGIC, 0, 'latin1');
    start.writeUInt32LE(json.length, 8);
    out.put(start);
    out.put(json);
    out.put(Buffer.alloc(pad8(json.length) - json.length, 0x20));
    for (const s of series) out.put(bytesOf(s.days));
    out.pad();
    out.put(bytesOf(Int32Array.from(calendar)));
    out.pad();
    // 3. One matrix at a time (bars × n, time-major), NaN where there is no row with a close.
    const matrix = new Float64Array(bars * n);
    for (const f of FIELDS) {
      matrix.fill(NaN);
      cols.forEach((s, j) => {
        const values = s[f], close = s.close, days = s.days;
        for (let i = 0; i < days.length; i++) if (close[i]! === close[i]!) matrix[barOf[days[i]! - lo]! * n + j] = values[i]!;
      });
      out.put(bytesOf(matrix));
    }
    out.put(bytesOf(Int32Array.from(looseCells)));
    out.pad();
    for (const values of looseValues) out.put(bytesOf(Float64Array.from(values)));
    out.put(bytesOf(Int32Array.from(orderedMonths.flat(), ([day]) => day)));
    out.pad();
    out.put(bytesOf(BigInt64Array.from(orderedMonths.flat(), ([, rev]) => (rev === '?' ? -1n : BigInt(rev)))));
    out.flush();
    const expected = 16 + pad8(json.length) + at.end;
    if (size !== expected) throw new Error(`internal: cache file of ${size} bytes, ${expected} expected`);
    const trailer = Buffer.alloc(16);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.write(TRAILER, 8, 'latin1');
    writeAll(fd, trailer);
  });
  return size + 16;
}

/** The header of a window file, or `CacheFileError`. Reads only the header. */
export function readHeader(file: string): { header: EntryHeader; size: number; dataStart: number } {
  const fd = openSync(file, 'r');
  try {
    return headerOf(fd, file);
  } finally {
    closeSync(fd);
  }
}

function headerOf(fd: number, file: string): { header: EntryHeader; size: number; dataStart: number } {
  const size = fstatSync(fd).size;
  const start = Buffer.alloc(16);
  if (size < 32 || readSync(fd, start, 0, 16, 0) !== 16 || start.toString('latin1', 0, 8) !== MAGIC) throw new CacheFileError(`${file}: not a window file (${size} bytes)`);
  const length = start.readUInt32LE(8);
  if (16 + length > size) throw new CacheFileError(`${file}: cut inside its header`);
  const json = Buffer.alloc(length);
  readSync(fd, json, 0, length, 16);
  let header: EntryHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as EntryHeader;
  } catch {
    throw new CacheFileError(`${file}: its header is not readable`);
  }
  if (header.format !== 'vopa-window' || header.version !== FORMAT_VERSION) throw new CacheFileError(`${file}: format ${header.format} ${header.version}, not vopa-window ${FORMAT_VERSION}`);
  const n = header.symbols?.length;
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(header.symbols) || header.rows?.length !== n || header.months?.length !== n || header.revisions?.length !== n
    || !count(header.bars) || !count(header.loose) || !header.rows.every(count) || !header.months.every(count)) throw new CacheFileError(`${file}: its header is inconsistent`);
  const dataStart = 16 + pad8(length);
  const expected = dataStart + layout(header.rows.reduce((a, b) => a + b, 0), header.bars, n, header.loose, header.months.reduce((a, b) => a + b, 0)).end + 16;
  if (size !== expected) throw new CacheFileError(`${file}: ${size} bytes, ${expected} expected (cut or half-written)`);
  if (header.endian !== (endianness() === 'LE' ? 'le' : 'be')) throw new CacheFileError(`${file}: written on a machine of the other byte order`);
  return { header, size, dataStart };
}

/**
 * The whole window of a file, checked (size, trailer, CRC); or `CacheFileError`. Read in seven
 * calls: what precedes the matrices, each matrix into its own ArrayBuffer, what follows them;
 * the CRC of each piece is computed while the next one is read (the read runs off the main thread).
 */
export async function readEntry(file: string): Promise<EntryData> {
  const { header, size, dataStart } = readHeader(file);
  const n = header.symbols.length;
  const rows = header.rows.reduce((a, b) => a + b, 0);
  const monthCount = header.months.reduce((a, b) => a + b, 0);
  const at = layout(rows, header.bars, n, header.loose, monthCount);
  const pieces = [dataStart + at.matrices, ...FIELDS.map(() => at.matrix), size - dataStart - at.looseCells].map((length) => new Uint8Array(new ArrayBuffer(length)));
  const handle = await open(file, 'r');
  let crc = 0;
  try {
    let position = 0;
    const read = async (bytes: Uint8Array, from: number): Promise<void> => {
      for (let got = 0; got < bytes.length;) {
        const { bytesRead } = await handle.read(bytes, got, bytes.length - got, from + got);
        if (bytesRead === 0) throw new CacheFileError(`${file}: ended at byte ${from + got} while being read`);
        got += bytesRead;
      }
    };
    let pending = read(pieces[0]!, 0);
    for (let k = 0; k < pieces.length; k++) {
      await pending;
      const piece = pieces[k]!;
      position += piece.length;
      if (k + 1 < pieces.length) pending = read(pieces[k + 1]!, position);
      crc = crc32(k === pieces.length - 1 ? piece.subarray(0, piece.length - 16) : piece, crc);
    }
  } finally {
    await handle.close();
  }
  const tail = pieces[pieces.length - 1]!;
  const trailer = Buffer.from(tail.buffer, tail.length - 16, 16);
  if (trailer.toString('latin1', 8, 16) !== TRAILER) throw new CacheFileError(`${file}: no trailer (half-written)`);
  if ((crc >>> 0) !== trailer.readUInt32LE(0)) throw new CacheFileError(`${file}: its checksum does not match (damaged)`);
  const head = pieces[0]!.buffer;
  const days = new Int32Array(head, dataStart + at.days, rows);
  const calendar = new Int32Array(head, dataStart + at.calendar, header.bars);
  const [open_, high, low, close, volume] = pieces.slice(1, 6).map((p) => new Float64Array(p.buffer)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const after = (offset: number) => offset - at.looseCells; // offsets into the last piece
  const looseCells = new Int32Array(tail.buffer, after(at.looseCells), header.loose);
  const looseValues = FIELDS.map((_, k) => new Float64Array(tail.buffer, after(at.looseValues) + k * header.loose * 8, header.loose));
  const monthDays = new Int32Array(tail.buffer, after(at.monthDays), monthCount);
  const revs = new BigInt64Array(tail.buffer, after(at.monthRevs), monthCount);
  const sorted = panelOrder(header.symbols);
  const column = new Int32Array(n);
  sorted.forEach((k, j) => { column[k] = j; });
  const block = new WindowBlock(sorted.map((k) => header.symbols[k]!), calendar, { open: open_, high, low, close, volume }, looseCells, looseValues);
  const series: CachedSeries[] = [];
  const months: Map<number, string>[] = [];
  let r = 0, m = 0;
  for (let k = 0; k < n; k++) {
    series.push(block.series(column[k]!, days.subarray(r, r + header.rows[k]!)));
    const map = new Map<number, string>();
    for (let j = 0; j < header.months[k]!; j++) map.set(monthDays[m + j]!, revs[m + j]! === -1n ? '?' : revs[m + j]!.toString());
    months.push(map);
    r += header.rows[k]!;
    m += header.months[k]!;
  }
  return { header, series, months, block };
}

function bytesOf(a: Int32Array | Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Buffered writes (8 MB), each chunk shown to `seen` (for the CRC) before it goes out. */
class Writer {
  private readonly buffer = Buffer.alloc(8 << 20);
  private used = 0;
  private total = 0;
  private readonly fd: number;
  private readonly seen: (chunk: Uint8Array) => void;

  constructor(fd: number, seen: (chunk: Uint8Array) => void) {
    this.fd = fd;
    this.seen = seen;
  }

  put(bytes: Uint8Array): void {
    if (bytes.length > this.buffer.length - this.used) this.flush();
    if (bytes.length > this.buffer.length) {
      this.seen(bytes);
      writeAll(this.fd, bytes);
      this.total += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    this.total += bytes.length;
  }

  /** Zero bytes up to a multiple of 8 of everything written. */
  pad(): void {
    const extra = pad8(this.total) - this.total;
    if (extra) this.put(new Uint8Array(extra));
  }

  flush(): void {
    if (!this.used) return;
    const chunk = this.buffer.subarray(0, this.used);
    this.seen(chunk);
    writeAll(this.fd, chunk);
    this.used = 0;
  }
}
