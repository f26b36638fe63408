import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, queryRows, type Duck } from '../../src/source/local/duckdb.ts';
import { BAD_ROW } from '../../src/source/local/local-source.ts';
import { firstBadRow, type CheckedColumn } from '../../src/source/local/row-check.ts';

/**
 * The reader's data checks in JavaScript give BAD_ROW's verdict (DuckDB evaluating the SQL) on every
 * combination of NULL, NaN, ±∞, 0 and signs in open, high, low, close (not NULL) and volume, with the
 * values laid out as DuckDB hands them to the reader: a Float64Array per column and its validity bits.
 */
describe('firstBadRow', () => {
  let duck: Duck;
  beforeAll(async () => { duck = await openDuck(); });
  afterAll(() => duck.close());

  const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

  /** Columns of `rows` (null: NULL) as the reader sees them; `allValid` columns without NULLs get no validity bits. */
  function columns(rows: readonly (readonly (number | null)[])[]): CheckedColumn[] {
    return FIELDS.map((_, f) => {
      const values = new Float64Array(rows.length);
      const valid = new Uint8Array(Math.ceil(rows.length / 64) * 8);
      let nulls = 0;
      rows.forEach((r, k) => {
        const v = r[f]!;
        if (v === null) { nulls++; values[k] = 12345; } // what lies under a NULL is not a value
        else { values[k] = v; valid[k >> 3]! |= 1 << (k & 7); }
      });
      return { values, valid: nulls ? valid : null };
    });
  }

  it('agrees with BAD_ROW on every combination, row by row', async () => {
    const values = ['NULL', '0', '-0.0', '-1', '1', '2', "'nan'::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE"].map((v) => `(${v}::DOUBLE)`).join(', ');
    const rows = await queryRows(duck, `WITH v(x) AS (VALUES ${values}),
        t AS (SELECT o.x AS open, h.x AS high, l.x AS low, c.x AS close, w.x AS volume FROM v o, v h, v l, v c, v w WHERE c.x IS NOT NULL)
      SELECT open, high, low, close, volume, ${BAD_ROW} AS bad FROM t`);
    expect(rows).toHaveLength(8 * 9 ** 4);
    const num = (v: unknown) => (v === null ? null : Number(v)); // DuckDB's NaN and ±∞ arrive as numbers
    let bad = 0;
    for (const r of rows) {
      const cols = columns([FIELDS.map((f) => num(r[f]))]);
      const verdict = firstBadRow(1, cols[0]!, cols[1]!, cols[2]!, cols[3]!, cols[4]!) === 0;
      if (verdict !== r.bad) expect({ row: r, verdict }).toEqual({ row: r, verdict: r.bad });
      if (verdict) bad++;
    }
    expect(bad).toBeGreaterThan(0);
    expect(bad).toBeLessThan(rows.length);
  });

  it('finds the first bad row of a batch, past a validity byte, and -1 in a clean one', () => {
    const good = [10, 11, 9, 10, 100];
    const rows: (number | null)[][] = Array.from({ length: 200 }, () => [...good]);
    rows[3]![0] = null; // a missing open is fine
    rows[70]![4] = null; // and a missing volume
    let cols = columns(rows);
    expect(firstBadRow(200, cols[0]!, cols[1]!, cols[2]!, cols[3]!, cols[4]!)).toBe(-1);
    rows[131]![2] = 12; // low above the high
    rows[150]![3] = -1;
    cols = columns(rows);
    expect(firstBadRow(200, cols[0]!, cols[1]!, cols[2]!, cols[3]!, cols[4]!)).toBe(131);
    expect(firstBadRow(131, cols[0]!, cols[1]!, cols[2]!, cols[3]!, cols[4]!)).toBe(-1); // only the first `count` rows
  });
});
