import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { asDatabase, openDatabase, readSchema, type Database, type TableInfo } from './database.ts';
import { defaultFaults, faultAnswer, type FaultKind, type Faults } from './faults.ts';
import { ApiError, intParam, parseFilters, parseRange, parseSelect, quoteIdent } from './query.ts';
import { callFunction, readFunctions, rpcArguments } from './rpc.ts';

/**
 * A PostgREST-compatible HTTP server on loopback over PGlite (real Postgres in WebAssembly) or
 * over a real PostgreSQL (`Database`, database.ts and pg.ts), for tests, demos and the bench. It
 * implements the subset we use with PostgREST's behaviour:
 * 1. GET/HEAD `/rest/v1/<table>`: select, filters, order, limit/offset, `Range: a-b`; answers
 *    with `Content-Range: a-b/*` (or `/N` with `Prefer: count=exact`), 206 when a counted range
 *    is partial, 416 PGRST103 past the end; at most `maxRows` rows, truncated silently; HEAD
 *    answers the same status and headers with no body (how a client asks only for a count);
 * 2. POST: insert or upsert (`on_conflict`, `Prefer: resolution=merge-duplicates`,
 *    `return=minimal|representation`, `columns=`), through `json_populate_recordset` as
 *    PostgREST does; objects with different keys are 400 PGRST102;
 * 3. `/rpc/<function>` (see rpc.ts), a packed `bytea` as raw bytes for `application/octet-stream`;
 * 4. errors as `{code, message, details, hint}` with PostgREST's status for each SQLSTATE;
 * 5. gzip for clients that ask for it (`Accept-Encoding`), on every answer or, as Cloudflare
 *    does in front of Supabase, only on JSON and text (`compression`); or, offered brotli too
 *    (`encodings`), the coding Envoy would choose: the Envoy in front of a Supabase project's
 *    PostgREST has a brotli and a gzip compressor (supabase/postgres,
 *    ansible/files/envoy_config/lds.yaml), and Envoy takes, of the codings it has, the one the
 *    client's Accept-Encoding gives the highest q-value, the first listed on a tie
 *    (source/extensions/filters/http/common/compressor/compressor.cc, chooseEncoding); brotli at
 *    Envoy's defaults, quality 3 and a 2¹⁸-byte window;
 * 6. the faults of `Faults`, and counters of requests, sockets and bytes sent.
 */
export interface ServerStats {
  requests: number;
  byMethod: Record<string, number>;
  socketsAccepted: number;
  socketsOpen: number;
  socketsPeak: number;
  socketsRefused: number;
  inFlight: number;
  inFlightPeak: number;
  /** Bytes of answer bodies as sent (after compression). */
  bytesSent: number;
  /** Answers compressed, per coding. */
  encoded: Partial<Record<Encoding, number>>;
  /** Calls per function of `/rpc/`, those that failed included (a missing function too). */
  rpc: Record<string, number>;
  faults: Record<string, number>;
}

/** Which answers are gzipped when the client accepts it: all, only JSON and text (Cloudflare's default list), or none. */
export type Compression = 'all' | 'text' | 'none';
/** The content codings the server can answer in (of which the client's Accept-Encoding chooses). */
export type Encoding = 'br' | 'gzip';

/** Brotli as Envoy's compressor sends it by default (quality 3, window 2¹⁸). */
export const ENVOY_BROTLI = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } };

export interface PostgrestServer {
  readonly url: string;
  readonly key: string;
  readonly db: Database;
  readonly faults: Faults;
  readonly stats: ServerStats;
  maxRows: number | null;
  compression: Compression;
  /** The codings offered (default `['gzip']`; `['br', 'gzip']` as Supabase's Envoy). */
  encodings: readonly Encoding[];
  /** Compressed answers go without Content-Length (chunked), as Envoy sends what it compresses (default false). */
  chunkedCompressed: boolean;
  /** Forgets the counters and faults (between tests sharing one server). */
  reset(): void;
  /** Re-reads the schema (after a test changed a table). */
  refreshSchema(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** PGlite (wrapped) or any `Database`; default a new PGlite with the migrations. */
  readonly db?: PGlite | Database;
  readonly key?: string;
  /** PostgREST's `db-max-rows` (Supabase: 1,000); null for none. */
  readonly maxRows?: number | null;
  readonly port?: number;
  /** Close `db` with the server (it is closed anyway when the server opened it). */
  readonly closeDb?: boolean;
  /** Default `all`, so that every client path is tested compressed. */
  readonly compression?: Compression;
  /** The codings offered; default `['gzip']`. */
  readonly encodings?: readonly Encoding[];
}

/** Supabase's `db-max-rows`: the server's cap unless told otherwise. */
export const SUPABASE_MAX_ROWS = 1_000;

const newStats = (): ServerStats => ({ requests: 0, byMethod: {}, socketsAccepted: 0, socketsOpen: 0, socketsPeak: 0, socketsRefused: 0, inFlight: 0, inFlightPeak: 0, bytesSent: 0, encoded: {}, rpc: {}, faults: {} });

export async function startPostgrest(options: ServerOptions = {}): Promise<PostgrestServer> {
  const db = await asDatabase(options.db ?? (await openDatabase()));
  let schema = await readSchema(db);
  let functions = await readFunctions(db);
  const key = options.key ?? `sb-test-service-${randomBytes(16).toString('hex')}`;
  const faults = defaultFaults();
  let stats = newStats();
  const idle = new Map<Socket, { since: number; served: number; timer?: NodeJS.Timeout }>();

  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 'XX000', message: String((err as Error)?.message ?? err), details: null, hint: null });
    });
  });

  server.on('connection', (socket: Socket) => {
    if (faults.maxConnections !== undefined && stats.socketsOpen >= faults.maxConnections) {
      stats.socketsRefused++;
      socket.destroy();
      return;
    }
    stats.socketsAccepted++;
    stats.socketsOpen++;
    stats.socketsPeak = Math.max(stats.socketsPeak, stats.socketsOpen);
    const state = { since: performance.now(), served: 0 } as { since: number; served: number; timer?: NodeJS.Timeout };
    idle.set(socket, state);
    armIdle(socket);
    socket.on('close', () => {
      clearTimeout(idle.get(socket)?.timer);
      idle.delete(socket);
      stats.socketsOpen--;
    });
  });

  function armIdle(socket: Socket): void {
    const state = idle.get(socket);
    if (!state) return;
    state.since = performance.now();
    clearTimeout(state.timer);
    if (faults.idleCloseMs !== undefined) state.timer = setTimeout(() => { count('idle-close'); socket.destroy(); }, faults.idleCloseMs).unref();
  }

  function pickFault(req: IncomingMessage): FaultKind | undefined {
    if (!req.url?.startsWith('/rest/v1/') || !faults.applies(req)) return undefined;
    const queued = faults.next.shift();
    if (queued) return queued;
    if (faults.rate > 0 && faults.random() < faults.rate) return faults.kinds[Math.floor(faults.random() * faults.kinds.length)];
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket;
    const state = idle.get(socket);
    if (state) clearTimeout(state.timer);
    stats.requests++;
    stats.byMethod[req.method ?? '?'] = (stats.byMethod[req.method ?? '?'] ?? 0) + 1;
    // The stale keep-alive race: the server gives up on a socket at the moment a request comes.
    if (state && state.served > 0 && faults.closeOnArrivalAfterIdleMs !== undefined && performance.now() - state.since >= faults.closeOnArrivalAfterIdleMs) {
      count('close-on-arrival');
      socket.destroy();
      return;
    }
    if (state) state.served++;
    stats.inFlight++;
    stats.inFlightPeak = Math.max(stats.inFlightPeak, stats.inFlight);
    res.on('close', () => {
      stats.inFlight--;
      armIdle(socket);
    });
    const body = await readBody(req);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const fault = pickFault(req);
    if (fault) count(fault);
    if (fault === 'reset-before') {
      socket.destroy();
      return;
    }
    const canned = fault ? faultAnswer(fault, faults.retryAfter) : undefined;
    if (canned) {
      res.writeHead(canned.status, canned.headers);
      res.end(canned.body);
      stats.bytesSent += Buffer.byteLength(canned.body);
      return;
    }
    let answer: Answer;
    try {
      answer = await route(req, body);
    } catch (err) {
      answer = errorAnswer(err);
    }
    let payload = req.method === 'HEAD' || answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
    const headers: Record<string, string> = { ...(answer.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...answer.headers };
    const coding = payload.length >= 256 && compressible(headers['content-type'] ?? '') ? chooseEncoding(String(req.headers['accept-encoding'] ?? '')) : undefined;
    if (coding) {
      payload = coding === 'br' ? brotliCompressSync(payload, ENVOY_BROTLI) : gzipSync(payload);
      headers['content-encoding'] = coding;
      headers.vary = 'Accept-Encoding';
      stats.encoded[coding] = (stats.encoded[coding] ?? 0) + 1;
    }
    if (fault === 'reset-mid' && payload.length > 1) {
      res.writeHead(answer.status, { ...headers, 'content-length': String(payload.length) });
      res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      stats.bytesSent += Math.floor(payload.length / 2);
      setImmediate(() => socket.destroy());
      return;
    }
    // A whole answer whose body was cut (a proxy that lost the end): the framing says it is complete.
    if (fault === 'cut-body' && payload.length > 1) payload = payload.subarray(0, Math.floor(payload.length / 2));
    res.writeHead(answer.status, coding && handle_.chunkedCompressed ? headers : { ...headers, 'content-length': String(payload.length) });
    res.end(payload);
    stats.bytesSent += payload.length;
  }

  /** As Envoy chooses: of the codings offered, the one the client gives the highest q-value (1 when none is said), the first listed on a tie. */
  function chooseEncoding(accept: string): Encoding | undefined {
    let choice: Encoding | undefined, best = 0;
    for (const token of accept.split(',')) {
      const [name, ...params] = token.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      if (weight > best && handle_.encodings.includes(name as Encoding)) [choice, best] = [name as Encoding, weight];
    }
    return choice;
  }

  function compressible(contentType: string): boolean {
    if (handle_.compression === 'none') return false;
    return handle_.compression === 'all' || /json|^text\//i.test(contentType);
  }

  function count(kind: string): void {
    stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
  }

  interface Answer { status: number; headers: Record<string, string>; body: string | Buffer | undefined }

  async function route(req: IncomingMessage, text: string): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const apikey = req.headers.apikey;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (apikey !== key && bearer !== key) {
      return { status: 401, headers: {}, body: JSON.stringify({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }) };
    }
    const rpc = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(url.pathname);
    if (rpc) {
      if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
      const args = rpcArguments(req.method, url.searchParams, text);
      const fn = decodeURIComponent(rpc[1]!);
      stats.rpc[fn] = (stats.rpc[fn] ?? 0) + 1;
      if (faults.statementTimeoutSymbols !== undefined && Array.isArray(args.symbols) && args.symbols.length > faults.statementTimeoutSymbols) {
        throw new ApiError(500, '57014', 'canceling statement due to statement timeout');
      }
      const started = performance.now();
      const answer = await callFunction(db, functions, fn, args, String(req.headers.accept ?? ''), handle_.maxRows, faults.statementTimeoutMs);
      // Postgres cancels a statement that runs past statement_timeout; PGlite cannot, so it is judged after.
      if (!db.cancels && faults.statementTimeoutMs !== undefined && performance.now() - started > faults.statementTimeoutMs) {
        throw new ApiError(500, '57014', 'canceling statement due to statement timeout');
      }
      return answer;
    }
    const m = /^\/rest\/v1\/([^/]+)$/.exec(url.pathname);
    if (!m) throw new ApiError(404, 'PGRST125', `Invalid path specified in request URL`);
    const table = decodeURIComponent(m[1]!);
    const info = schema.get(table);
    if (!info) {
      throw new ApiError(404, 'PGRST205', `Could not find the table 'public.${table}' in the schema cache`, null, closest(table, [...schema.keys()]));
    }
    const prefer = parsePrefer(req.headers.prefer);
    if (req.method === 'GET' || req.method === 'HEAD') return select(table, url.searchParams, req.headers.range, prefer, req.method === 'HEAD');
    if (req.method === 'POST') return insert(table, info, url.searchParams, text, prefer);
    throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
  }

  async function select(table: string, search: URLSearchParams, rangeHeader: string | undefined, prefer: Map<string, string>, head = false): Promise<Answer> {
    const columns = parseSelect(search.get('select'));
    const { where, order, params } = parseFilters(search);
    const range = parseRange(rangeHeader);
    const offset = (range?.offset ?? 0) + (intParam(search, 'offset') ?? 0);
    let limit = minDefined(range?.limit, intParam(search, 'limit'));
    if (handle_.maxRows !== null) limit = minDefined(limit, handle_.maxRows);
    if (faults.statementTimeoutRows !== undefined && table === 'prices' && (limit ?? Infinity) > faults.statementTimeoutRows) {
      throw new ApiError(500, '57014', 'canceling statement due to statement timeout');
    }
    const from = `from public.${quoteIdent(table)} where ${where}`;
    const page = `(select ${columns} ${from}${order ? ` order by ${order}` : ''}${limit !== undefined ? ` limit ${limit}` : ''} offset ${offset}) _t`;
    // HEAD: the same range and count as GET, and no body (PostgREST's way to ask only for a count).
    const rows = head ? '' : (await db.query<{ body: string }>(`select coalesce(json_agg(_t), '[]')::text as body from ${page}`, params)).rows[0]!.body;
    const returned = head
      ? (await db.query<{ n: number }>(`select count(*)::int as n from ${page}`, params)).rows[0]!.n
      : rows === '[]' ? 0 : (JSON.parse(rows) as unknown[]).length;
    let total: number | undefined;
    if (prefer.get('count') === 'exact') total = (await db.query<{ n: number }>(`select count(*)::int as n ${from}`, params)).rows[0]!.n;
    const upper = offset + returned - 1;
    const rangeText = total !== 0 && offset <= upper ? `${offset}-${upper}` : '*';
    const contentRange = `${rangeText}/${total ?? '*'}`;
    if (total !== undefined && offset > total) {
      throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${offset} was requested, but there are only ${total} rows.`, null, { 'content-range': `*/${total}` });
    }
    const status = total !== undefined && 1 + upper - offset < total ? 206 : 200;
    return { status, headers: { 'content-range': contentRange }, body: rows };
  }

  async function insert(table: string, info: TableInfo, search: URLSearchParams, text: string, prefer: Map<string, string>): Promise<Answer> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
    }
    const objects = Array.isArray(parsed) ? parsed : [parsed];
    if (!objects.every((o) => o && typeof o === 'object' && !Array.isArray(o))) throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
    const given = search.get('columns');
    let columns: string[];
    if (given) {
      columns = given.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    } else {
      columns = objects.length ? Object.keys(objects[0] as object) : [];
      const signature = [...columns].sort().join(',');
      if (objects.some((o) => Object.keys(o as object).sort().join(',') !== signature)) throw new ApiError(400, 'PGRST102', 'All object keys must match');
    }
    for (const c of columns) {
      if (!info.columns.includes(c)) throw new ApiError(400, 'PGRST204', `Could not find the '${c}' column of '${table}' in the schema cache`);
    }
    const minimal = prefer.get('return') !== 'representation';
    if (objects.length === 0) return { status: 201, headers: { 'content-range': '*/*' }, body: minimal ? undefined : '[]' };
    const list = columns.map(quoteIdent).join(', ');
    const conflict = (search.get('on_conflict')?.split(',').map((c) => c.trim()) ?? info.primaryKey).map(quoteIdent).join(', ');
    const resolution = prefer.get('resolution');
    const updates = columns.filter((c) => !conflict.includes(quoteIdent(c))).map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
    const onConflict = resolution === 'merge-duplicates'
      ? ` on conflict (${conflict}) do ${updates.length ? `update set ${updates.join(', ')}` : 'nothing'}`
      : resolution === 'ignore-duplicates' ? ` on conflict (${conflict}) do nothing` : '';
    const sql = `insert into public.${quoteIdent(table)} (${list}) select ${list} from json_populate_recordset(null::public.${quoteIdent(table)}, $1)${onConflict}${minimal ? '' : ' returning *'}`;
    if (minimal) {
      await db.query(sql, [JSON.stringify(objects)]);
      return { status: 201, headers: { 'content-range': '*/*' }, body: undefined };
    }
    const rows = (await db.query(`with _ins as (${sql}) select coalesce(json_agg(_ins), '[]')::text as body from _ins`, [JSON.stringify(objects)])).rows[0] as { body: string };
    return { status: 201, headers: { 'content-range': '*/*' }, body: rows.body };
  }

  const handle_: PostgrestServer = {
    url: '',
    key,
    db,
    faults,
    get stats() { return stats; },
    maxRows: options.maxRows === undefined ? SUPABASE_MAX_ROWS : options.maxRows,
    compression: options.compression ?? 'all',
    encodings: options.encodings ?? ['gzip'],
    chunkedCompressed: false,
    reset() {
      // Sockets still open (or closing) stay counted: their close comes after the reset, and the
      // connection cap must see every socket there is, not go below zero and admit more.
      stats = { ...newStats(), socketsOpen: stats.socketsOpen, socketsPeak: stats.socketsOpen };
      Object.assign(faults, defaultFaults());
      handle_.compression = options.compression ?? 'all';
      handle_.encodings = options.encodings ?? ['gzip'];
      handle_.chunkedCompressed = false;
      for (const s of idle.keys()) s.destroy();
    },
    async refreshSchema() {
      schema = await readSchema(db);
      functions = await readFunctions(db);
    },
    async close() {
      for (const s of idle.keys()) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      if (!options.db || options.closeDb) await db.close();
    },
  };
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  (handle_ as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return handle_;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `Prefer: a=b, c=d` as a map. */
function parsePrefer(header: string | string[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of [header ?? ''].flat().join(',').split(',')) {
    const [k, v] = part.trim().split('=');
    if (k) map.set(k.trim(), (v ?? '').trim());
  }
  return map;
}

/** PostgREST's HTTP status for a Postgres SQLSTATE. */
export function statusOfSqlState(code: string): number {
  if (code === '23503' || code === '23505') return 409;
  if (code === '42P01' || code === '42883') return 404;
  if (code === '42501') return 403;
  if (code === 'P0001') return 400;
  if (code.startsWith('08') || code.startsWith('53')) return 503;
  if (code === '25006') return 405;
  if (code.startsWith('28') || code.startsWith('0L') || code.startsWith('0P')) return 403;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].some((p) => code.startsWith(p))) return 500;
  return 400;
}

function errorAnswer(err: unknown): { status: number; headers: Record<string, string>; body: string } {
  if (err instanceof ApiError) {
    return { status: err.status, headers: err.headers, body: JSON.stringify({ code: err.code, details: err.details, hint: err.hint, message: err.message }) };
  }
  const e = err as { code?: string; message?: string; detail?: string; hint?: string };
  const code = e.code ?? 'XX000';
  return { status: statusOfSqlState(code), headers: {}, body: JSON.stringify({ code, details: e.detail ?? null, hint: e.hint ?? null, message: e.message ?? String(err) }) };
}

function closest(name: string, names: string[]): string | null {
  const near = names.find((n) => n.startsWith(name.slice(0, 3)));
  return near ? `Perhaps you meant the table 'public.${near}'` : null;
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
