import type { SupabaseRest } from '../supabase/client.ts';
import { UploadError } from './batches.ts';
import type { Journal } from './journal.ts';

/**
 * A journal is a claim about the server: "these batches are in that table". The server may have
 * lost them since (a restored backup, a reset project, tables dropped and made again), so before
 * the claim is used — before skipping confirmed batches, before calling an upload complete — the
 * server is asked, with exact counts (`HEAD … Prefer: count=exact`: the count in Content-Range,
 * no rows sent):
 * 1. on resume (the journal confirms some batches): does the server hold at least the rows of the
 *    confirmed batches? If not, the journal is discarded (one line says so) and every batch is sent
 *    again — upserts are idempotent, so sending a row twice is safe;
 * 2. after the batches: does it hold every row? If not, and batches were skipped on the journal's
 *    word, the journal is discarded and everything sent once more; if every batch was sent and
 *    confirmed and rows are still missing, the upload fails (something removes rows meanwhile).
 * What is counted is the caller's (`check`): a run's rows by `run_id`, exactly; an import's rows
 * by key range (at least: the project may hold other rows in those ranges).
 */

/** Rows a table should hold and holds. */
export interface Shortfall {
  readonly table: string;
  readonly expected: number;
  readonly held: number;
}

/** 'confirmed': the rows of the journal's confirmed batches; 'all': every row of the upload. */
export type CheckScope = 'confirmed' | 'all';

export interface VerifiedUpload {
  readonly journal: Journal;
  /** The tables that hold fewer rows than `scope` needs (none: all there). */
  check(scope: CheckScope): Promise<Shortfall[]>;
  /** Sends the batches (skipping those the journal confirms). */
  upload(): Promise<void>;
  /** What the upload is, for messages: `run 2025…-vopa-1a2b`, `the import`. */
  readonly what: string;
  readonly notice?: ((line: string) => void) | undefined;
}

/** Runs an upload whose journal is checked against the server before it is believed; see the outline above. */
export async function verifiedUpload(v: VerifiedUpload): Promise<void> {
  const { journal } = v;
  if (journal.confirmedBatches > 0) {
    const short = await v.check('confirmed');
    if (short.length) discard(v, `${journal.file} confirms rows the server does not hold (${shortfalls(short)})`);
  }
  const skipping = journal.confirmedBatches > 0;
  await v.upload();
  let short = await v.check('all');
  if (short.length && skipping) {
    discard(v, `after skipping the batches ${journal.file} confirms, the server holds fewer rows than the files (${shortfalls(short)})`);
    await v.upload();
    short = await v.check('all');
  }
  if (short.length) {
    throw new UploadError(short[0]!.table, `${v.what}: every batch was sent and confirmed, yet the server holds ${shortfalls(short)}; something removed rows during the upload — run it again`);
  }
}

function discard(v: VerifiedUpload, why: string): void {
  v.notice?.(`${why}: discarding the journal, every batch is sent again`);
  v.journal.restart();
}

/** `backtest_equity: 0 of 60 rows, backtest_trades: 3 of 120 rows`. */
function shortfalls(short: readonly Shortfall[]): string {
  return short.map((s) => `${s.table}: ${s.held.toLocaleString('en-US')} of ${s.expected.toLocaleString('en-US')} rows`).join(', ');
}

/**
 * The exact number of rows a filtered table holds, from a HEAD request with `Prefer: count=exact`
 * (PostgREST answers the count in Content-Range, `0-24/3573458`, and no body).
 */
export async function exactCount(rest: SupabaseRest, table: string, what: string, filter: (q: CountQuery) => CountQuery): Promise<number> {
  const query = filter(rest.client.from(table).select('*', { count: 'exact', head: true }) as unknown as CountQuery);
  const { count } = await rest.run(`count ${what} in ${table}`, query as unknown as PromiseLike<never>);
  if (count === null || !Number.isInteger(count) || count < 0) {
    throw new UploadError(table, `count ${what} in ${table}: the server answered no exact count (Content-Range …/N); it must be PostgREST with Prefer: count=exact`);
  }
  return count;
}

/** The filters a count uses (a subset of supabase-js's filter builder). */
export interface CountQuery {
  eq(column: string, value: unknown): CountQuery;
  in(column: string, values: readonly unknown[]): CountQuery;
  gte(column: string, value: unknown): CountQuery;
  lte(column: string, value: unknown): CountQuery;
}

/**
 * The check of a run's upload: each table's rows of `runId`, exactly. On resume a table must hold
 * at least its confirmed rows (a batch may have landed after the journal's last line); after the
 * upload, exactly the file's rows — more is an error (rows of this run id that the folder does not
 * have: no upsert can remove them, and the run row's counts would be wrong).
 */
export function runCheck(rest: SupabaseRest, runId: string, journal: Journal, tables: ReadonlyArray<{ key: string; table: string; file: string; count: number }>): (scope: CheckScope) => Promise<Shortfall[]> {
  return async (scope) => {
    const wanted = tables.filter((t) => scope === 'all' || journal.confirmedRows(t.key) > 0);
    const held = await Promise.all(wanted.map((t) => exactCount(rest, t.table, `the rows of run ${runId}`, (q) => q.eq('run_id', runId))));
    const short: Shortfall[] = [];
    wanted.forEach((t, k) => {
      const n = held[k]!;
      const expected = scope === 'all' ? t.count : journal.confirmedRows(t.key);
      if (scope === 'all' && n > expected) {
        throw new UploadError(t.table, `${t.table} holds ${n.toLocaleString('en-US')} rows of run ${runId}, but ${t.file} has ${expected.toLocaleString('en-US')}: the server has rows of this run that the folder does not (uploaded from another copy of it?); delete the run's rows (delete from ${t.table} where run_id = '${runId}') and upload again`);
      }
      if (n < expected) short.push({ table: t.table, expected, held: n });
    });
    return short;
  };
}

/** One table's rows of an import, for counting by key range. */
export interface KeyedRows {
  readonly key: string;
  readonly table: string;
  /** The column that groups rows (`symbol`), and an optional range column (`date`) or grouping column (`season`). */
  readonly group: string;
  readonly range?: string;
  readonly by?: string;
  /** The rows in upload order (batch k is rows k × batchSize …), held or streamed. */
  rows(): Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;
}

/** Rows of one group value (a symbol) under one `by` value (a season), and their range. */
interface RangeCell {
  readonly by: unknown;
  readonly group: unknown;
  n: number;
  lo: string;
  hi: string;
}

/** Characters of `in.(…)` lists per count request, so that URLs stay well under 8 KB. */
const IN_LIST_CHARS = 2_000;
/** A value that goes into `in.(…)` as it is. */
const SAFE_IN_VALUE = /^[^\s",()\\]+$/;

/**
 * The check of an import (rows that carry no run id): rows are counted by key range — per `by`
 * value (a season), the symbols in `in.(…)` lists of a bounded length, between the lowest and the
 * highest `range` value (date) of those rows. The project may hold other rows in those ranges, so
 * the check is a lower bound: the server must hold at least as many rows there as the import wrote
 * (a reset project, or a table made again, holds fewer).
 */
export function keyRangeCheck(rest: SupabaseRest, journal: Journal, sets: readonly KeyedRows[]): (scope: CheckScope) => Promise<Shortfall[]> {
  return async (scope) => {
    const counts: Array<Promise<Shortfall | undefined>> = [];
    for (const set of sets) {
      // Rows per (by value, group value), with their range.
      const cells = new Map<string, RangeCell>();
      let i = 0;
      for await (const row of set.rows()) {
        const batch = Math.floor(i++ / journal.batchSize);
        if (scope === 'confirmed' && !journal.has(set.key, batch)) continue;
        const by = set.by ? row[set.by] : '';
        const id = `${String(by)}\u0000${String(row[set.group])}`;
        const r = set.range ? String(row[set.range]) : '';
        const cell = cells.get(id);
        if (cell) {
          cell.n++;
          if (r < cell.lo) cell.lo = r;
          if (r > cell.hi) cell.hi = r;
        } else cells.set(id, { by, group: row[set.group], n: 1, lo: r, hi: r });
      }
      const byValue = new Map<string, RangeCell[]>();
      for (const cell of cells.values()) {
        const k = String(cell.by);
        if (!byValue.has(k)) byValue.set(k, []);
        byValue.get(k)!.push(cell);
      }
      for (const cellsOfBy of byValue.values()) {
        cellsOfBy.sort((a, b) => (String(a.group) < String(b.group) ? -1 : 1));
        // Values PostgREST's in.(…) would need escaped (quotes, backslashes, parentheses, commas, blanks) are counted one by one with eq.
        const listed = cellsOfBy.filter((c) => SAFE_IN_VALUE.test(String(c.group)));
        const parts: RangeCell[][] = cellsOfBy.filter((c) => !SAFE_IN_VALUE.test(String(c.group))).map((c) => [c]);
        let start = 0;
        while (start < listed.length) {
          let end = start;
          let chars = 0;
          while (end < listed.length && (end === start || chars + String(listed[end]!.group).length + 1 <= IN_LIST_CHARS)) chars += String(listed[end++]!.group).length + 1;
          parts.push(listed.slice(start, end));
          start = end;
        }
        for (const part of parts) {
          const expected = part.reduce((n, c) => n + c.n, 0);
          const lo = part.reduce((m, c) => (c.lo < m ? c.lo : m), part[0]!.lo);
          const hi = part.reduce((m, c) => (c.hi > m ? c.hi : m), part[0]!.hi);
          counts.push(exactCount(rest, set.table, `the imported rows`, (q) => {
            let f = part.length === 1 ? q.eq(set.group, part[0]!.group) : q.in(set.group, part.map((c) => c.group));
            if (set.by) f = f.eq(set.by, part[0]!.by);
            if (set.range) f = f.gte(set.range, lo).lte(set.range, hi);
            return f;
          }).then((held) => (held < expected ? { table: set.table, expected, held } : undefined)));
        }
      }
    }
    // One shortfall per table: the sums over its ranges that fell short.
    const short = new Map<string, Shortfall>();
    for (const s of await Promise.all(counts)) {
      if (!s) continue;
      const t = short.get(s.table);
      short.set(s.table, t ? { table: s.table, expected: t.expected + s.expected, held: t.held + s.held } : s);
    }
    return [...short.values()];
  };
}
