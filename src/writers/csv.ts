import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { hasSecrets, scrubSecrets } from '../util/redact.ts';
import { writeError } from './write-file.ts';

export type Cell = string | number | boolean | null | undefined;

/**
 * One CSV field (RFC 4180): numbers in full precision (JavaScript's shortest round-trip form),
 * missing values and non-finite numbers empty, text quoted only when it holds a comma, a quote or
 * a line break.
 *
 * Text is data from outside (symbols, peer groups, names, string parameters), so a text cell a
 * spreadsheet would run as a formula is written as text (OWASP, "CSV Injection": no cell may begin
 * with `=`, `+`, `-`, `@`, tab, carriage return or line feed; such a cell is prefixed with a single
 * quote and wrapped in double quotes): `=HYPERLINK(…)` is written `"'=HYPERLINK(…)"`. Numbers are
 * never touched (a number cell is a JavaScript number, and text that is a plain number such as
 * `-0.5` is left as it is: a spreadsheet reads it as the number it is). So that `csvText` can undo
 * the prefix exactly, text that already begins with quotes before such a character (`'=x`) gets one
 * more. Text holding 12 characters or more of a registered secret has them removed (util/redact.ts).
 *
 * Hand-written rather than csv-stringify: result tables run to millions of rows, and on them
 * csv-stringify costs ~9 µs a row against ~1.4 µs here (measured side by side on 100,000 trade
 * rows). csv-parse still reads every CSV we import.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // The common cell — short, beginning with a letter or digit — takes two comparisons more than
  // before; the rest goes to textField, kept apart so this stays small enough to inline.
  const c = value.charCodeAt(0);
  if (value.length >= 12 || (c < 65 && RISKY_FIRST[c] === 1)) return textField(value);
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A text cell that may hold a secret (12 characters or more) or begin like a formula. */
function textField(value: string): string {
  const text = hasSecrets() ? scrubSecrets(value) : value;
  if (isFormulaLike(text)) return `"'${text.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const EQUALS = 61;
const PLUS = 43;
const MINUS = 45;
const AT = 64;
const TAB = 9;
const CR = 13;
const LF = 10;
const QUOTE = 39;

/** First characters that may make a cell formula-like (a quote may come before one). */
const RISKY_FIRST = new Uint8Array(65);
for (const c of [EQUALS, PLUS, MINUS, AT, TAB, CR, LF, QUOTE]) RISKY_FIRST[c] = 1;

/** Text a plain number reads as: `-12`, `+0.5`, `-1e-7`. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True when a text cell must be written as text: it begins (after any single quotes) with `=`, `+`, `-`, `@`, tab, CR or LF, and is not a plain number. */
export function isFormulaLike(text: string): boolean {
  let k = 0;
  let c = text.charCodeAt(0);
  if (c === QUOTE) {
    while (c === QUOTE) c = text.charCodeAt(++k);
  } else if (c !== EQUALS && c !== PLUS && c !== MINUS && c !== AT && c !== TAB && c !== CR && c !== LF) {
    return false; // the common case: one comparison chain per text cell
  }
  if (c !== EQUALS && c !== PLUS && c !== MINUS && c !== AT && c !== TAB && c !== CR && c !== LF) return false;
  return !(k === 0 && (c === PLUS || c === MINUS) && PLAIN_NUMBER.test(text));
}

/**
 * A text cell of our CSVs as it was before `csvField` protected it: one leading single quote is
 * dropped when quotes and then a formula character begin the cell (the upload reads the CSVs back
 * with this, so Supabase holds the original text).
 * @example csvText("'=HYPERLINK(1)") // '=HYPERLINK(1)'
 */
export function csvText(cell: string): string {
  return cell.charCodeAt(0) === QUOTE && isFormulaLike(cell) ? cell.slice(1) : cell;
}

/** One CSV line, with its newline. */
export function csvLine(row: readonly Cell[]): string {
  let line = '';
  for (let k = 0; k < row.length; k++) line += (k ? ',' : '') + csvField(row[k]);
  return `${line}\n`;
}

/**
 * Writes a CSV file with a header, streaming the rows in chunks of about 1 MB; returns the row
 * count. A failed write (a full disk) removes what was written and says which file it was.
 * `written`, when given, hears the rows written so far after each chunk (progress on a terminal).
 */
export function writeCsvFile(path: string, header: readonly string[], rows: Iterable<readonly Cell[]>, written?: (rows: number) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw writeError(path, err);
  }
  let count = 0;
  let done = false;
  try {
    let chunk = csvLine(header);
    for (const row of rows) {
      chunk += csvLine(row);
      count++;
      if (chunk.length > 1 << 20) {
        writeAll(fd, path, chunk);
        chunk = '';
        written?.(count);
      }
    }
    writeAll(fd, path, chunk);
    written?.(count);
    done = true;
  } finally {
    closeSync(fd);
    if (!done) rmSync(path, { force: true });
  }
  return count;
}

function writeAll(fd: number, path: string, text: string): void {
  try {
    writeSync(fd, text);
  } catch (err) {
    throw writeError(path, err);
  }
}
