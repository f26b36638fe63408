import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertBatches, upsertPrefer, type BatchJob } from '../../src/upload/batches.ts';
import { Journal } from '../../src/upload/journal.ts';
import { tempDir } from '../support/cli.ts';
import type { SupabaseRest } from '../../src/supabase/client.ts';
import { clientFor, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

/**
 * A batch is checked before it is sent: Postgres refuses a batch that repeats a primary key
 * (21000, "cannot affect row a second time") and PostgREST fills fields missing from some objects
 * with null, so both are refused here, in one line naming the file's row, and nothing of that
 * batch is written.
 */
describe('upsertBatches checks each batch before sending it', () => {
  let server: PostgrestServer;
  let rest: SupabaseRest;
  beforeAll(async () => {
    server = await startPostgrest();
    rest = clientFor(server, 1, { retry: { maxAttempts: 1 } });
  });
  afterAll(async () => {
    await rest.close();
    await server.close();
  });

  const job = (rows: Record<string, unknown>[]): BatchJob => ({ table: 'universe', key: 'universe', file: 'universe.csv', primaryKey: ['season', 'symbol'], rows });
  const row = (season: number, symbol: string) => ({ season, symbol, peer_group: 'g', name: null });
  const stored = async (season: number) =>
    (await server.db.query<{ symbol: string; peer_group: string | null }>('select symbol, peer_group from universe where season = $1 order by symbol', [season])).rows;

  it('a key repeated within one batch is refused before that batch goes, naming its row in the file', async () => {
    server.reset();
    // batches of 3: [A, B, C] goes; [D, E, D] repeats (2041, D) at its third row, row 6 of the file
    const rows = ['A', 'B', 'C', 'D', 'E', 'D'].map((s) => row(2041, s));
    const err = await upsertBatches(rest, job(rows), { batchSize: 3, concurrency: 1 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'E_UPLOAD', table: 'universe' });
    expect((err as Error).message).toBe('universe.csv row 6: primary key (season, symbol) = (2041, D) repeats within one batch');
    expect(server.stats.requests).toBe(1);
    expect((await stored(2041)).map((r) => r.symbol)).toEqual(['A', 'B', 'C']);
  });

  it('the same key in two different batches is an ordinary upsert: the later row wins', async () => {
    server.reset();
    const rows = [row(2042, 'A'), row(2042, 'B'), { ...row(2042, 'A'), peer_group: 'h' }];
    expect(await upsertBatches(rest, job(rows), { batchSize: 2, concurrency: 1 })).toEqual({ sent: 2, skipped: 0, rows: 3 });
    expect(await stored(2042)).toEqual([{ symbol: 'A', peer_group: 'h' }, { symbol: 'B', peer_group: 'g' }]);
  });

  it('objects with different fields in one batch are refused, naming the first row that differs', async () => {
    server.reset();
    const { name: _name, ...withoutName } = row(2043, 'B');
    const rows = [row(2043, 'A'), withoutName, row(2043, 'C')];
    const err = await upsertBatches(rest, job(rows), { batchSize: 3, concurrency: 1 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'E_UPLOAD', table: 'universe' });
    expect((err as Error).message).toBe("universe.csv row 2: its fields differ from the batch's first row");
    expect(server.stats.requests).toBe(0);
    expect(await stored(2043)).toEqual([]);
    // the same fields in another order are the same fields
    const reordered = [row(2043, 'A'), { name: null, peer_group: 'g', symbol: 'B', season: 2043 }];
    expect(await upsertBatches(rest, job(reordered), { batchSize: 3, concurrency: 1 })).toEqual({ sent: 1, skipped: 0, rows: 2 });
    expect((await stored(2043)).map((r) => r.symbol)).toEqual(['A', 'B']);
  });

  it('a resumed upload skips the batches its journal confirmed, sends the rest, and counts every row', async () => {
    server.reset();
    const journal = Journal.open(tempDir(), { id: 'run-b', host: 'h', tables: { universe: 'universe' }, batchSize: 2 });
    journal.confirm('universe', 1, 2); // rows 3–4 went before the interruption
    const counted: number[] = [];
    const rows = ['A', 'B', 'C', 'D', 'E'].map((s) => row(2044, s));
    const result = await upsertBatches(rest, job(rows), { batchSize: 2, concurrency: 2, journal, onRows: (k) => counted.push(k) });
    expect(result).toEqual({ sent: 2, skipped: 1, rows: 5 });
    expect(counted.reduce((a, b) => a + b, 0)).toBe(5);
    expect(server.stats.requests).toBe(2);
    expect((await stored(2044)).map((r) => r.symbol)).toEqual(['A', 'B', 'E']);
    expect([journal.has('universe', 0), journal.has('universe', 2)]).toEqual([true, true]);
  });

  it('a batch the server refuses stops the upload in one line: table, batch, its rows in the file, the answer, its first key', async () => {
    server.reset();
    const rows = [row(2045, 'A'), row(2045, 'B'), row(2045, 'C'), { ...row(2045, 'D'), season: null }, row(2045, 'E'), row(2045, 'F'), row(2045, 'G')];
    const err = await upsertBatches(rest, job(rows), { batchSize: 2, concurrency: 1 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'E_UPLOAD', table: 'universe' });
    expect((err as Error).message).toMatch(/^upload to universe refused at batch 2 \(universe\.csv rows 3–4\): HTTP 400 23502: null value in column "season" .*; first row \(season, symbol\) = \(2045, C\)$/);
    expect(server.stats.requests).toBe(2); // batches 3 and 4 never went
    expect((await stored(2045)).map((r) => r.symbol)).toEqual(['A', 'B']);
  });

  it('reads rows from an async source, and keeps existing rows when asked to', async () => {
    server.reset();
    async function* source() {
      for (const s of ['A', 'B', 'C']) yield { ...row(2046, s), peer_group: 'new' };
    }
    await upsertBatches(rest, job([row(2046, 'A')]), { batchSize: 10, concurrency: 1 });
    const keep = { ...job([]), rows: source(), keepExisting: true };
    expect(await upsertBatches(rest, keep, { batchSize: 2, concurrency: 1 })).toEqual({ sent: 2, skipped: 0, rows: 3 });
    expect(await stored(2046)).toEqual([{ symbol: 'A', peer_group: 'g' }, { symbol: 'B', peer_group: 'new' }, { symbol: 'C', peer_group: 'new' }]);
    expect(upsertPrefer(true)).toBe('resolution=ignore-duplicates,return=minimal');
    expect(upsertPrefer(false)).toBe('resolution=merge-duplicates,return=minimal');
  });

  it('refuses a batch size that is not a whole number ≥ 1, before any request', async () => {
    server.reset();
    for (const batchSize of [0.5, 0, -1, Number.NaN]) {
      await expect(upsertBatches(rest, job([row(2047, 'A')]), { batchSize, concurrency: 1 })).rejects.toMatchObject({
        code: 'E_BATCH_SIZE', message: `upload to universe: batch size ${batchSize} is not a whole number ≥ 1`,
      });
    }
    expect(server.stats.requests).toBe(0);
  });
});
