import { BacktestError, UsageError } from '../errors.ts';

/**
 * Errors of the Supabase client, each with a stable `code`. None of them ever holds the
 * service key: messages are built from the host, the table and the server's own words.
 */

/** The server answered with an error status; PostgREST's JSON body becomes the fields. */
export class SupabaseHttpError extends BacktestError {
  readonly status: number;
  /** PostgREST or Postgres error code (PGRST205, 23505, 57014, …), or '' for a non-JSON body. */
  readonly pgCode: string;
  readonly details: string | null;
  readonly hint: string | null;
  constructor(init: { status: number; pgCode: string; message: string; details?: string | null; hint?: string | null; what: string }) {
    const parts = [`${init.what}: HTTP ${init.status}${init.pgCode ? ` ${init.pgCode}` : ''}: ${init.message}`];
    if (init.details) parts.push(init.details);
    if (init.hint) parts.push(`hint: ${init.hint}`);
    super('E_SUPABASE_HTTP', parts.join('; '));
    this.status = init.status;
    this.pgCode = init.pgCode;
    this.details = init.details ?? null;
    this.hint = init.hint ?? null;
  }
}

/**
 * Whether an RPC failed because its function does not exist: PostgREST's 404 PGRST202 (not in its
 * schema cache), or Postgres' 42883 (undefined function) from inside a function that calls it —
 * a migration not applied.
 */
export function isMissingFunction(err: unknown): err is SupabaseHttpError {
  return err instanceof SupabaseHttpError && (err.pgCode === 'PGRST202' || err.pgCode === '42883');
}

/** The request never got a complete answer (reset, refused, timed out) after its retries. */
export class SupabaseNetworkError extends BacktestError {
  readonly reason: string;
  constructor(what: string, reason: string, attempts: number, options?: ErrorOptions) {
    super('E_SUPABASE_NETWORK', `${what}: no answer after ${attempts} attempt(s): ${reason}`, options);
    this.reason = reason;
  }
}

/** The circuit breaker is open: the server kept failing, so the run stops instead of hammering it. */
export class SupabaseUnavailableError extends BacktestError {
  constructor(message: string) {
    super('E_SUPABASE_UNAVAILABLE', message);
  }
}

/** A request made after the client was closed (or cut short waiting to retry when it was destroyed). */
export class SupabaseClosedError extends BacktestError {
  constructor(what: string) {
    super('E_SUPABASE_CLOSED', `${what}: not sent: the Supabase client is closed`);
  }
}

/**
 * An error body as one short line of text: a page of markup (a proxy's or a CDN's HTML error
 * page) is reduced to its text (head, scripts, styles and tags dropped; the title when the
 * body has no text), whitespace is collapsed, and the line is cut at `max` characters.
 *
 * @example plainLine('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>') // '502 Bad Gateway nginx'
 */
export function plainLine(text: string, max = 200): string {
  let line = text;
  if (/^\s*</.test(text)) {
    const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(text)?.[1] ?? '';
    const strip = (html: string) => html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(head|script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!);
    line = strip(text).trim() || strip(title);
  }
  line = line.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Missing or malformed configuration (SUPABASE_URL, the key, table names): the user's to fix, exit 2. */
export class SupabaseConfigError extends UsageError {
  constructor(message: string, code = 'E_SUPABASE_CONFIG') {
    super(message, code);
  }
}
