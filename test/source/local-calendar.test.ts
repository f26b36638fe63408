import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuck, sqlString } from '../../src/source/local/duckdb.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { tempDir } from '../support/cli.ts';

/**
 * The window's calendar is every day on which a member has a close. In a Parquet folder whose every
 * symbol is a member the days are counted without a join with the members (local-source.ts); these
 * folders have it so or not, and the same window must come out either way.
 */
const day = (s: string) => parseIsoDate(s)!;

/** A Parquet folder: prices as (symbol, date, close) and one season listing `members`. */
async function folder(prices: readonly [string, string, number | null][], members: readonly string[]): Promise<string> {
  const dir = tempDir();
  const duck = await openDuck();
  try {
    const rows = prices.map(([s, d, c]) => `(${sqlString(s)}, DATE '${d}', ${c ?? 'NULL'})`).join(', ');
    await duck.connection.run(`COPY (SELECT symbol, date, close AS open, close AS high, close AS low, close, 1000.0 AS volume FROM (VALUES ${rows}) t(symbol, date, close) ORDER BY symbol, date)
      TO ${sqlString(join(dir, 'prices.parquet'))} (FORMAT parquet)`);
    await duck.connection.run(`COPY (SELECT 2024 AS season, symbol, 'g' AS peer_group, symbol AS name FROM (VALUES ${members.map((m) => `(${sqlString(m)})`).join(', ')}) t(symbol))
      TO ${sqlString(join(dir, 'universe.parquet'))} (FORMAT parquet)`);
  } finally {
    duck.close();
  }
  return dir;
}

async function load(dir: string, warmupBars: number, start = '2024-01-04') {
  const source = new LocalSource(dir);
  try {
    return await source.loadWindow({ season: 2024, startDay: day(start), endDay: day('2024-01-09'), warmupBars });
  } finally {
    await source.close();
  }
}

const PRICES: [string, string, number | null][] = [
  ['A', '2024-01-01', 10], ['A', '2024-01-02', 11], ['A', '2024-01-04', 12], ['A', '2024-01-08', 13], ['A', '2024-01-10', 14],
  ['B', '2024-01-02', 20], ['B', '2024-01-05', null], ['B', '2024-01-08', 21], ['B', '2024-01-09', 22],
  // C trades on days no member does (the 3rd, the 5th), and inside the window
  ['C', '2024-01-03', 30], ['C', '2024-01-05', 31], ['C', '2024-01-08', 32],
];

describe('the local calendar, with and without symbols outside the universe', () => {
  it('leaves out days only a non-member traded, and days whose closes are all NULL, with the warm-up counted on members\' days', async () => {
    const { panel, info } = await load(await folder(PRICES, ['A', 'B']), 2);
    expect(panel.symbols).toEqual(['A', 'B']);
    // Members' days with a close, to the 9th: 1, 2, 4, 8, 9; two of them before the 4th.
    expect(panel.dates).toEqual(['2024-01-01', '2024-01-02', '2024-01-04', '2024-01-08', '2024-01-09']);
    expect(Array.from(panel.close)).toEqual([10, NaN, 11, 20, 12, NaN, 13, 21, NaN, 22]);
    expect(info.rows).toBe(7);
  });

  it('takes every day with a close when every symbol is a member', async () => {
    const { panel, info } = await load(await folder(PRICES, ['A', 'B', 'C']), 1);
    // Days with a close, to the 9th: 1, 2, 3, 4, 5 (C's), 8, 9; one before the 4th.
    expect(panel.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']);
    expect(Array.from(panel.close)).toEqual([NaN, NaN, 30, 12, NaN, NaN, NaN, NaN, 31, 13, 21, 32, NaN, 22, NaN]);
    expect(info.rows).toBe(7);
  });

  it('a warm-up longer than the data starts at the first day; none starts at start', async () => {
    expect((await load(await folder(PRICES, ['A', 'B', 'C']), 50)).panel.dates[0]).toBe('2024-01-01');
    expect((await load(await folder(PRICES, ['A', 'B']), 0, '2024-01-03')).panel.dates).toEqual(['2024-01-04', '2024-01-08', '2024-01-09']);
  });
});
