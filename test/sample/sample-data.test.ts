import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { storeFingerprint, type StoredPrice } from '../../src/sample/fingerprint.ts';
import { generateSampleMarket, SAMPLE_SPEC, sampleRows } from '../../src/sample/generator.ts';
import { writeSampleStore } from '../../src/sample/store.ts';
import { openDuck, queryRows } from '../../src/source/local/duckdb.ts';
import { tempDir } from '../support/cli.ts';

/** The committed sample is exactly what the seeded generator makes (`npm run sample`). */
const PINNED = 'sha256:f6463c42350048ac7aa7f266cfb10a959e689c0aeaf70cd06ec2e6f5624d768b';

describe('the embedded sample market', () => {
  it('regenerates to the pinned fingerprint, and the committed files hold the same data', async () => {
    const market = generateSampleMarket(SAMPLE_SPEC);
    expect(storeFingerprint(sampleRows(market), market.universe)).toBe(PINNED);

    const duck = await openDuck();
    try {
      const prices = await queryRows(duck, `SELECT symbol, (date - DATE '1970-01-01')::INTEGER AS day, open, high, low, close, volume FROM read_parquet('${join(SAMPLE_DATA_DIR, 'prices.parquet')}') ORDER BY symbol, date`);
      const universe = await queryRows(duck, `SELECT season, symbol, peer_group, name FROM read_parquet('${join(SAMPLE_DATA_DIR, 'universe.parquet')}') ORDER BY season, symbol`);
      expect(storeFingerprint(prices as unknown as StoredPrice[], universe as never)).toBe(PINNED);
    } finally {
      duck.close();
    }
  });

  it('writes the same bytes twice, and leaves a file holding the same rows untouched (npm run sample keeps git clean)', async () => {
    const market = generateSampleMarket(SAMPLE_SPEC);
    const [a, b] = [tempDir(), tempDir()];
    expect((await writeSampleStore(a, market)).length).toBe(2);
    expect((await writeSampleStore(b, market)).length).toBe(2);
    for (const f of ['prices.parquet', 'universe.parquet']) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    // The committed files were written by another DuckDB version (its name is in the footer): same rows, other bytes, kept.
    const c = tempDir();
    for (const f of ['prices.parquet', 'universe.parquet']) copyFileSync(join(SAMPLE_DATA_DIR, f), join(c, f));
    const before = statSync(join(c, 'prices.parquet')).mtimeMs;
    expect(await writeSampleStore(c, market)).toEqual([]);
    expect(statSync(join(c, 'prices.parquet')).mtimeMs).toBe(before);
    expect(readFileSync(join(c, 'prices.parquet')).equals(readFileSync(join(SAMPLE_DATA_DIR, 'prices.parquet')))).toBe(true);
  });

  it('is shaped as promised: ~300 symbols in 10–12 peer groups, 2023-01-02 … 2026-06-30, four seasons with turnover, delistings', () => {
    const m = generateSampleMarket(SAMPLE_SPEC);
    expect(m.symbols).toHaveLength(300);
    expect(new Set(m.peerGroups).size).toBeGreaterThanOrEqual(10);
    expect(new Set(m.peerGroups).size).toBeLessThanOrEqual(12);
    const seasons = new Map<number, Set<string>>();
    for (const r of m.universe) (seasons.get(r.season) ?? seasons.set(r.season, new Set()).get(r.season)!).add(r.symbol);
    expect([...seasons.keys()]).toEqual([2023, 2024, 2025, 2026]);
    for (const y of [2024, 2025, 2026]) {
      const added = [...seasons.get(y)!].filter((s) => !seasons.get(y - 1)!.has(s));
      const removed = [...seasons.get(y - 1)!].filter((s) => !seasons.get(y)!.has(s));
      expect(added.length, `added in ${y}`).toBeGreaterThan(0);
      expect(removed.length, `removed in ${y}`).toBeGreaterThan(0);
    }
    const T = m.days.length, N = m.symbols.length;
    let endedEarly = 0;
    for (let i = 0; i < N; i++) if (Number.isNaN(m.close[(T - 1) * N + i]!)) endedEarly++;
    expect(endedEarly).toBeGreaterThanOrEqual(3);
  });

  it('behaves like equities: fat tails and volatility clustering', () => {
    const m = generateSampleMarket(SAMPLE_SPEC);
    const T = m.days.length, N = m.symbols.length;
    const r: number[] = [];
    for (let t = 1; t < T; t++) {
      // equal-weight market return of the day
      let s = 0, k = 0;
      for (let i = 0; i < N; i++) {
        const a = m.close[(t - 1) * N + i]!, b = m.close[t * N + i]!;
        if (a > 0 && b > 0) { s += b / a - 1; k++; }
      }
      r.push(s / k);
    }
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    const kurtosis = r.reduce((a, b) => a + ((b - mean) / sd) ** 4, 0) / r.length - 3;
    const abs = r.map((x) => Math.abs(x - mean));
    const am = abs.reduce((a, b) => a + b, 0) / abs.length;
    let num = 0, den = 0;
    for (let k = 1; k < abs.length; k++) num += (abs[k]! - am) * (abs[k - 1]! - am);
    for (const a of abs) den += (a - am) ** 2;
    expect(sd * Math.sqrt(252)).toBeGreaterThan(0.08);
    expect(sd * Math.sqrt(252)).toBeLessThan(0.4);
    expect(kurtosis).toBeGreaterThan(0.3); // fatter tails than a normal
    expect(num / den).toBeGreaterThan(0.05); // |returns| cluster
  });
});
