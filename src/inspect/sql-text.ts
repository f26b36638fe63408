/**
 * The text of SQL statements, for what DuckDB's C API does not give back (an extracted
 * statement's text): where statements end, and what an EXPLAIN explains.
 * 1. A scanner walks the text once, skipping what cannot end a statement: 'strings' (with ''
 *    inside, and E'…' with backslash escapes), "identifiers", $tag$dollar-quoted$tag$ text,
 *    -- line comments and nested block comments;
 * 2. a `;` outside all of them ends a statement; statements with nothing but blanks and comments
 *    are dropped, as DuckDB drops them;
 * 3. `explained` takes an EXPLAIN statement's text after `EXPLAIN`, `ANALYZE`/`ANALYSE` and one
 *    parenthesised option list (`EXPLAIN (FORMAT json) …`): the statement it would plan or run.
 * The caller checks the split against DuckDB's own count of statements, and asks DuckDB's parser
 * what the explained statement is: this module only finds text, it decides nothing.
 */

/** Where the scanner is: the end of the token that begins at `i` (one character for plain text). */
function skip(sql: string, i: number): number {
  const c = sql[i]!;
  const next = sql[i + 1];
  if (c === "'") return quoted(sql, i, "'", isEscapeString(sql, i));
  if (c === '"') return quoted(sql, i, '"', false);
  if (c === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '/' && next === '*') return blockComment(sql, i);
  if (c === '$') {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
    if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end < 0 ? sql.length : end + tag[0].length;
    }
  }
  return i + 1;
}

/** `E'…'` (or `e'…'`) standing as a token: backslash escapes inside. */
function isEscapeString(sql: string, i: number): boolean {
  return /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
}

function quoted(sql: string, i: number, q: string, backslash: boolean): number {
  let k = i + 1;
  while (k < sql.length) {
    const c = sql[k]!;
    if (backslash && c === '\\') k += 2;
    else if (c === q && sql[k + 1] === q) k += 2;
    else if (c === q) return k + 1;
    else k++;
  }
  return sql.length;
}

function blockComment(sql: string, i: number): number {
  let depth = 0;
  let k = i;
  while (k < sql.length) {
    if (sql[k] === '/' && sql[k + 1] === '*') {
      depth++;
      k += 2;
    } else if (sql[k] === '*' && sql[k + 1] === '/') {
      depth--;
      k += 2;
      if (depth === 0) return k;
    } else k++;
  }
  return sql.length;
}

/** The text without comments and blanks at its ends (a statement's own words). */
function core(text: string): string {
  let start = 0;
  for (;;) {
    while (start < text.length && /\s/.test(text[start]!)) start++;
    if (text.startsWith('--', start) || text.startsWith('/*', start)) start = skip(text, start);
    else break;
  }
  return text.slice(start).trimEnd();
}

/** The statements of a text, each without its `;`; empty ones (blanks, comments) dropped. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    if (sql[i] === ';') {
      out.push(sql.slice(start, i));
      start = i + 1;
      i++;
    } else i = skip(sql, i);
  }
  out.push(sql.slice(start));
  return out.map(core).filter((s) => s.length > 0 && !/^;*$/.test(s));
}

/**
 * The statement an EXPLAIN statement explains: its text after `EXPLAIN`, `ANALYZE` (or `ANALYSE`)
 * and an option list in parentheses; undefined when the text does not begin with EXPLAIN.
 * @example explained('EXPLAIN ANALYZE CREATE VIEW v AS SELECT 1') // 'CREATE VIEW v AS SELECT 1'
 */
export function explained(statement: string): string | undefined {
  let rest = core(statement);
  const word = (w: string) => {
    const m = new RegExp(`^${w}\\b`, 'i').exec(rest);
    if (!m) return false;
    rest = core(rest.slice(m[0].length));
    return true;
  };
  if (!word('EXPLAIN')) return undefined;
  if (!word('ANALYZE')) word('ANALYSE');
  if (rest.startsWith('(')) {
    // An option list — unless the parentheses hold the whole statement: `EXPLAIN (SELECT 1)`.
    let depth = 0;
    let k = 0;
    while (k < rest.length) {
      if (rest[k] === '(') depth++;
      else if (rest[k] === ')' && --depth === 0) break;
      k = rest[k] === '(' || rest[k] === ')' ? k + 1 : skip(rest, k);
    }
    const after = core(rest.slice(k + 1));
    if (after.length) rest = after;
  }
  return rest;
}
