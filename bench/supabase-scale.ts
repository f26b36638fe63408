/**
 * Supabase at the scale of a real universe: a window of 3,000 symbols × 2,520 trading days
 * (7.56 M rows, synthetic, deterministic: random walks rounded to 4 decimals like the sample
 * market's) read from the PostgREST-compatible server of the tests, run in a process of its own
 * (with the migrations; 40 ms added to every answer; Supabase's 1,000-row cap; brotli or gzip
 * on JSON and text only, as the Envoy in front of a Supabase project's PostgREST, which answers
 * the client's first choice, brotli; calls over 8 s fail as Supabase's statement timeout would).
 * The server runs over a real PostgreSQL when its binaries are there (a throwaway cluster,
 * test/support/real-postgres.ts: several backends, so calls run side by side as on Supabase; the
 * 8 s is Postgres' own statement_timeout), else over PGlite on disk (one
 * thread: calls wait for each other; the 8 s judged by the server after the call);
 * BENCH_SUPABASE_SERVER=pglite|postgres chooses. Each read runs in a fresh process, so its peak
 * memory is its own:
 * 1. keyset pages (the path without the migration) and the compact read side by side on a slice of
 *    300 symbols × 2,520 days (756,000 rows); keyset pages over the whole window are read whole on
 *    real Postgres (some 7,600 pages, a few minutes) and on PGlite are that slice scaled ×10 (their
 *    pages per partition, so their time, grow with the rows: 8 partitions either way), since 7,600
 *    pages through PGlite's one thread take most of an hour (BENCH_SUPABASE_FULL_KEYSET=1 or 0
 *    reads them all or scales the slice on either server); the slice both ways again from a
 *    server that offers gzip only (as Cloudflare compresses JSON itself);
 * 2. the compact bulk read of the whole window without the cache (3 runs; the last after one
 *    symbol changed);
 * 3. the cache: a first run that fills it, re-runs with the data unchanged (5: the universe and
 *    the window from the cache, one check request), a re-run after one symbol changed (its panel
 *    must equal a fresh compact read's); each re-run's CPU time beside its wall (on a shared
 *    machine the wall also counts the time the process waited for a core), and the window file
 *    to the panel in memory alone, without any request (median of 3, after the read);
 * 4. the choice of format, on 300 symbols: JSON arrays per symbol (the migration's: doubles, and
 *    scaled integers in both formats) against a packed bytea of 8-byte doubles (made here), on
 *    prices as stored (4 decimals) and on adjusted prices (full doubles), and on the real S&P 500
 *    slice of the tests (test/fixtures, 118 symbols × 2 years): time on the server, bytes as sent,
 *    brotli'd and gzipped, time to decode;
 * 5. the window function's two bodies (20261130000000_window_one_sort.sql) on one call of 100,000
 *    rows, alternating: the ORDER BY aggregates (Postgres 15 sorts a symbol's rows once per
 *    aggregate, six times) against the one-sort body that the function runs below Postgres 16.
 * On PGlite the generated database is kept in the temporary folder between runs (its generation
 * takes minutes; when the migrations change, their functions are installed again); delete
 * `vopa-bench-supabase-scale-*` there to build it again. On real Postgres the data are generated
 * in the cluster each run (the same SQL, seeded with setseed, in one session) and the cluster is
 * removed at the end, also on a failure or an interrupt.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../test/support/postgrest/database.ts';
import { WindowCache } from '../src/cache/index.ts';
import { fingerprintPanel } from '../src/panel/fingerprint.ts';
import { decodeWindow } from '../src/source/supabase/compact-format.ts';
import { panelFromSeries } from '../src/source/supabase/series.ts';
import { SupabaseSource } from '../src/source/supabase/supabase-source.ts';
import { loadSupabaseSettings, SupabaseRest } from '../src/supabase/index.ts';
import { isoDate, parseIsoDate } from '../src/util/dates.ts';
import { peakRssMb } from '../src/util/memory.ts';
import { asDatabase, MIGRATIONS_DIR } from '../test/support/postgrest/database.ts';
import { ENVOY_BROTLI, startPostgrest, type Encoding } from '../test/support/postgrest/server.ts';
import { findPostgres, startPostgresCluster, type PostgresCluster } from '../test/support/real-postgres.ts';
import { summarize, type Measure } from './lib.ts';

const SYMBOLS = 3_000;
const DAYS = 2_520;
const SEASON = 2999;
/** The first 300 symbols: the slice read both ways. */
const SLICE_SEASON = 2998;
const SLICE = 300;
const LATENCY_MS = 40;
const STATEMENT_TIMEOUT_MS = 8_000;
const FIRST_DAY = '2014-01-01';
const DB_VERSION = 'v1';
const SELF = fileURLToPath(import.meta.url);

type Mode = 'keyset' | 'compact' | 'cached';
/** BENCH_SUPABASE_FULL_KEYSET=1 or 0: keyset pages over the whole window, or the slice ×10 (default: whole on real Postgres). */
const FULL_KEYSET_ENV = process.env.BENCH_SUPABASE_FULL_KEYSET;
/** BENCH_SUPABASE_SERVER=pglite|postgres (default: real Postgres when its binaries are there). */
const SERVER_ENV = process.env.BENCH_SUPABASE_SERVER;
/** BENCH_SUPABASE_QUICK=1: no keyset pages and no formats (the compact read and the cache only; to compare two versions quickly). */
const QUICK = process.env.BENCH_SUPABASE_QUICK === '1';

/** What one read measured, in its own process. */
export interface ReadResult {
  readonly mode: Mode;
  readonly ms: number;
  readonly requests: number;
  readonly priceRequests: number;
  readonly calls: number;
  readonly bytesReceived: number;
  readonly bytesWire: number;
  readonly peakRssMb: number;
  readonly rows: number;
  readonly fingerprint: string;
  readonly cache: { status: string; symbols_read: number; rows_read: number };
  /** Where the universe came from (the cache, one request, keyset pages). */
  readonly universeRead: string;
  /** CPU time of the read in this process (user + system): what the wall is without waiting. */
  readonly cpuMs: number;
  /** Cached re-runs: the window file to the panel in memory alone (no request), median of 3. */
  readonly fileToPanelMs?: number;
  /** The server's side of the read (filled in by the benchmark from the server process). */
  readonly server?: ServerSide;
}

/** What the server saw during one read: its function calls' time in the database, and concurrency. */
export interface ServerSide {
  readonly requests: number;
  /** Calls of backtest_prices_window (the compact read) and their time in the database (without the 40 ms). */
  readonly windowCalls: number;
  readonly windowCallMs: { sum: number; median: number; max: number };
  /** Every query the server ran for the read: count and summed time in the database. */
  readonly queries: number;
  readonly queryMs: number;
  /** Answers in flight at once, at most. */
  readonly inFlightPeak: number;
}

/** One format of a window: server time, bytes as sent, brotli'd as Envoy does (quality 3, window 2¹⁸), gzipped, and time to decode. */
export interface FormatMeasure { serverMs: number; bytes: number; brotliBytes: number; gzipBytes: number; decodeMs: number }

export interface FormatResult {
  readonly prices: string;
  readonly rows: number;
  /** Symbols in the one call each format answers. */
  readonly symbols: number;
  /** JSON arrays per symbol of doubles: backtest_prices_window's format (vopa-window-1). */
  readonly arrays: FormatMeasure;
  /** Prices as scaled integers where exact, high and low from the bar's extremes, volumes in hexadecimal: backtest_prices_window_scaled's (vopa-window-3), what the client reads. */
  readonly scaled: FormatMeasure;
  /** The same function as the migration before installs it (vopa-window-2: high and low from the close, volumes as decimal integers). */
  readonly scaledFirst: FormatMeasure;
  /** A packed bytea (8-byte doubles, big-endian): the alternative measured. */
  readonly packed: FormatMeasure;
}

export interface SupabaseScaleResult {
  /** The database behind the test server: `postgres 15.x` (a real cluster) or `pglite`. */
  readonly server: string;
  /** How calls over 8 s fail: Postgres' statement_timeout, or the server's timer after the call (PGlite). */
  readonly statementTimeout: 'statement_timeout' | 'server timer';
  readonly symbols: number;
  readonly days: number;
  readonly rows: number;
  /** Keyset pages over the whole window: measured, or the slice ×10 (`keysetScaled`). */
  readonly keyset: ReadResult;
  readonly keysetScaled: boolean;
  readonly keysetSlice: ReadResult;
  readonly compactSlice: ReadResult;
  /** The slice both ways again, from a server that offers gzip only (Cloudflare's own compression of JSON). */
  readonly gzipSlice: { readonly keyset: ReadResult; readonly compact: ReadResult } | null;
  readonly compact: ReadResult & { wall: Measure };
  readonly largestCallMs: number;
  /**
   * The window function's two bodies on the same call (100,000 rows), server time without the
   * answer's transfer, in turn, median of 9 each: the ORDER BY aggregates (six sorts per
   * symbol below Postgres 16) and the one-sort body (what the function runs below 16); and the
   * scaled answers (what the client calls, vopa-window-3) and their first format (vopa-window-2).
   */
  readonly bodyCallMs: { server: string; ordered: number; oneSort: number; scaled: number; scaledFirst: number };
  readonly prime: ReadResult;
  readonly cached: ReadResult & { wall: Measure };
  readonly changed: ReadResult;
  readonly formats: FormatResult[];
}

// ——— the server process ———

async function serve(dir: string): Promise<void> {
  const found = findPostgres();
  const real = SERVER_ENV === 'postgres' || (SERVER_ENV !== 'pglite' && !('missing' in found));
  if (!real) return servePglite(dir);
  if ('missing' in found) throw new Error(`BENCH_SUPABASE_SERVER=postgres: ${found.missing}`);
  const cluster = await startPostgresCluster({ settings: { shared_buffers: '256MB', work_mem: '32MB', maintenance_work_mem: '256MB' } });
  try {
    const raw = await cluster.createDatabase({ connections: 16 });
    const t = performance.now();
    await generate(raw);
    await raw.exec(`insert into universe select ${SLICE_SEASON}, symbol, peer_group, name from universe where season = ${SEASON} and symbol <= 'S${String(SLICE).padStart(4, '0')}' on conflict do nothing`);
    process.stderr.write(`  generated in ${((performance.now() - t) / 1000).toFixed(0)} s on ${raw.version}\n`);
    await listen(raw, raw.version, cluster);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

async function servePglite(dir: string): Promise<void> {
  const ready = join(dir, 'READY');
  const fresh = !existsSync(ready);
  if (fresh) rmSync(dir, { recursive: true, force: true });
  const db = await PGlite.create(dir);
  const migrations = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(MIGRATIONS_DIR, f), 'utf8'));
  const digest = createHash('sha256').update(migrations.join('\n')).digest('hex');
  if (fresh) {
    for (const sql of migrations) await db.exec(sql);
    await generate(db);
  } else if (readFileSync(ready, 'utf8') !== digest) {
    // The migrations changed since the data were made: their functions again (they are idempotent; a return type may change).
    await db.exec('drop function if exists public.backtest_prices_window(text, text[], date, date)');
    for (const sql of migrations) await db.exec(sql);
  }
  writeFileSync(ready, digest);
  await db.exec(`insert into universe select ${SLICE_SEASON}, symbol, peer_group, name from universe where season = ${SEASON} and symbol <= 'S${String(SLICE).padStart(4, '0')}' on conflict do nothing`);
  await listen(await asDatabase(db), 'pglite', undefined);
}

/** The server over `raw` (timed: every query's time in the database is counted), and the commands of the benchmark. */
async function listen(raw: Database, version: string, cluster: PostgresCluster | undefined): Promise<void> {
  let queries: { sql: string; ms: number }[] = [];
  const db: Database = {
    kind: raw.kind, version: raw.version, cancels: raw.cancels,
    async query(sql, params, options) {
      const t = performance.now();
      try {
        return await raw.query(sql, params, options);
      } finally {
        queries.push({ sql, ms: performance.now() - t });
      }
    },
    exec: (sql) => raw.exec(sql), copyCsv: (table, csv) => raw.copyCsv(table, csv), close: () => raw.close(),
  };
  // Brotli and gzip on JSON and text, as the Envoy in front of a Supabase project's PostgREST: the client asks for brotli first.
  const server = await startPostgrest({ db, maxRows: 1_000, compression: 'text', encodings: ['br', 'gzip'] });
  server.faults.latencyMs = LATENCY_MS;
  server.faults.statementTimeoutMs = STATEMENT_TIMEOUT_MS;
  process.send!({ url: server.url, key: server.key, server: version, statementTimeout: raw.cancels ? 'statement_timeout' : 'server timer' });
  // The codings the server offers, kept across the counters' resets (`encodings` below changes them).
  let encodings: readonly Encoding[] = server.encodings;
  process.on('message', (m: { cmd: string; sql?: string; encodings?: Encoding[] }) => {
    void (async () => {
      if (m.cmd === 'sql') await raw.exec(m.sql!);
      if (m.cmd === 'encodings') server.encodings = encodings = m.encodings!;
      if (m.cmd === 'formats') {
        await installFirstScaledFormat(raw);
        return process.send!({ formats: await formats(raw), callMs: await callTime(raw), bodyCallMs: await bodyCallTimes(raw, version) });
      }
      if (m.cmd === 'side') {
        const window = queries.filter((q) => q.sql.includes('backtest_prices_window')).map((q) => q.ms);
        const side: ServerSide = {
          requests: server.stats.requests, windowCalls: window.length,
          windowCallMs: { sum: window.reduce((a, b) => a + b, 0), median: window.length ? summarize(window).median : 0, max: Math.max(0, ...window) },
          queries: queries.length, queryMs: queries.reduce((a, q) => a + q.ms, 0), inFlightPeak: server.stats.inFlightPeak,
        };
        queries = [];
        server.reset();
        server.faults.latencyMs = LATENCY_MS;
        server.faults.statementTimeoutMs = STATEMENT_TIMEOUT_MS;
        server.encodings = encodings;
        return process.send!(side);
      }
      if (m.cmd === 'stop') {
        await server.close();
        await raw.close();
        await cluster?.stop();
        process.exit(0);
      }
      process.send!({ done: true });
    })();
  });
}

/**
 * 3,000 random walks over 2,520 business days, rounded to 4 decimals; one season holding them all.
 * One `exec` (one session): setseed's sequence is a session's, so the data are the same each time.
 */
async function generate(db: PGlite | Database): Promise<void> {
  process.stderr.write(`  generating ${SYMBOLS.toLocaleString('en-US')} × ${DAYS.toLocaleString('en-US')} prices${db instanceof PGlite ? ` (once; kept in ${tmpdir()})` : ''}…\n`);
  const batches: string[] = [];
  batches.push(`select setseed(0.17);
    create table bench_days as select d::date as date, (row_number() over (order by d))::int as t
      from generate_series('${FIRST_DAY}'::date, '${FIRST_DAY}'::date + ${Math.ceil((DAYS * 7) / 5) + 7}, '1 day') d where extract(isodow from d) < 6 order by d limit ${DAYS};
    insert into universe select ${SEASON}, 'S' || lpad(s::text, 4, '0'), 'G' || lpad((s % 11)::text, 2, '0'), 'Synthetic ' || s from generate_series(1, ${SYMBOLS}) s;`);
  for (let first = 1; first <= SYMBOLS; first += 100) {
    batches.push(`insert into prices
      select 'S' || lpad(s::text, 4, '0'), date,
        round((c * (0.995 + random() * 0.01))::numeric, 4)::float8, round((c * (1 + random() * 0.01))::numeric, 4)::float8,
        round((c * (1 - random() * 0.01))::numeric, 4)::float8, round(c::numeric, 4)::float8, round(1e5 + random() * 1e6)::float8
      from (select s, d.date, 20 * exp(sum((random() - 0.5) * 0.04) over (partition by s order by d.t)) as c
            from generate_series(${first}, ${Math.min(SYMBOLS, first + 99)}) s cross join bench_days d) x`);
  }
  await db.exec(batches.join(';\n'));
  await db.exec('vacuum analyze');
}

/** The 40 symbols of a compact call of the size the client sends (ROWS_PER_CALL, 100,000 rows), as a Postgres array literal. */
const CALL_SYMBOLS = `{${Array.from({ length: 40 }, (_, k) => `S${String(k + 1001).padStart(4, '0')}`).join(',')}}`;

/**
 * A compact call of the size the client sends (ROWS_PER_CALL, 100,000 rows: 40 symbols × 2,520
 * days) of the function it calls (the scaled answers), timed on this server without the added latency: median of 3.
 */
async function callTime(db: Database): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    await db.query(`select backtest_prices_window_scaled('prices', $1::text[], '${FIRST_DAY}', '2030-01-01') as b`, [CALL_SYMBOLS]);
    times.push(performance.now() - t);
  }
  return summarize(times).median;
}

/**
 * The window function's two bodies (migration 20261130000000_window_one_sort.sql) and the scaled
 * answers (20261202000000_window_packed.sql; 20261201000000_window_scaled.sql's first format as
 * installed by installFirstScaledFormat()) on one call of 100,000 rows, in turn, each round in another order.
 */
async function bodyCallTimes(db: Database, server: string): Promise<SupabaseScaleResult['bodyCallMs']> {
  const times = { ordered: [] as number[], one_sort: [] as number[], scaled: [] as number[], scaled_first: [] as number[] };
  const orders = [['ordered', 'one_sort', 'scaled', 'scaled_first'], ['scaled_first', 'scaled', 'one_sort', 'ordered'], ['one_sort', 'scaled_first', 'ordered', 'scaled'], ['scaled', 'ordered', 'scaled_first', 'one_sort']] as const;
  for (let k = 0; k < 13; k++) {
    for (const body of orders[k % 4]!) {
      const t = performance.now();
      await db.query(`select length(backtest_prices_window_${body}('prices', $1::text[], '${FIRST_DAY}', '2030-01-01')::text) as n`, [CALL_SYMBOLS]);
      if (k > 0) times[body].push(performance.now() - t); // the first round warms the cache
    }
  }
  return { server, ordered: summarize(times.ordered).median, oneSort: summarize(times.one_sort).median, scaled: summarize(times.scaled).median, scaledFirst: summarize(times.scaled_first).median };
}

/**
 * backtest_prices_window_scaled_first: the scaled function as 20261201000000_window_scaled.sql wrote
 * it (vopa-window-2), under another name, for formats() and bodyCallTimes() to measure beside the
 * function as the later migration redefines it.
 */
async function installFirstScaledFormat(db: Database): Promise<void> {
  const first = readFileSync(join(MIGRATIONS_DIR, '20261201000000_window_scaled.sql'), 'utf8');
  await db.exec(first.replace('function public.backtest_prices_window_scaled(', 'function public.backtest_prices_window_scaled_first('));
}

/**
 * JSON arrays per symbol, of doubles and of scaled integers in both formats, against the packed
 * window (a function made here, not in the migrations), on 300 symbols and on the real slice.
 */
async function formats(db: Database): Promise<FormatResult[]> {
  await db.exec(`create or replace view bench_prices_adjusted as
      select symbol, date, open * 0.987654321 as open, high * 0.987654321 as high, low * 0.987654321 as low, close * 0.987654321 as close, volume from prices;
    -- Per symbol: int4 name bytes, name, int4 n, n int4 days, then 5 blocks of n float8 (float8send: big-endian).
    create or replace function bench_window_packed(tbl text, symbols text[], date_from date, date_to date) returns bytea language plpgsql stable as $$
    declare r bytea;
    begin
      execute format($q$ select coalesce(string_agg(int4send(octet_length(convert_to(symbol, 'UTF8'))) || convert_to(symbol, 'UTF8') || int4send(n) || d || o || h || l || c || v, ''::bytea), '') from (
        select symbol, count(*)::int n, string_agg(int4send(date - date '1970-01-01'), ''::bytea order by date) d,
          string_agg(coalesce(float8send(open), '\x7ff8000000000000'::bytea), ''::bytea order by date) o, string_agg(coalesce(float8send(high), '\x7ff8000000000000'::bytea), ''::bytea order by date) h,
          string_agg(coalesce(float8send(low), '\x7ff8000000000000'::bytea), ''::bytea order by date) l, string_agg(coalesce(float8send(close), '\x7ff8000000000000'::bytea), ''::bytea order by date) c,
          string_agg(coalesce(float8send(volume), '\x7ff8000000000000'::bytea), ''::bytea order by date) v
        from public.%I where symbol = any($1) and date between $2 and $3 group by symbol) s $q$, tbl) into r using symbols, date_from, date_to;
      return r;
    end $$;`);
  const { rows: days } = await db.query<{ first: string; last: string }>('select min(date)::text as first, max(date)::text as last from bench_days');
  const synthetic = Array.from({ length: 300 }, (_, k) => `S${String(k + 1).padStart(4, '0')}`);
  // Real prices: the S&P 500 slice of the tests (118 symbols of 4 sectors, 2016–2017, as the source wrote them: 1 to 4 decimals).
  const real = gunzipSync(readFileSync(join(fileURLToPath(new URL('../test/fixtures', import.meta.url)), 'sp500-4-sectors-2016-2017.csv.gz'))).toString('utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const cell = (x: string | undefined) => (x === undefined || x === '' ? 'null' : `'${x.replaceAll("'", "''")}'`);
  await db.exec(`drop table if exists bench_prices_real; create table bench_prices_real (like prices including all);
    insert into bench_prices_real (symbol, date, open, high, low, close, volume) values ${real.map((f) => `(${f.slice(0, 7).map(cell).join(', ')})`).join(',\n')}; analyze bench_prices_real`);
  const realSymbols = [...new Set(real.map((f) => f[0]!))].sort();
  const realDays = real.map((f) => f[1]!).sort();
  const out: FormatResult[] = [];
  for (const [prices, tbl, symbols, first, last] of [
    ['as stored (4 decimals)', 'prices', synthetic, days[0]!.first, days[0]!.last],
    ['adjusted (full doubles)', 'bench_prices_adjusted', synthetic, days[0]!.first, days[0]!.last],
    ['real S&P 500 (test fixture)', 'bench_prices_real', realSymbols, realDays[0]!, realDays.at(-1)!],
  ] as const) {
    const literal = `{${symbols.map((x) => `"${x}"`).join(',')}}`;
    const args = [tbl, literal, first, last];
    const [from, to] = [parseIsoDate(first)!, parseIsoDate(last)!];
    // Each format's answer and its time on the server and to decode: 3 rounds, each in another order, the median of each time.
    const kinds = ['arrays', 'scaled', 'scaledFirst', 'packed'] as const;
    const fn = { arrays: 'backtest_prices_window', scaled: 'backtest_prices_window_scaled', scaledFirst: 'backtest_prices_window_scaled_first' } as const;
    const once = async (kind: (typeof kinds)[number]): Promise<{ body: Buffer; serverMs: number; decodeMs: number; rows: number }> => {
      let t = performance.now();
      const body = kind === 'packed'
        ? (await db.query<{ b: Buffer }>('select bench_window_packed($1, $2::text[], $3::date, $4::date) as b', args)).rows[0]!.b
        : Buffer.from((await db.query<{ j: string }>(`select ${fn[kind]}($1, $2::text[], $3::date, $4::date)::text as j`, args)).rows[0]!.j);
      const serverMs = performance.now() - t;
      t = performance.now();
      const rows = kind === 'packed' ? unpack(body) : decodeWindow(body, symbols, from, to, 'prices', kind === 'arrays' ? 'backtest_prices_window' : 'backtest_prices_window_scaled').symbols.reduce((k, x) => k + x.series.days.length, 0);
      return { body, serverMs, decodeMs: performance.now() - t, rows };
    };
    const runs: Record<(typeof kinds)[number], Awaited<ReturnType<typeof once>>[]> = { arrays: [], scaled: [], scaledFirst: [], packed: [] };
    for (let round = 0; round < 3; round++) for (let j = 0; j < kinds.length; j++) { const kind = kinds[(j + round) % kinds.length]!; runs[kind].push(await once(kind)); }
    const measure = (kind: (typeof kinds)[number]): FormatMeasure => {
      const body = runs[kind][0]!.body;
      return { serverMs: summarize(runs[kind].map((r) => r.serverMs)).median, bytes: body.length, brotliBytes: brotli(body), gzipBytes: gzipSync(body).length, decodeMs: summarize(runs[kind].map((r) => r.decodeMs)).median };
    };
    out.push({ prices, rows: runs.arrays[0]!.rows, symbols: symbols.length, arrays: measure('arrays'), scaled: measure('scaled'), scaledFirst: measure('scaledFirst'), packed: measure('packed') });
  }
  return out;
}

/** Brotli as the Envoy in front of a Supabase project sends it (quality 3, a 2¹⁸-byte window). */
function brotli(body: Uint8Array): number {
  return brotliCompressSync(body, ENVOY_BROTLI).length;
}

/** The packed bytea into typed arrays: each block copied and byte-swapped natively (the fast way). */
function unpack(body: Buffer): number {
  let at = 0, rows = 0;
  while (at < body.length) {
    const name = body.readInt32BE(at);
    const n = body.readInt32BE(at + 4 + name);
    at += 8 + name;
    const block = (size: 4 | 8) => {
      const copy = Buffer.allocUnsafeSlow(n * size);
      body.copy(copy, 0, at, at + n * size);
      if (size === 8) copy.swap64(); else copy.swap32();
      at += n * size;
      return copy.buffer;
    };
    new Int32Array(block(4));
    for (let f = 0; f < 5; f++) new Float64Array(block(8));
    rows += n;
  }
  return rows;
}

// ——— a client process ———

async function read(args: { url: string; key: string; mode: Mode; cacheDir?: string; start: string; end: string; season: number }): Promise<void> {
  const rest = SupabaseRest.open(loadSupabaseSettings({ SUPABASE_URL: args.url, SUPABASE_SERVICE_ROLE_KEY: args.key }, { connections: 8 }));
  const cache = args.mode === 'cached' ? WindowCache.open({ root: args.cacheDir!, env: {} }) ?? 'unwritable' : 'off';
  const request = { season: args.season, startDay: parseIsoDate(args.start)!, endDay: parseIsoDate(args.end)!, warmupBars: 0 };
  const cpu = process.cpuUsage();
  const t = performance.now();
  const { panel, info } = await new SupabaseSource(rest, { read: args.mode === 'keyset' ? 'keyset' : 'auto', cache }).loadWindow(request);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const c = rest.snapshot();
  await rest.close();
  const fingerprint = fingerprintPanel(panel);
  const peak = peakRssMb(); // the read's own, before the measure below holds a second window
  const cacheInfo = info.cache as ReadResult['cache'] & { file: string | null };
  let fileToPanelMs: number | undefined;
  if (args.mode === 'cached' && cacheInfo.status === 'hit' && typeof cache === 'object') {
    // The part of a re-run that is this machine's alone: the file read and checked, the panel built.
    const members = panel.symbols.map((symbol, i) => ({ symbol, peer_group: panel.groups[panel.groupOf[i]!]!, name: panel.names[i] }));
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const data = await cache.load(cacheInfo.file!);
      if ('damaged' in data) throw new Error(data.damaged);
      const held = new Map(data.header.symbols.map((s, i) => [s, data.series[i]!]));
      const again = panelFromSeries(members, (s) => held.get(s)!, panel.days[0]!, request.endDay).panel;
      times.push(performance.now() - t0);
      if (k === 0 && fingerprintPanel({ ...again, member: panel.member, seasons: panel.seasons }) !== fingerprint) throw new Error('the panel built from the file differs');
    }
    fileToPanelMs = summarize(times).median;
  }
  const result: ReadResult = {
    mode: args.mode, ms, requests: c.requests, priceRequests: info.price_requests as number, calls: info.calls as number,
    bytesReceived: c.bytes_received, bytesWire: c.bytes_wire, peakRssMb: peak, rows: info.rows, fingerprint,
    cache: cacheInfo, universeRead: String(info.universe_read ?? 'pages'), cpuMs: (used.user + used.system) / 1000, fileToPanelMs,
  };
  process.send!(result);
}

// ——— the benchmark ———

function start(args: string[]): ChildProcess {
  return fork(SELF, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench process exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

export async function supabaseScaleBench(compactRuns = 3, cachedRuns = 5): Promise<SupabaseScaleResult> {
  const server = start(['--server', join(tmpdir(), `vopa-bench-supabase-scale-${DB_VERSION}`)]);
  const { url, key, server: serverKind, statementTimeout } = await next<{ url: string; key: string; server: string; statementTimeout: SupabaseScaleResult['statementTimeout'] }>(server);
  const FULL_KEYSET = !QUICK && (FULL_KEYSET_ENV === '1' || (FULL_KEYSET_ENV !== '0' && serverKind !== 'pglite'));
  process.stderr.write(`  server: ${serverKind} (statement timeout: ${statementTimeout}); keyset pages over the whole window: ${FULL_KEYSET ? 'read' : 'the slice ×10'}\n`);
  const ask = async <T>(m: object) => {
    const answer = next<T>(server);
    server.send(m);
    return answer;
  };
  const cacheDir = mkdtempSync(join(tmpdir(), 'vopa-bench-cache-'));
  try {
    const first = parseIsoDate(FIRST_DAY)!;
    const window = { start: isoDate(first), end: isoDate(first + Math.ceil((DAYS * 7) / 5) + 7) }; // every generated day
    const once = async (mode: Mode, season = SEASON): Promise<ReadResult> => {
      await ask<ServerSide>({ cmd: 'side' }); // counters from zero
      const child = start(['--client', JSON.stringify({ url, key, mode, cacheDir, season, ...window })]);
      const result = await next<ReadResult>(child);
      return { ...result, server: await ask<ServerSide>({ cmd: 'side' }) };
    };
    process.stderr.write(`  keyset pages and the compact read on ${SLICE} symbols…\n`);
    const compactSlice = await once('compact', SLICE_SEASON);
    const keysetSlice = QUICK ? compactSlice : await once('keyset', SLICE_SEASON);
    if (keysetSlice.fingerprint !== compactSlice.fingerprint) throw new Error('keyset pages and the compact read gave other panels');
    let gzipSlice: SupabaseScaleResult['gzipSlice'] = null;
    if (!QUICK) {
      process.stderr.write(`  the same, from a server that offers gzip only…\n`);
      await ask({ cmd: 'encodings', encodings: ['gzip'] });
      gzipSlice = { compact: await once('compact', SLICE_SEASON), keyset: await once('keyset', SLICE_SEASON) };
      await ask({ cmd: 'encodings', encodings: ['br', 'gzip'] });
      for (const r of [gzipSlice.compact, gzipSlice.keyset]) if (r.fingerprint !== compactSlice.fingerprint) throw new Error(`${r.mode} read over gzip gave another panel`);
    }
    const scale = SYMBOLS / SLICE;
    // The universe of 3,000 takes 3 pages under the 1,000-row cap, that of 300 one; the rest grows with the rows.
    const keyset: ReadResult = FULL_KEYSET ? await once('keyset') : {
      ...keysetSlice, ms: keysetSlice.ms * scale, requests: Math.ceil(SYMBOLS / 1_000) + keysetSlice.priceRequests * scale,
      priceRequests: keysetSlice.priceRequests * scale, bytesReceived: keysetSlice.bytesReceived * scale, bytesWire: keysetSlice.bytesWire * scale, rows: keysetSlice.rows * scale,
    };
    process.stderr.write('  compact read…\n');
    const compactRuns_: ReadResult[] = [];
    for (let k = 0; k < compactRuns - 1; k++) compactRuns_.push(await once('compact'));
    process.stderr.write('  the cache…\n');
    const prime = await once('cached');
    const cachedRuns_: ReadResult[] = [];
    for (let k = 0; k < cachedRuns; k++) cachedRuns_.push(await once('cached'));
    for (const r of [...compactRuns_.slice(1), prime, ...cachedRuns_, ...(FULL_KEYSET ? [keyset] : [])]) {
      if (r.fingerprint !== compactRuns_[0]!.fingerprint) throw new Error(`${r.mode} read another panel (${r.fingerprint}) than the compact read (${compactRuns_[0]!.fingerprint})`);
    }
    await ask({ cmd: 'sql', sql: `update prices set close = close * 1.001 where symbol = 'S1234' and date = (select date from bench_days where t = 1000)` });
    const changed = await once('cached');
    const afterChange = await once('compact');
    if (changed.fingerprint !== afterChange.fingerprint || changed.fingerprint === compactRuns_[0]!.fingerprint) throw new Error('the cached read after a change differs from a fresh read');
    compactRuns_.push(afterChange);
    process.stderr.write('  formats…\n');
    const none = { formats: [], callMs: NaN, bodyCallMs: { server: serverKind, ordered: NaN, oneSort: NaN, scaled: NaN, scaledFirst: NaN } };
    const { formats: formatResults, callMs: largestCallMs, bodyCallMs } = QUICK ? none : await ask<{ formats: FormatResult[]; callMs: number; bodyCallMs: SupabaseScaleResult['bodyCallMs'] }>({ cmd: 'formats' });
    await ask({ cmd: 'sql', sql: `update prices set close = close / 1.001 where symbol = 'S1234' and date = (select date from bench_days where t = 1000)` });
    const pick = (runs: ReadResult[]) => {
      const wall = summarize(runs.map((r) => r.ms));
      const median = [...runs].sort((a, b) => a.ms - b.ms)[runs.length >> 1]!;
      return { ...median, wall, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
    };
    return {
      server: serverKind, statementTimeout, symbols: SYMBOLS, days: DAYS, rows: compactRuns_[0]!.rows, keyset, keysetScaled: !FULL_KEYSET, keysetSlice, compactSlice, gzipSlice,
      compact: pick(compactRuns_), largestCallMs, bodyCallMs, prime, cached: pick(cachedRuns_), changed, formats: formatResults,
    };
  } finally {
    server.send({ cmd: 'stop' });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

const role = process.argv[2];
if (role === '--server') await serve(process.argv[3]!);
else if (role === '--client') await read(JSON.parse(process.argv[3]!));
else if (import.meta.main) console.log(JSON.stringify(await supabaseScaleBench(), null, 2));
