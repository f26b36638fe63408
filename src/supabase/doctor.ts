import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../util/memory-limit.ts';
import { SupabaseRest } from './client.ts';
import type { SupabaseSettings, SupabaseTables } from './config.ts';
import { isMissingFunction, SupabaseHttpError } from './errors.ts';
import { APPLY_COMPACT, COMPACT_FUNCTIONS, PACKED_MIGRATION, SCALED_MIGRATION, TABLE_COLUMNS, REQUIRED_FOR_READING, UNIVERSE_FUNCTIONS, UNIVERSE_MIGRATION, WINDOW_FORMAT, WINDOW_FORMAT_PACKED, WINDOW_FORMAT_SCALED, WINDOW_FORMATS, WINDOW_MIGRATION } from './schema.ts';

/**
 * The connection check users used to do by hand, in order:
 * 1. configuration (the URL, never the key);
 * 2. reach the server, timing a request on a new socket and one on the reused socket;
 * 3. every table the configuration reads or writes, with every column of our migrations (a
 *    `select` of them with `limit=0`): prices and universe to read, the results tables to upload
 *    (on by default when Supabase is configured). Any answer but success is a failure — a missing
 *    table, a missing column, a 400 of any kind — with the migration file that creates the table;
 * 4. the row cap: a page far larger than any cap, then whether rows exist past it; and whether that
 *    page came compressed (the client asks for brotli, then gzip): without it reads send several
 *    times the bytes (a warning);
 * 5. the compact bulk read (its migrations): the window and check functions, and the revision
 *    triggers on the prices table; missing, a run still works (keyset pages, no cache): a warning;
 *    another version of them would stop a run: a failure; the window's one-sort body (the later
 *    migration) missing: a warning (calls take longer on Postgres 15);
 * 6. a burst of concurrent requests through the pool: sockets used, failures, retries.
 * Each finding says what is wrong and how to fix it; `ok` is false when a run or its upload would fail.
 * Only an unreachable server or a refused key stops the check at 2: a missing table is one
 * finding among the others, and 4 and 5 run on the tables that are there.
 */
export interface Finding {
  readonly ok: boolean;
  /** Not a failure, but not healthy either: an optional table that does not answer (shown as `note`). */
  readonly note?: boolean;
  /** Works, but not as well as it could (shown as `warn`; does not make the project unhealthy). */
  readonly warn?: boolean;
  readonly what: string;
  /** How to fix it, when not ok (or advice). */
  readonly fix?: string;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly findings: readonly Finding[];
}

const CAP_PROBE = 20_000;

export async function runDoctor(settings: SupabaseSettings, burst = settings.connections * 4): Promise<DoctorReport> {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  add({ ok: true, what: `configuration: ${settings.url} (key set, hidden), up to ${settings.connections} connections, tables ${Object.values(settings.tables).join(', ')}` });
  const rest = SupabaseRest.open(settings, { retry: { maxAttempts: 3, maxDelayMs: 1_000 }, breaker: { threshold: 6, minOutageMs: 2_000 } });
  const t = settings.tables;
  try {
    // 2. Reach it: a new socket, then the same socket again. A 4xx answer about the table (it is
    //    missing, or lacks a column) still reached the server: step 3 reports it with the others.
    const ping = () => rest.run('reach the server', rest.client.from(t.universe).select('season').limit(1)).catch((err: unknown) => {
      if (!(err instanceof SupabaseHttpError) || err.status === 401 || err.status === 403 || err.status >= 500) throw err;
    });
    try {
      const a = performance.now();
      await ping();
      const fresh = performance.now() - a;
      await new Promise((r) => setTimeout(r, 20)); // let the pool take the socket back
      const b = performance.now();
      await ping();
      const again = performance.now() - b;
      const reused = rest.counters.socketsOpened === 1;
      add({
        ok: true,
        what: `reached ${rest.host}: ${fresh.toFixed(0)} ms on a new connection, ${again.toFixed(0)} ms on ${reused ? 'the same connection, reused' : 'a second connection (the first was not kept alive)'}`,
        fix: reused ? undefined : 'something between you and Supabase closes idle connections at once; requests still work, a little slower',
      });
    } catch (err) {
      add(explain(err, rest.host));
      return { ok: false, findings };
    }
    // 3. Tables and columns: every one the configuration reads or writes must answer.
    const present: (keyof SupabaseTables)[] = [];
    for (const role of Object.keys(TABLE_COLUMNS) as (keyof SupabaseTables)[]) {
      const use = REQUIRED_FOR_READING.includes(role) ? 'needed to read prices' : role === 'borrow' ? 'borrow fees per symbol and day' : 'needed to upload results';
      try {
        await rest.run(`check ${t[role]}`, rest.client.from(t[role]).select(TABLE_COLUMNS[role].join(',')).limit(0));
        add({ ok: true, what: `table ${t[role]}: present with its columns` });
        present.push(role);
      } catch (err) {
        const problem = tableProblem(err, role, t[role], use, rest.host);
        // The borrow table is optional: read only with --borrow-table.
        add(role === 'borrow' ? { ok: true, note: true, what: `${problem.what} — needed only with --borrow-table`, fix: problem.fix } : problem);
      }
    }
    // 4. The row cap.
    if (present.includes('prices')) {
      try {
        const before = rest.snapshot();
        const { data } = await rest.run<unknown[]>('detect the row cap', rest.client.from(t.prices).select('date').limit(CAP_PROBE));
        const after = rest.snapshot();
        const k = data?.length ?? 0;
        const compression = compressionFinding(after.bytes_received - before.bytes_received, after.bytes_wire - before.bytes_wire, k);
        if (k === 0) add({ ok: false, what: `table ${t.prices} is empty`, fix: 'load prices with `backtest import FILES --to supabase`' });
        else {
          const { data: more } = await rest.run<unknown[]>('detect the row cap', rest.client.from(t.prices).select('date').range(k, k));
          if (more?.length) add({ ok: true, what: `row cap: ${k.toLocaleString('en-US')} rows per request (PostgREST max-rows); reads page through it` });
          else add({ ok: true, what: `row cap: none below ${k.toLocaleString('en-US')} rows (the whole table came in one request)` });
        }
        if (compression) add(compression);
      } catch (err) {
        add(explain(err, rest.host));
      }
    }
    // 5. The compact bulk read.
    if (present.includes('prices')) add(await compactFinding(rest));
    if (present.includes('universe')) add(await universeFinding(rest));
    // 6. A burst through the pool, reading a table that is there (universe first).
    const target = present[0];
    if (target === undefined) {
      add({ ok: true, what: 'burst of concurrent requests: not sent (no table of the migrations to read)' });
      return { ok: findings.every((f) => f.ok), findings };
    }
    const before = rest.counters.snapshot();
    const results = await Promise.allSettled(Array.from({ length: burst }, () => rest.run('burst', rest.client.from(t[target]).select(TABLE_COLUMNS[target][0]).limit(1))));
    const after = rest.counters.snapshot();
    const failed = results.filter((r) => r.status === 'rejected').length;
    const retries = after.retries - before.retries;
    add({
      ok: failed === 0,
      what: `burst of ${burst} concurrent requests: ${burst - failed} answered, ${failed} failed, ${retries} retried; ` +
        `${after.sockets_opened} socket(s) opened in all, at most ${after.sockets_peak} open, at most ${after.in_flight_peak} requests in flight (limit ${settings.connections})`,
      fix: failed ? `the server refuses concurrent requests: try --connections ${Math.max(1, Math.floor(settings.connections / 2))}` : retries ? 'the server dropped some requests; the client retried them' : undefined,
    });
  } finally {
    await rest.close();
  }
  return { ok: findings.every((f) => f.ok), findings };
}

/** The migration that creates a table role's table (found by its default name in supabase/migrations). */
export function migrationOf(role: keyof SupabaseTables): string {
  const name = defaultName(role);
  const dir = fileURLToPath(new URL('../../supabase/migrations/', import.meta.url));
  try {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      if (new RegExp(`create\\s+table\\s+(if\\s+not\\s+exists\\s+)?(public\\.)?${name}\\b`, 'i').test(readFileSync(join(dir, file), 'utf8'))) return `supabase/migrations/${file}`;
    }
  } catch {
    // an installation without the migrations folder: name the folder
  }
  return 'the migrations in supabase/migrations';
}

function defaultName(role: keyof SupabaseTables): string {
  return role === 'prices' || role === 'universe' ? role : `backtest_${role}`;
}

/** A table that does not answer a select of its columns: never ok, and the migration that makes it right. */
function tableProblem(err: unknown, role: keyof SupabaseTables, table: string, use: string, host: string): Finding {
  if (!(err instanceof SupabaseHttpError) || err.status === 401 || err.status === 403 || err.status >= 500) {
    const f = explain(err, host);
    return { ok: false, what: `table ${table} (${use}): ${f.what}`, fix: f.fix };
  }
  const migration = migrationOf(role);
  const renamed = table === defaultName(role) ? '' : `; it creates ${defaultName(role)}, named ${table} in your settings (SUPABASE_${role.toUpperCase()}_TABLE${role === 'prices' || role === 'universe' ? '' : ' or SUPABASE_RESULTS_PREFIX'})`;
  const apply = `apply ${migration} to the project (supabase db push, or paste it into the SQL editor)${renamed}`;
  if (err.status === 404 || err.pgCode === 'PGRST205' || err.pgCode === '42P01') return { ok: false, what: `table ${table}: missing (${use})`, fix: apply };
  if (err.pgCode === '42703' || err.pgCode === 'PGRST204') {
    return { ok: false, what: `table ${table}: a column is missing (${err.message.split(': ').slice(2).join(': ')}) (${use})`, fix: apply.replace('apply ', 'apply the latest ') };
  }
  return { ok: false, what: `table ${table}: a read of its columns was refused (${err.message}) (${use})`, fix: `${apply}; it must answer a select of ${TABLE_COLUMNS[role].join(', ')}` };
}

/** Whether the compact read's functions answer in the format this version reads, and the table is tracked. */
async function compactFinding(rest: SupabaseRest): Promise<Finding> {
  const tbl = rest.tables.prices;
  const args = { tbl, symbols: [], date_from: '2000-01-01', date_to: '2000-01-01' };
  const fix = APPLY_COMPACT;
  const json = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as { format?: unknown; tracked?: unknown } | null;
  try {
    const window = json((await rest.rpc('check the compact read', COMPACT_FUNCTIONS.window, args, { readOnly: true })).body);
    if (window?.format !== WINDOW_FORMAT) {
      return { ok: false, what: `compact bulk read: ${COMPACT_FUNCTIONS.window} answers in another format (${JSON.stringify(window?.format ?? null)}, not ${WINDOW_FORMAT}): a run would stop`, fix };
    }
    const scaled = await answerOf(rest, COMPACT_FUNCTIONS.windowScaled, args);
    const scaledFormat = scaled === 'missing' ? undefined : json(scaled)?.format;
    const readable: readonly unknown[] = WINDOW_FORMATS[COMPACT_FUNCTIONS.windowScaled];
    if (scaled !== 'missing' && !readable.includes(scaledFormat)) {
      return { ok: false, what: `compact bulk read: ${COMPACT_FUNCTIONS.windowScaled} answers in another format (${JSON.stringify(scaledFormat ?? null)}, not ${readable.join(' or ')}): a run would stop`, fix };
    }
    const check = json((await rest.rpc('check the compact read', COMPACT_FUNCTIONS.check, { ...args, revisions: [] }, { readOnly: true })).body);
    if (check?.format !== 'vopa-check-1') return { ok: false, what: `compact bulk read: ${COMPACT_FUNCTIONS.check} answers in another format: a run would stop`, fix };
    if (window.tracked !== true) {
      return { ok: true, warn: true, what: `compact bulk read: installed, but table ${tbl} has no revision triggers: cached windows cannot be validated, so runs do not use the cache`, fix: `run \`select backtest_track_revisions('${tbl}')\` in the project` };
    }
    if ((await answerOf(rest, COMPACT_FUNCTIONS.windowOneSort, args)) === 'missing') {
      return { ok: true, warn: true, what: `compact bulk read: installed, without its one-sort body (function ${COMPACT_FUNCTIONS.windowOneSort} is missing): on Postgres 15 each call sorts a symbol's rows six times, about 1.5 × the server time`, fix: `apply ${WINDOW_MIGRATION} to the project` };
    }
    if (scaled === 'missing') {
      return { ok: true, warn: true, what: `compact bulk read: installed, without its scaled answers (function ${COMPACT_FUNCTIONS.windowScaled} is missing): prices come as doubles, about 1.3 to 1.5 × the bytes on the wire`, fix: `apply ${SCALED_MIGRATION}, then ${PACKED_MIGRATION}, to the project` };
    }
    if (scaledFormat === WINDOW_FORMAT_SCALED) {
      return { ok: true, warn: true, what: `compact bulk read: installed, with its scaled answers in their first format (${WINDOW_FORMAT_SCALED}): high, low and volumes take about 7 to 13 % more bytes on the wire than in ${WINDOW_FORMAT_PACKED}`, fix: `apply ${PACKED_MIGRATION} to the project` };
    }
    return { ok: true, what: `compact bulk read: installed (a window in few calls, one array per field, prices as scaled integers where that is exact; revisions on ${tbl} validate cached windows)` };
  } catch (err) {
    if (isMissingFunction(err)) {
      return { ok: true, warn: true, what: `compact bulk read: not installed (function ${err.message.match(/public\.(\w+)/)?.[1] ?? COMPACT_FUNCTIONS.window} is missing): runs read keyset pages, many times more requests, and do not use the cache`, fix };
    }
    if (err instanceof SyntaxError) return { ok: false, what: 'compact bulk read: its functions do not answer JSON: a run would stop', fix };
    return explain(err, rest.host);
  }
}

/** A function's answer to `args`, or 'missing' when it is not on the server (any other failure is thrown). */
async function answerOf(rest: SupabaseRest, fn: string, args: Record<string, unknown>): Promise<Uint8Array | 'missing'> {
  try {
    return (await rest.rpc('check the compact read', fn, args, { readOnly: true })).body;
  } catch (err) {
    if (isMissingFunction(err)) return 'missing';
    throw err;
  }
}

/** Whether the universe read and the window check (the universe migration) answer in the formats this version reads. */
async function universeFinding(rest: SupabaseRest): Promise<Finding> {
  const fix = `apply ${UNIVERSE_MIGRATION} to the project`;
  try {
    const { body } = await rest.rpc('check the universe read', UNIVERSE_FUNCTIONS.rows, { tbl: rest.tables.universe, season_from: 1, season_to: 0 }, { readOnly: true });
    const answer = JSON.parse(new TextDecoder().decode(body)) as { format?: unknown } | null;
    if (answer?.format !== 'vopa-universe-1') return { ok: false, what: `universe read: ${UNIVERSE_FUNCTIONS.rows} answers in another format (${JSON.stringify(answer?.format ?? null)}, not vopa-universe-1): a run would stop`, fix };
    return { ok: true, what: 'universe read: installed (a universe in one request, cached with the window and validated in its one check)' };
  } catch (err) {
    if (isMissingFunction(err)) {
      return { ok: true, warn: true, what: `universe read: not installed (function ${UNIVERSE_FUNCTIONS.rows} is missing): runs read the universe in keyset pages (a request per 1,000 members) and do not cache it`, fix };
    }
    if (err instanceof SyntaxError) return { ok: false, what: 'universe read: its function does not answer JSON: a run would stop', fix };
    return explain(err, rest.host);
  }
}

/** A failure in plain words, with what to check. */
function explain(err: unknown, host: string): Finding {
  if (err instanceof SupabaseHttpError) {
    if (err.status === 401 || err.status === 403) return { ok: false, what: `the key was refused (HTTP ${err.status}: ${err.message.split(': ').pop()})`, fix: 'set SUPABASE_SERVICE_ROLE_KEY to the project\'s service_role key (Project Settings → API)' };
    if (err.status === 404) return { ok: false, what: 'missing', fix: 'apply the migrations in supabase/migrations (supabase db push, or paste them into the SQL editor)' };
    if (err.pgCode === '42703' || err.pgCode === 'PGRST204') return { ok: false, what: `a column is missing (${err.message.split(': ').slice(2).join(': ')})`, fix: 'apply the latest migrations in supabase/migrations' };
    return { ok: false, what: err.message, fix: 'see the message; `backtest doctor --verbose` shows the counters' };
  }
  const message = (err as Error)?.message ?? String(err);
  return { ok: false, what: `cannot reach ${host}: ${message}`, fix: 'check SUPABASE_URL, that the project is running (not paused), and the network' };
}

/**
 * Whether a page of `rows` rows (`received` bytes decoded) came compressed (`wire` bytes as they came).
 * Undefined for a page too small to tell (gateways leave small answers as they are).
 */
export function compressionFinding(received: number, wire: number, rows: number): Finding | undefined {
  if (received < 4_096) return undefined;
  const page = `a page of ${rows.toLocaleString('en-US')} rows came as ${formatBytes(wire)} for ${formatBytes(received)} of JSON (${((100 * wire) / received).toFixed(1)} %)`;
  if (wire < 0.9 * received) return { ok: true, what: `answers compressed: ${page}` };
  return {
    ok: true, warn: true,
    what: `answers not compressed: ${page}, though brotli and gzip were asked for`,
    fix: 'Supabase compresses its answers; in front of a self-hosted PostgREST, a proxy that compresses application/json (brotli or gzip) makes every read several times smaller on the wire',
  };
}
