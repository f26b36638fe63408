import { closeSync, openSync, writeSync } from 'node:fs';
import type { Duck } from '../local/duckdb.ts';
import { csvLine } from '../../writers/csv.ts';
import type { CsvFile } from './csv-file.ts';
import { recordLines } from './line-numbers.ts';
import { REASON, reasonText } from './reasons.ts';

/** A row refused, and why. */
export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Rejections kept in memory for the report (all of them go to rejected.csv). */
export const REJECTIONS_KEPT = 1000;

/**
 * The refused rows of an import, with their file and line, in file order and line order within
 * a file (the universe file's after the price files'), streamed to `sink` in chunks — never all
 * in memory.
 *
 * 1. The temp table `rejects` gathers the stages' refused records, the duplicates (with where
 *    the first copy was), and files with no record at all.
 * 2. For each file with a rejection, its bytes are read again up to its last refused record
 *    (line-numbers.ts) and the lines go into the temp table `lines`.
 * 3. One ordered query joins them; messages are made in JavaScript (reasons.ts).
 */
export interface RejectionSources {
  /** Every input file by its index `fi` (price files first, then the universe file). */
  readonly files: readonly CsvFile[];
  readonly prices: boolean;
  readonly duplicates: boolean;
  readonly universe: boolean;
  /** Indexes of files with no record. */
  readonly empty: readonly number[];
}

export async function streamRejections(duck: Duck, sources: RejectionSources, sink: (r: Rejection) => void): Promise<number> {
  const run = (sql: string) => duck.connection.run(sql);
  await run(`CREATE OR REPLACE TEMP TABLE rejects (fi INTEGER, rec INTEGER, reason UTINYINT, detail VARCHAR[], first_fi INTEGER, first_rec INTEGER)`);
  if (sources.prices) await run(`INSERT INTO rejects SELECT fi, rec, reason, detail, NULL, NULL FROM staged WHERE reason > 0`);
  if (sources.duplicates) {
    await run(`INSERT INTO rejects SELECT fi, rec, ${REASON.duplicate}, [symbol, strftime(date, '%Y-%m-%d')], first_fi, first_rec FROM duplicates`);
  }
  if (sources.universe) {
    await run(`INSERT INTO rejects SELECT fi, rec, reason, detail, NULL, NULL FROM universe_staged WHERE reason > 0`);
    await run(`INSERT INTO rejects SELECT fi, rec, ${REASON.universeDuplicate}, [season::VARCHAR, symbol], NULL, NULL FROM universe_duplicates`);
  }
  for (const fi of sources.empty) await run(`INSERT INTO rejects VALUES (${fi}, -1, ${REASON.emptyFile}, NULL, NULL, NULL)`);
  const count = Number((await duck.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM rejects`)).getRowObjectsJS()[0]!.n);
  if (count === 0) return 0;

  await run(`CREATE OR REPLACE TEMP TABLE lines (fi INTEGER, rec INTEGER, line INTEGER)`);
  const files = (await duck.connection.runAndReadAll(`SELECT DISTINCT fi FROM (SELECT fi FROM rejects WHERE rec >= 0 UNION SELECT first_fi FROM rejects WHERE first_fi IS NOT NULL) ORDER BY fi`))
    .getRowObjectsJS().map((r) => Number(r.fi));
  for (const fi of files) {
    const recs = await numbers(duck, `SELECT DISTINCT rec FROM (SELECT rec FROM rejects WHERE fi = ${fi} AND rec >= 0 UNION SELECT first_rec FROM rejects WHERE first_fi = ${fi}) ORDER BY rec`);
    const appender = await duck.connection.createAppender('lines');
    for await (const [rec, line] of recordLines(sources.files[fi]!, recs)) {
      appender.appendInteger(fi);
      appender.appendInteger(rec);
      appender.appendInteger(line);
      appender.endRow();
    }
    appender.closeSync();
  }
  for (const fi of sources.empty) await run(`INSERT INTO lines VALUES (${fi}, -1, 1)`);

  const result = await duck.connection.stream(`SELECT r.fi, l.line, r.reason, r.detail, r.first_fi, f.line AS first_line
    FROM rejects r LEFT JOIN lines l ON l.fi = r.fi AND l.rec = r.rec LEFT JOIN lines f ON f.fi = r.first_fi AND f.rec = r.first_rec
    ORDER BY r.fi, r.rec`);
  for await (const rows of result.yieldRowsJs()) {
    for (const [fi, line, code, detail, firstFi, firstLine] of rows as [number, number | null, number, (string | null)[] | null, number | null, number | null][]) {
      const file = sources.files[fi]!.path;
      const words = code === REASON.duplicate ? [...detail!, `${sources.files[firstFi!]!.path}:${firstLine ?? '?'}`] : detail;
      sink({ file, line: line ?? 0, reason: reasonText(code, words) });
    }
  }
  return count;
}

/** The numbers a one-column query returns, in a typed array. */
async function numbers(duck: Duck, sql: string): Promise<Float64Array> {
  const result = await duck.connection.stream(sql);
  let out = new Float64Array(1024);
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    const count = chunk?.rowCount ?? 0;
    if (count === 0) break;
    if (n + count > out.length) {
      const bigger = new Float64Array(Math.max(out.length * 2, n + count));
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
    const vector = chunk!.getColumnVector(0);
    for (let k = 0; k < count; k++) out[n++] = Number(vector.getItem(k));
  }
  return out.subarray(0, n);
}

/**
 * A sink of rejections: keeps the first REJECTIONS_KEPT for the report and, when given a path,
 * writes every one to a CSV file (file, line, reason) in chunks of about 1 MB.
 */
export class RejectionSink {
  readonly kept: Rejection[] = [];
  count = 0;
  private fd: number | undefined;
  private buffer = '';

  constructor(path?: string) {
    if (path) {
      this.fd = openSync(path, 'w');
      this.buffer = csvLine(['file', 'line', 'reason']);
    }
  }

  readonly add = (r: Rejection): void => {
    this.count++;
    if (this.kept.length < REJECTIONS_KEPT) this.kept.push(r);
    if (this.fd === undefined) return;
    this.buffer += csvLine([r.file, r.line, r.reason]);
    if (this.buffer.length > 1 << 20) this.flush();
  };

  private flush(): void {
    if (this.fd !== undefined && this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
