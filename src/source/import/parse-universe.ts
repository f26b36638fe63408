import { UsageError } from '../../errors.ts';
import { yearOf } from '../../util/dates.ts';
import { readCsvRecords } from './csv-records.ts';
import type { ImportedPrice, Rejection } from './parse-prices.ts';

/** A universe row: a symbol tradable in a season, with its peer group. */
export interface UniverseRow {
  season: number;
  symbol: string;
  peer_group: string;
  name: string | null;
}

/** Reads `season,symbol,peer_group[,name]` rows, refusing bad seasons, empty symbols and repeats. */
export async function parseUniverseFile(file: string): Promise<{ rows: UniverseRow[]; rejected: Rejection[] }> {
  const rows: UniverseRow[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let columns: { season: number; symbol: number; peer: number; name: number } | undefined;
  for await (const { line, cells } of readCsvRecords(file)) {
    if (!columns) {
      const names = cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
      const at = (...a: string[]) => names.findIndex((n) => a.includes(n));
      columns = { season: at('season', 'year'), symbol: at('symbol', 'ticker'), peer: at('peer_group', 'sector', 'group'), name: at('name') };
      if (columns.season < 0 || columns.symbol < 0 || columns.peer < 0) {
        throw new UsageError(`${file}: unrecognised universe header "${cells.join(',')}"; expected season,symbol,peer_group,name`, 'E_BAD_IMPORT');
      }
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

/** Without a universe file: every symbol is a member, in peer group `default`, of each calendar year with prices. */
export function deriveUniverse(prices: Iterable<Pick<ImportedPrice, 'symbol' | 'day'>>): UniverseRow[] {
  const pairs = new Set<string>();
  const rows: UniverseRow[] = [];
  for (const p of prices) {
    const season = yearOf(p.day);
    const key = `${season}|${p.symbol}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    rows.push({ season, symbol: p.symbol, peer_group: 'default', name: null });
  }
  return rows.sort((a, b) => a.season - b.season || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
