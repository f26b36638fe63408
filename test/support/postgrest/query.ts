/**
 * PostgREST's URL grammar, the subset we use, turned into SQL with parameters:
 * 1. `select=a,b` (or `*`): the columns, quoted;
 * 2. filters `col=op.value` (eq, neq, gt, gte, lt, lte, in, is, like; `not.` before any), and
 *    logic trees `or=(…)` / `and=(…)` with nested `and(…)` / `or(…)` and double-quoted values;
 * 3. `order=col.asc|desc[.nullsfirst|.nullslast],…`, `limit`, `offset`.
 * Malformed input throws `ApiError`s with PostgREST's codes (PGRST100 for a filter it cannot parse).
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: string | null;
  readonly hint: string | null;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, details: string | null = null, hint: string | null = null, headers: Record<string, string> = {}) {
    super(message);
    this.headers = headers;
    this.status = status;
    this.code = code;
    this.details = details;
    this.hint = hint;
  }
}

const OPERATORS: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' };
export const RESERVED_PARAMS = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);

export interface SqlParts {
  where: string;
  order: string;
  params: string[];
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function parseSelect(select: string | null): string {
  if (select === null || select.trim() === '' || select.trim() === '*') return '*';
  return select.split(',').map((c) => {
    const name = c.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ApiError(400, 'PGRST100', `failed to parse select parameter (${select})`, `unexpected "${name}"`);
    return quoteIdent(name);
  }).join(', ');
}

/** Splits at top-level commas, honouring parentheses and double quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0, quoted = false, start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted) { i++; continue; }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

/** One filter `op.value` (possibly `not.op.value`) on a column. */
function condition(column: string, expr: string, params: string[], whole: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) throw new ApiError(400, 'PGRST100', `failed to parse filter (${whole})`, `unexpected column "${column}"`);
  let negate = false;
  let rest = expr;
  if (rest.startsWith('not.')) { negate = true; rest = rest.slice(4); }
  const dot = rest.indexOf('.');
  if (dot < 0) throw new ApiError(400, 'PGRST100', `failed to parse filter (${whole})`, 'unexpected end of input expecting operator');
  const op = rest.slice(0, dot);
  const value = rest.slice(dot + 1);
  const col = quoteIdent(column);
  let sql: string;
  if (op === 'in') {
    const m = /^\((.*)\)$/s.exec(value);
    if (!m) throw new ApiError(400, 'PGRST100', `failed to parse filter (${whole})`, 'expected a list in parentheses');
    const items = m[1]!.trim() === '' ? [] : splitTopLevel(m[1]!).map(unquote);
    if (items.length === 0) sql = 'false';
    else sql = `${col} in (${items.map((item) => { params.push(item); return `$${params.length}`; }).join(', ')})`;
  } else if (op === 'is') {
    const v = value.toLowerCase();
    if (!['null', 'true', 'false', 'unknown'].includes(v)) throw new ApiError(400, 'PGRST100', `failed to parse filter (${whole})`, `unexpected "${value}"`);
    sql = `${col} is ${v}`;
  } else if (OPERATORS[op]) {
    params.push(unquote(value));
    sql = `${col} ${OPERATORS[op]} $${params.length}`;
  } else {
    throw new ApiError(400, 'PGRST100', `failed to parse filter (${whole})`, `unknown operator "${op}"`);
  }
  return negate ? `not (${sql})` : sql;
}

/** A logic tree `(a.eq.1,and(b.gt.2,c.lt.3))` joined with `joiner`. */
function logicTree(body: string, joiner: 'and' | 'or', params: string[], whole: string): string {
  const m = /^\((.*)\)$/s.exec(body.trim());
  if (!m) throw new ApiError(400, 'PGRST100', `failed to parse logic tree (${whole})`, 'expected "(" … ")"');
  const terms = splitTopLevel(m[1]!).map((term) => {
    const t = term.trim();
    const nested = /^(not\.)?(and|or)(\(.*\))$/s.exec(t);
    if (nested) {
      const sql = logicTree(nested[3]!, nested[2] as 'and' | 'or', params, whole);
      return nested[1] ? `not ${sql}` : sql;
    }
    const dot = t.indexOf('.');
    if (dot < 0) throw new ApiError(400, 'PGRST100', `failed to parse logic tree (${whole})`, `unexpected "${t}"`);
    return condition(t.slice(0, dot), t.slice(dot + 1), params, whole);
  });
  return `(${terms.join(` ${joiner} `)})`;
}

/** WHERE and ORDER BY of a request's query string. */
export function parseFilters(search: URLSearchParams): SqlParts {
  const params: string[] = [];
  const clauses: string[] = [];
  for (const [key, value] of search) {
    if (RESERVED_PARAMS.has(key)) continue;
    const whole = `${key}=${value}`;
    if (key === 'or' || key === 'and') clauses.push(logicTree(value, key, params, whole));
    else if (key === 'not.or' || key === 'not.and') clauses.push(`not ${logicTree(value, key.slice(4) as 'and' | 'or', params, whole)}`);
    else clauses.push(condition(key, value, params, whole));
  }
  const orderText = search.get('order');
  const order = orderText
    ? orderText.split(',').map((term) => {
      const [column, ...mods] = term.trim().split('.');
      if (!column || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) throw new ApiError(400, 'PGRST100', `failed to parse order (${orderText})`, `unexpected "${term}"`);
      const dir = mods.includes('desc') ? 'desc' : 'asc';
      const nulls = mods.includes('nullsfirst') ? ' nulls first' : mods.includes('nullslast') ? ' nulls last' : '';
      return `${quoteIdent(column)} ${dir}${nulls}`;
    }).join(', ')
    : '';
  return { where: clauses.length ? clauses.join(' and ') : 'true', order, params };
}

/** A non-negative integer query parameter, or undefined. */
export function intParam(search: URLSearchParams, name: string): number | undefined {
  const text = search.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw new ApiError(400, 'PGRST100', `failed to parse ${name} parameter (${text})`);
  return Number(text);
}

/** `Range: a-b` or `a-` (items); undefined when absent. Throws PGRST103 when it is inverted. */
export function parseRange(header: string | undefined): { offset: number; limit: number | undefined } | undefined {
  if (!header) return undefined;
  const m = /^(?:items=)?\s*(\d+)-(\d*)\s*$/.exec(header);
  if (!m) return undefined; // PostgREST ignores a Range it cannot read
  const lower = Number(m[1]);
  const upper = m[2] === '' ? undefined : Number(m[2]);
  if (upper !== undefined && upper < lower) {
    throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', `The lower boundary must be lower than or equal to the upper boundary in the Range header.`);
  }
  return { offset: lower, limit: upper === undefined ? undefined : upper - lower + 1 };
}
