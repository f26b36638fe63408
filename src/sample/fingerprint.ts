import { createHash } from 'node:crypto';

/** A price row as stored in a data folder (day = days since 1970-01-01). */
export interface StoredPrice {
  readonly symbol: string;
  readonly day: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  readonly volume: number | null;
}

/**
 * Content fingerprint of a price and universe store: sha256 over their rows in key order,
 * numbers in JavaScript's shortest round-trip form. Independent of the file format and of the
 * Parquet writer's version, so it says whether the data are the same, not the bytes.
 */
export function storeFingerprint(
  prices: Iterable<StoredPrice>,
  universe: Iterable<{ season: number; symbol: string; peer_group: string; name: string | null }>,
): string {
  const hash = createHash('sha256');
  const num = (v: number | null) => (v === null || Number.isNaN(v) ? '' : String(v));
  let buffer = '';
  for (const p of prices) {
    buffer += `${p.symbol},${p.day},${num(p.open)},${num(p.high)},${num(p.low)},${num(p.close)},${num(p.volume)}\n`;
    if (buffer.length > 1 << 16) { hash.update(buffer); buffer = ''; }
  }
  buffer += '--universe--\n';
  for (const u of universe) buffer += `${u.season},${u.symbol},${u.peer_group},${u.name ?? ''}\n`;
  hash.update(buffer);
  return `sha256:${hash.digest('hex')}`;
}
