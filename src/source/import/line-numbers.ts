import { csvBytes, type CsvFile } from './csv-file.ts';

/**
 * The line numbers of chosen records of a CSV file, found by reading its bytes once more. DuckDB's
 * reader numbers its records (the Parquet stage keeps them in file order) but not their lines; an
 * import needs them only for the rows it rejects, so only a file with rejections is read again,
 * and only up to its last rejected record.
 *
 * 1. Lines end at `\n`, `\r\n` or `\r`. A line ending inside double quotes continues its record
 *    (a quoted field may hold line breaks; `""` inside quotes toggles twice and changes nothing).
 * 2. A line with no characters at all is no record (DuckDB's reader and csv-parse both skip it);
 *    every other line, spaces only included, begins one, as it does for DuckDB. A byte-order mark
 *    at the start is no character.
 * 3. The first `skip` lines are passed over; the next record is the header; record 0 is the one
 *    after it, as in the stage's `file_row_number`.
 * 4. A record's line is the line it ends on: csv-parse's `info.lines`, what the import reported
 *    before it read files with DuckDB.
 */
export async function* recordLines(file: CsvFile, records: AsyncIterable<number> | Iterable<number>): AsyncGenerator<[record: number, line: number]> {
  const wanted = (Symbol.asyncIterator in records ? records[Symbol.asyncIterator]() : toAsync(records as Iterable<number>));
  let next = await wanted.next();
  if (next.done) return;
  let line = 1; // the physical line being read
  let record = -1 - 1; // the header is record -1; -2 until it begins
  let skipping = file.skip;
  let inQuotes = false;
  let content = false; // the current line has a character
  let open = false; // a record has begun and not ended
  let afterCR = false; // the previous byte was \r (a following \n ends nothing)
  let first = true;
  const endLine = (): number | undefined => {
    // A line ends outside quotes: a record that began ends here.
    let ended: number | undefined;
    if (skipping > 0) {
      skipping--;
    } else if (content || open) {
      record++;
      ended = record;
    }
    open = false;
    content = false;
    line++;
    return ended;
  };
  for await (const chunk of csvBytes(file) as AsyncIterable<Buffer>) {
    let from = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
    }
    if (!inQuotes && !afterCR && skipping === 0 && chunk.indexOf(0x22, from) < 0 && onlyCRLF(chunk, from)) {
      // The usual chunk: no quote, and \r only before \n. Only its line ends are looked at (indexOf, in native code).
      let at = from;
      for (let nl = chunk.indexOf(0x0a, at); nl >= 0; nl = chunk.indexOf(0x0a, at)) {
        if (nl - (nl > at && chunk[nl - 1] === 0x0d ? 1 : 0) > at) content = true;
        at = nl + 1;
        const ended = endLine();
        if (ended === undefined) continue;
        while (!next.done && next.value < ended) next = await wanted.next();
        if (!next.done && next.value === ended) {
          yield [ended, line - 1];
          next = await wanted.next();
          if (next.done) return;
        }
      }
      if (at < chunk.length) content = open = true;
      continue;
    }
    for (let k = from; k < chunk.length; k++) {
      const b = chunk[k]!;
      if (b === 0x0a || b === 0x0d) {
        if (b === 0x0a && afterCR) { afterCR = false; continue; }
        afterCR = b === 0x0d;
        if (inQuotes) { line++; continue; }
        const ended = endLine();
        if (ended === undefined) continue;
        while (!next.done && next.value < ended) next = await wanted.next(); // not a record of this file: skip it
        if (!next.done && next.value === ended) {
          yield [ended, line - 1];
          next = await wanted.next();
          if (next.done) return;
        }
        continue;
      }
      afterCR = false;
      if (skipping > 0) continue;
      if (b === 0x22) inQuotes = !inQuotes;
      content = true;
      open = true;
    }
  }
  if (content || open) {
    const ended = skipping > 0 ? undefined : ++record;
    while (ended !== undefined && !next.done && next.value < ended) next = await wanted.next();
    if (ended !== undefined && !next.done && next.value === ended) yield [ended, line];
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
