import { closeSync, openSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { csvLine } from '../../writers/csv.ts';
import type { Duck } from '../local/duckdb.ts';
import { cell, EXTRA_CELLS, type CsvFile } from './csv-file.ts';
import { recordLines } from './line-numbers.ts';
import { REASON, reasonText } from './reasons.ts';
import type { StagedFile } from './stage.ts';
import { priceStageSql } from './stage-prices.ts';

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
 * 1. The temp table `rejects` gathers the duplicates (with where the first copy was), the
 *    universe's refused rows, and files with no record at all.
 * 2. Each file with a rejection is read again (line-numbers.ts) up to its last one: the lines go
 *    into the temp table `lines`; the text of each price record the first reading marked refused
 *    is split into cells (csv-parse) and checked again by the same SQL (stage-prices.ts), which
 *    now says why — so the rules live in one place.
 * 3. One ordered query joins them; messages are made in JavaScript (reasons.ts).
 */
export interface RejectionSources {
  /** Every input file by its index `fi` (price files first, then the universe file). */
  readonly files: readonly CsvFile[];
  /** The price files read (the view `staged` is over them), when any was. */
  readonly prices?: { readonly staged: readonly StagedFile[]; readonly adjust: boolean } | undefined;
  readonly duplicates: boolean;
  readonly universe: boolean;
  /** Indexes of files with no record. */
  readonly empty: readonly number[];
}

export async function streamRejections(duck: Duck, sources: RejectionSources, sink: (r: Rejection) => void): Promise<number> {
  const run = (sql: string) => duck.connection.run(sql);
  await run(`CREATE OR REPLACE TEMP TABLE rejects (fi INTEGER, rec INTEGER, reason UTINYINT, detail VARCHAR[], first_fi INTEGER, first_rec INTEGER)`);
  if (sources.duplicates) {
    await run(`INSERT INTO rejects SELECT fi, rec, ${REASON.duplicate}, [symbol, strftime(date, '%Y-%m-%d')], first_fi, first_rec FROM duplicates`);
  }
  if (sources.universe) {
    await run(`INSERT INTO rejects SELECT fi, rec, reason, detail, NULL, NULL FROM universe_staged WHERE reason > 0`);
    await run(`INSERT INTO rejects SELECT fi, rec, ${REASON.universeDuplicate}, [season::VARCHAR, symbol], NULL, NULL FROM universe_duplicates`);
  }
  for (const fi of sources.empty) await run(`INSERT INTO rejects VALUES (${fi}, -1, ${REASON.emptyFile}, NULL, NULL, NULL)`);
  const marked = (sources.prices?.staged ?? []).some((s) => s.refused > 0);
  const [{ n }] = (await duck.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM rejects`)).getRowObjectsJS() as [{ n: number }];
  if (n === 0 && !marked) return 0;

  await run(`CREATE OR REPLACE TEMP TABLE lines (fi INTEGER, rec INTEGER, line INTEGER)`);
  const refusedOf = (fi: number) => (sources.prices?.staged[fi]?.refused ?? 0) > 0;
  const files = (await duck.connection.runAndReadAll(`SELECT DISTINCT fi FROM (SELECT fi FROM rejects WHERE rec >= 0 UNION SELECT first_fi FROM rejects WHERE first_fi IS NOT NULL) ORDER BY fi`))
    .getRowObjectsJS().map((r) => Number(r.fi));
  for (const fi of sources.prices?.staged.keys() ?? []) if (refusedOf(fi) && !files.includes(fi)) files.push(fi);
  files.sort((a, b) => a - b);
  for (const fi of files) {
    const marks = refusedOf(fi) ? `UNION ALL SELECT rec, true FROM staged WHERE fi = ${fi} AND refused` : '';
    const { recs, flags } = await numbers(duck, `SELECT rec, bool_or(m)::INTEGER AS m FROM (
        SELECT rec, false AS m FROM rejects WHERE fi = ${fi} AND rec >= 0 UNION ALL SELECT first_rec, false FROM rejects WHERE first_fi = ${fi} ${marks})
      GROUP BY rec ORDER BY rec`);
    await findLines(duck, sources, fi, recs, flags);
  }
  for (const fi of sources.empty) await run(`INSERT INTO lines VALUES (${fi}, -1, 1)`);

  const result = await duck.connection.stream(`SELECT r.fi, l.line, r.reason, r.detail, r.first_fi, f.line AS first_line
    FROM rejects r LEFT JOIN lines l ON l.fi = r.fi AND l.rec = r.rec LEFT JOIN lines f ON f.fi = r.first_fi AND f.rec = r.first_rec
    ORDER BY r.fi, r.rec`);
  let count = 0;
  for await (const rows of result.yieldRowsJs()) {
    for (const [fi, line, code, detail, firstFi, firstLine] of rows as [number, number | null, number, (string | null)[] | null, number | null, number | null][]) {
      const file = sources.files[fi]!.path;
      const words = code === REASON.duplicate ? [...detail!, `${sources.files[firstFi!]!.path}:${firstLine ?? '?'}`] : detail;
      sink({ file, line: line ?? 0, reason: reasonText(code, words) });
      count++;
    }
  }
  return count;
}

/**
 * Reads file `fi` again for the lines of `recs` (sorted) into `lines`; the records flagged were
 * marked refused when read: their cells go through the price checks again, for the reason.
 */
async function findLines(duck: Duck, sources: RejectionSources, fi: number, recs: Float64Array, flags: Uint8Array): Promise<void> {
  const file = sources.files[fi]!;
  const staged = sources.prices?.staged[fi];
  const explain = staged?.format !== undefined && flags.some((f) => f === 1);
  const width = file.header.length + EXTRA_CELLS;
  if (explain) {
    const cells = Array.from({ length: width }, (_, k) => `${cell(k)} VARCHAR`).join(', ');
    await duck.connection.run(`CREATE OR REPLACE TEMP TABLE refused_cells (fi INTEGER, rec INTEGER, ${cells})`);
  }
  const lines = await duck.connection.createAppender('lines');
  const refused = explain ? await duck.connection.createAppender('refused_cells') : undefined;
  let k = 0;
  for await (const { record, line, text } of recordLines(file, recs, { text: explain })) {
    lines.appendInteger(fi);
    lines.appendInteger(record);
    lines.appendInteger(line);
    lines.endRow();
    while (recs[k]! < record) k++;
    if (refused && flags[k] === 1) {
      const values = (parse(text ?? '', { relax_column_count: true }) as string[][])[0] ?? [];
      refused.appendInteger(fi);
      refused.appendInteger(record);
      for (let c = 0; c < width; c++) {
        const v = values[c];
        if (v === undefined) refused.appendNull(); else refused.appendVarchar(v);
      }
      refused.endRow();
    }
  }
  lines.closeSync();
  refused?.closeSync();
  if (explain) {
    const check = priceStageSql(file, staged.format!, { adjust: sources.prices!.adjust }, '(SELECT * FROM refused_cells)', ['fi', 'rec']);
    // Every marked record has a reason (or is a line of spaces, 0); one without would be a disagreement between two readings of the same cells.
    await duck.connection.run(`INSERT INTO rejects SELECT fi, rec, coalesce(reason, ${REASON.unexplained}), detail, NULL, NULL FROM (${check}) WHERE reason IS DISTINCT FROM ${REASON.blank}`);
  }
}

/** A query's (rec, flag) rows, in typed arrays. */
async function numbers(duck: Duck, sql: string): Promise<{ recs: Float64Array; flags: Uint8Array }> {
  const result = await duck.connection.stream(sql);
  let recs = new Float64Array(1024);
  let flags = new Uint8Array(1024);
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    const count = chunk?.rowCount ?? 0;
    if (count === 0) break;
    if (n + count > recs.length) {
      const size = Math.max(recs.length * 2, n + count);
      const r = new Float64Array(size);
      r.set(recs.subarray(0, n));
      recs = r;
      const f = new Uint8Array(size);
      f.set(flags.subarray(0, n));
      flags = f;
    }
    const rec = chunk!.getColumnVector(0);
    const flag = chunk!.getColumnVector(1);
    for (let k = 0; k < count; k++, n++) {
      recs[n] = Number(rec.getItem(k));
      flags[n] = Number(flag.getItem(k));
    }
  }
  return { recs: recs.subarray(0, n), flags: flags.subarray(0, n) };
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
