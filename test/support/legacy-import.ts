/**
 * Today's import before it moved into DuckDB (commit 9fca480, src/source/import/{csv-records,
 * parse-prices,parse-universe}.ts), kept as an independent oracle: csv-parse reads each record
 * into JavaScript, and every rule is checked row by row. The equivalence tests run it beside the
 * new import on the same files and compare the data (content fingerprint) and the rejected rows
 * (file, line, reason).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { detectFormat } from '../../src/source/import/price-formats.ts';
import { parseIsoDate, yearOf } from '../../src/util/dates.ts';

export interface LegacyPrice { symbol: string; day: number; open: number | null; high: number | null; low: number | null; close: number; volume: number | null }
export interface LegacyUniverseRow { season: number; symbol: string; peer_group: string; name: string | null }
export interface LegacyRejection { readonly file: string; readonly line: number; readonly reason: string }

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function* legacyCsvRecords(file: string): AsyncGenerator<{ line: number; cells: string[] }> {
  const raw = createReadStream(file);
  const input = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { line: info.lines, cells: record };
  }
}

const MISSING = new Set(['', 'null', 'nan', 'na', 'n/a', '-']);

export async function legacyParsePrices(files: readonly string[], options: { symbol?: string; adjust?: boolean } = {}): Promise<{ rows: LegacyPrice[]; rejected: LegacyRejection[] }> {
  const rows: LegacyPrice[] = [];
  const rejected: LegacyRejection[] = [];
  const seen = new Map<string, string>();
  const adjust = options.adjust ?? true;
  for (const file of files) {
    let format: ReturnType<typeof detectFormat> | undefined;
    for await (const { line, cells } of legacyCsvRecords(file)) {
      if (!format) {
        format = detectFormat(file, cells, options.symbol);
        continue;
      }
      const reject = (reason: string) => rejected.push({ file, line, reason });
      const symbol = typeof format.symbol === 'number' ? (cells[format.symbol] ?? '').trim() : format.symbol;
      if (!symbol) { reject('symbol missing'); continue; }
      const dateText = cells[format.date] ?? '';
      const day = parseIsoDate(dateText);
      if (day === null) {
        reject(/^\d{4}-\d{2}-\d{2}[ T]\d/.test(dateText)
          ? `date "${dateText}" has a time of day: only daily bars are supported`
          : `date "${dateText}" is not a real YYYY-MM-DD date`);
        continue;
      }
      const values: Record<string, number | null> = {};
      let problem: string | undefined;
      for (const field of ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const) {
        const column = format[field];
        const text = column >= 0 ? (cells[column] ?? '') : '';
        if (MISSING.has(text.toLowerCase())) { values[field] = null; continue; }
        const v = Number(text);
        if (!Number.isFinite(v)) { problem = `${field === 'adjClose' ? 'adj close' : field} "${text}" is not a number`; break; }
        values[field] = v;
      }
      if (problem) { reject(problem); continue; }
      let { open, high, low, close } = values;
      if (close === null || close === undefined) { reject('close is missing'); continue; }
      if (close <= 0) { reject(`close ${close} is not positive`); continue; }
      if (adjust && format.adjClose >= 0) {
        const adj = values.adjClose;
        if (adj === null || adj === undefined || adj <= 0) { reject('adj close is missing or not positive'); continue; }
        const factor = adj / close;
        open = open === null ? null : open! * factor;
        high = high === null ? null : high! * factor;
        low = low === null ? null : low! * factor;
        close = adj;
      }
      const key = `${symbol}|${day}`;
      const first = seen.get(key);
      if (first) { reject(`duplicate of ${symbol} ${dateText} at ${first}`); continue; }
      seen.set(key, `${file}:${line}`);
      rows.push({ symbol, day, open: open ?? null, high: high ?? null, low: low ?? null, close, volume: values.volume ?? null });
    }
    if (!format) rejected.push({ file, line: 1, reason: 'the file is empty' });
  }
  return { rows, rejected };
}

export async function legacyParseUniverse(file: string): Promise<{ rows: LegacyUniverseRow[]; rejected: LegacyRejection[] }> {
  const rows: LegacyUniverseRow[] = [];
  const rejected: LegacyRejection[] = [];
  const seen = new Set<string>();
  let columns: { season: number; symbol: number; peer: number; name: number } | undefined;
  for await (const { line, cells } of legacyCsvRecords(file)) {
    if (!columns) {
      const names = cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
      const at = (...a: string[]) => names.findIndex((n) => a.includes(n));
      columns = { season: at('season', 'year'), symbol: at('symbol', 'ticker'), peer: at('peer_group', 'sector', 'group'), name: at('name') };
      if (columns.season < 0 || columns.symbol < 0 || columns.peer < 0) throw new Error(`${file}: unrecognised universe header`);
      continue;
    }
    const reject = (reason: string) => rejected.push({ file, line, reason });
    const seasonText = cells[columns.season] ?? '';
    const season = Number(seasonText);
    const symbol = (cells[columns.symbol] ?? '').trim();
    const peer = (cells[columns.peer] ?? '').trim();
    if (!/^\d{4}$/.test(seasonText) || !Number.isInteger(season)) { reject(`season "${seasonText}" is not a year`); continue; }
    if (!symbol) { reject('symbol missing'); continue; }
    if (!peer) { reject('peer_group missing'); continue; }
    const key = `${season}|${symbol}`;
    if (seen.has(key)) { reject(`duplicate of season ${season} symbol ${symbol}`); continue; }
    seen.add(key);
    rows.push({ season, symbol, peer_group: peer, name: columns.name >= 0 ? (cells[columns.name] ?? '').trim() || null : null });
  }
  return { rows, rejected };
}

export function legacyDeriveUniverse(prices: Iterable<Pick<LegacyPrice, 'symbol' | 'day'>>): LegacyUniverseRow[] {
  const pairs = new Set<string>();
  const rows: LegacyUniverseRow[] = [];
  for (const p of prices) {
    const season = yearOf(p.day);
    const key = `${season}|${p.symbol}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    rows.push({ season, symbol: p.symbol, peer_group: 'default', name: null });
  }
  return rows.sort((a, b) => a.season - b.season || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** Today's import of `files` (and a universe file) without writing: the rows it kept, in key order, and what it refused. */
export async function legacyImport(files: readonly string[], options: { universe?: string; symbol?: string; adjust?: boolean } = {}) {
  const { rows, rejected } = await legacyParsePrices(files, options);
  let universe: LegacyUniverseRow[];
  if (options.universe) {
    const parsed = await legacyParseUniverse(options.universe);
    rejected.push(...parsed.rejected);
    universe = parsed.rows.sort((a, b) => a.season - b.season || (a.symbol < b.symbol ? -1 : 1));
  } else {
    universe = legacyDeriveUniverse(rows);
  }
  rows.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.day - b.day));
  return { prices: rows, universe, rejected };
}
