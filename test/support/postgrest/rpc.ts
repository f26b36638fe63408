import type { Database } from './database.ts';
import { ApiError, quoteIdent, RESERVED_PARAMS } from './query.ts';

/**
 * PostgREST's `/rpc/<function>`, the subset we use, with its behaviour:
 * 1. arguments by name: a JSON object in a POST body, or query parameters of a GET; the function
 *    is the one of that name whose arguments match them (all required ones given, none unknown),
 *    else 404 PGRST202 with PostgREST's message (arguments in alphabetical order);
 * 2. each argument goes to Postgres as text cast to its declared type (a JSON array becomes an
 *    array literal), so Postgres parses it as PostgREST's own query would;
 * 3. the answer: a scalar as its JSON (`to_json`), a set as a JSON array of rows (at most
 *    `maxRows`), and a `bytea` scalar as raw bytes with `Accept: application/octet-stream`
 *    (any other function asked for that media type: 406 PGRST107);
 * 4. a statement timeout, when given, goes to the database with the call (real Postgres cancels
 *    the call at that time, SQLSTATE 57014; PGlite cannot, and the server judges it after).
 */
export interface FunctionInfo {
  readonly name: string;
  readonly args: readonly { name: string; type: string }[];
  /** Arguments that have defaults (the last ones). */
  readonly defaults: number;
  readonly returns: string;
  readonly set: boolean;
}

export interface RpcAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

/** The functions of `public`, as PostgREST's schema cache knows them (overloads included). */
export async function readFunctions(db: Database): Promise<FunctionInfo[]> {
  const { rows } = await db.query<{ name: string; names: string[] | null; types: string[]; defaults: number; returns: string; set: boolean }>(
    `select p.proname as name, p.proargnames as names,
        array(select format_type(t, null) from unnest(p.proargtypes) as t) as types,
        p.pronargdefaults as defaults, format_type(p.prorettype, null) as returns, p.proretset as set
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype`,
  );
  return rows.map((r) => ({
    name: r.name,
    args: r.types.map((type, k) => ({ name: r.names?.[k] ?? '', type })),
    defaults: r.defaults,
    returns: r.returns,
    set: r.set,
  }));
}

/** Arguments of a request: the JSON body of a POST, or the query parameters of a GET. */
export function rpcArguments(method: string, search: URLSearchParams, body: string): Record<string, unknown> {
  if (method === 'GET' || method === 'HEAD') {
    return Object.fromEntries([...search].filter(([k]) => !RESERVED_PARAMS.has(k)));
  }
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
  return parsed as Record<string, unknown>;
}

export async function callFunction(
  db: Database, functions: readonly FunctionInfo[], name: string, args: Record<string, unknown>, accept: string, maxRows: number | null,
  statementTimeoutMs?: number,
): Promise<RpcAnswer> {
  const given = Object.keys(args).sort();
  const fn = functions.find((f) => f.name === name && given.every((k) => f.args.some((a) => a.name === k))
    && f.args.slice(0, f.args.length - f.defaults).every((a) => given.includes(a.name)));
  if (!fn) {
    const near = functions.find((f) => f.name !== name && f.name.startsWith(name.slice(0, 8)));
    throw new ApiError(
      404, 'PGRST202', `Could not find the function public.${name}(${given.join(', ')}) in the schema cache`,
      `Searched for the function public.${name} with parameters ${given.join(', ')} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      near ? `Perhaps you meant to call the function public.${near.name}` : null,
    );
  }
  const params: (string | null)[] = [];
  const call = `public.${quoteIdent(fn.name)}(${given.map((k) => {
    params.push(sqlText(args[k]));
    return `${quoteIdent(k)} => $${params.length}::${fn.args.find((a) => a.name === k)!.type}`;
  }).join(', ')})`;
  const binary = /application\/octet-stream/i.test(accept);
  if (binary) {
    if (fn.returns !== 'bytea' || fn.set) throw new ApiError(406, 'PGRST107', 'None of these media types are available: application/octet-stream');
    const { rows } = await db.query<{ b: Buffer | null }>(`select ${call} as b`, params, { statementTimeoutMs });
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: rows[0]?.b ?? Buffer.alloc(0) };
  }
  const sql = fn.set
    ? `select coalesce(json_agg(_t), '[]')::text as body from (select * from ${call}${maxRows !== null ? ` limit ${maxRows}` : ''}) _t`
    : `select coalesce(to_json(${call})::text, 'null') as body`;
  const { rows } = await db.query<{ body: string }>(sql, params, { statementTimeoutMs });
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: rows[0]!.body };
}

/** An argument as the text Postgres parses for its type: arrays as array literals, objects as JSON. */
function sqlText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return `{${value.map((v) => {
      const text = sqlText(v);
      return text === null ? 'NULL' : `"${text.replace(/[\\"]/g, '\\$&')}"`;
    }).join(',')}}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
