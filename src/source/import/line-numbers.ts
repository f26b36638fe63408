import { csvBytes, type CsvFile } from './csv-file.ts';

/**
 * The line numbers (and the text) of chosen records of a CSV file, found by reading its bytes
 * once more. DuckDB's reader numbers its records (the Parquet it writes keeps them in file
 * order) but not their lines; an import needs them only for the rows it refuses, so only a file
 * with a refused row is read again, and only up to the last one.
 *
 * 1. Lines end at `\n`, `\r\n` or `\r`. A line ending inside double quotes continues its record
 *    (a quoted field may hold line breaks; `""` inside quotes toggles twice and changes nothing).
 * 2. A line with no characters at all is no record (DuckDB's reader and csv-parse both skip it);
 *    every other line, spaces only included, begins one, as it does for DuckDB. A byte-order mark
 *    at the start is no character.
 * 3. The first `skip` lines are passed over; the next record is the header; record 0 is the one
 *    after it, as in the Parquet's `file_row_number`.
 * 4. A record's line is the line it ends on: csv-parse's `info.lines`, what the import reported
 *    before it read files with DuckDB. Its text is its bytes without the line end.
 *
 * A chunk with no quote, whose `\r` only come before `\n`, and in which no wanted record begins,
 * is scanned by its line ends alone (indexOf, in native code); the others byte by byte.
 */
export interface RecordAt {
  readonly record: number;
  readonly line: number;
  /** The record's text, when asked for. */
  readonly text?: string;
}

export async function* recordLines(file: CsvFile, records: AsyncIterable<number> | Iterable<number>, options: { text?: boolean } = {}): AsyncGenerator<RecordAt> {
  const wanted = Symbol.asyncIterator in records ? records[Symbol.asyncIterator]() : toAsync(records as Iterable<number>);
  let next = await wanted.next();
  if (next.done) return;
  const withText = options.text ?? false;
  let line = 1; // the physical line being read
  let record = -2; // the header is record -1
  let skipping = file.skip;
  let inQuotes = false;
  let open = false; // a record has begun on this line or before, and not ended
  let afterCR = false; // the previous byte was \r (a following \n ends nothing)
  let capture: Buffer[] | undefined; // the wanted record's bytes so far
  let captureFrom = 0;
  let first = true;

  /** A line ends outside quotes, at `end` of `chunk`: the record that began ends here (its number), if any. */
  const endLine = (chunk: Buffer, end: number): RecordAt | undefined => {
    let ended: RecordAt | undefined;
    if (skipping > 0) {
      skipping--;
    } else if (open) {
      record++;
      if (!next.done && record === next.value) {
        ended = { record, line, ...(capture ? { text: Buffer.concat([...capture, chunk.subarray(captureFrom, end)]).toString('utf8') } : {}) };
      }
    }
    open = false;
    capture = undefined;
    line++;
    return ended;
  };
  /** A record begins at `at` of `chunk`. */
  const begin = (at: number) => {
    open = true;
    if (withText && !next.done && record + 1 === next.value) {
      capture = [];
      captureFrom = at;
    }
  };

  for await (const chunk of csvBytes(file) as AsyncIterable<Buffer>) {
    let from = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
    }
    if (!inQuotes && !afterCR && !capture && skipping === 0 && chunk.indexOf(0x22, from) < 0 && onlyCRLF(chunk, from)) {
      for (let nl = chunk.indexOf(0x0a, from); nl >= 0 && !(withText && !open && !next.done && record + 1 === next.value); nl = chunk.indexOf(0x0a, from)) {
        const end = nl > from && chunk[nl - 1] === 0x0d ? nl - 1 : nl;
        if (end > from) open = true;
        from = nl + 1;
        const ended = endLine(chunk, end);
        while (!next.done && next.value < record) next = await wanted.next(); // numbers that are no record here
        if (ended) {
          yield ended;
          next = await wanted.next();
          if (next.done) return;
        }
      }
      // What is left (a line cut by the chunk's end, or the line of a wanted record) goes byte by byte.
    }
    for (let k = from; k < chunk.length; k++) {
      const b = chunk[k]!;
      if (b === 0x0a || b === 0x0d) {
        if (b === 0x0a && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = b === 0x0d;
        if (inQuotes) {
          line++;
          continue;
        }
        const ended = endLine(chunk, k);
        while (!next.done && next.value < record) next = await wanted.next();
        if (ended) {
          yield ended;
          next = await wanted.next();
          if (next.done) return;
        }
        continue;
      }
      afterCR = false;
      if (skipping > 0) continue;
      if (!open) begin(k);
      if (b === 0x22) inQuotes = !inQuotes;
    }
    if (capture) {
      capture.push(Buffer.from(chunk.subarray(captureFrom)));
      captureFrom = 0;
    }
  }
  if (open && skipping === 0) {
    const ended = endLine(Buffer.alloc(0), 0);
    if (ended) yield ended;
  }
}

/** True when every \r of the chunk from `from` on is followed by \n (CRLF line ends, or none). */
function onlyCRLF(chunk: Buffer, from: number): boolean {
  for (let cr = chunk.indexOf(0x0d, from); cr >= 0; cr = chunk.indexOf(0x0d, cr + 1)) {
    if (chunk[cr + 1] !== 0x0a) return false;
  }
  return true;
}

async function* toAsync<T>(values: Iterable<T>): AsyncGenerator<T> {
  yield* values;
}
