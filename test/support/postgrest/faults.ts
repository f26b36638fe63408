import type { IncomingMessage } from 'node:http';
import { mulberry32 } from '../random.ts';

/**
 * The ways real Supabase/PostgREST deployments fail, as knobs a test sets on the server.
 * Kinds of one-request faults:
 * - `503` PGRST001 with `Retry-After` (database client error), `504` PGRST003 (pool timeout),
 *   `429` (rate limit, `Retry-After`), `502` (gateway), `408`, `520`/`522` (Cloudflare, HTML);
 * - `40001` (500, serialization failure), `57014` (500, statement timeout: not transient);
 * - `reset-before`: the socket is destroyed before any byte of the answer;
 * - `reset-mid`: headers and half the body are sent, then the socket is destroyed;
 * - `cut-body`: a whole answer whose body is only the first half of what it should be, with a
 *   Content-Length that matches the cut (a proxy that lost the end): only the body's own
 *   lengths can tell. Not among the transient faults: a JSON reader sees an invalid body.
 */
export type FaultKind = '503' | '504' | '429' | '502' | '408' | '520' | '522' | '40001' | '57014' | 'reset-before' | 'reset-mid' | 'cut-body';

export const TRANSIENT_FAULTS: readonly FaultKind[] = ['503', '504', '429', '502', '408', '520', '522', '40001', 'reset-before', 'reset-mid'];

export interface Faults {
  /** Added before every answer. */
  latencyMs: number;
  /** Probability of a random fault per request, drawn from `kinds`. */
  rate: number;
  kinds: readonly FaultKind[];
  /** Faults for the next requests, in order, before any random one. */
  next: FaultKind[];
  /** Only requests for which this is true get faults (default: every REST request). */
  applies: (req: IncomingMessage) => boolean;
  /** `Retry-After` sent with 503 and 429 (seconds, as text). */
  retryAfter: string;
  /** Idle keep-alive sockets are closed after this long (the `Keep-Alive` hint still says 65 s). */
  idleCloseMs: number | undefined;
  /** A reused socket idle at least this long is closed just as the next request arrives (the stale-socket race). */
  closeOnArrivalAfterIdleMs: number | undefined;
  /** Sockets accepted at once; beyond, a new socket is closed at once (as Node's maxConnections does). */
  maxConnections: number | undefined;
  /** A GET of prices asking for more rows than this fails with 500 57014 (statement timeout). */
  statementTimeoutRows: number | undefined;
  /** A function call (`/rpc/`) that ran longer than this fails with 500 57014 (statement timeout). */
  statementTimeoutMs: number | undefined;
  /** A function call given more than this many `symbols` fails with 500 57014 (a timeout, deterministic). */
  statementTimeoutSymbols: number | undefined;
  /** Seeded random numbers in [0, 1). */
  random: () => number;
}

/** Mulberry32 (test/support/random.ts): a small seeded generator, so a faulty run can be replayed. */
export const seeded = mulberry32;

export function defaultFaults(): Faults {
  return {
    latencyMs: 0,
    rate: 0,
    kinds: TRANSIENT_FAULTS,
    next: [],
    applies: () => true,
    retryAfter: '0',
    idleCloseMs: undefined,
    closeOnArrivalAfterIdleMs: undefined,
    maxConnections: undefined,
    statementTimeoutRows: undefined,
    statementTimeoutMs: undefined,
    statementTimeoutSymbols: undefined,
    random: seeded(1),
  };
}

/** The answer of a fault that is an HTTP status: status, headers, body. */
export function faultAnswer(kind: FaultKind, retryAfter: string): { status: number; headers: Record<string, string>; body: string } | undefined {
  const json = (status: number, body: object, extra: Record<string, string> = {}) => ({
    status, headers: { 'content-type': 'application/json; charset=utf-8', ...extra }, body: JSON.stringify(body),
  });
  const html = (status: number, title: string) => ({
    status,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>Cloudflare Ray ID: 8f0e1d2c3b4a5968</p></body></html>\n`,
  });
  switch (kind) {
    case '503': return json(503, { code: 'PGRST001', details: 'connection to server failed', hint: null, message: 'Database client error. Retrying the connection.' }, { 'retry-after': retryAfter });
    case '504': return json(504, { code: 'PGRST003', details: null, hint: null, message: 'Timed out acquiring connection from connection pool.' });
    case '429': return json(429, { message: 'Too many requests' }, { 'retry-after': retryAfter });
    case '502': return json(502, { message: 'An invalid response was received from the upstream server' });
    case '408': return json(408, { message: 'Request Timeout' });
    case '520': return html(520, '520: Web server is returning an unknown error');
    case '522': return html(522, '522: Connection timed out');
    case '40001': return json(500, { code: '40001', details: null, hint: null, message: 'could not serialize access due to concurrent update' });
    case '57014': return json(500, { code: '57014', details: null, hint: null, message: 'canceling statement due to statement timeout' });
    default: return undefined;
  }
}
