import { describe, expect, it } from 'vitest';
import { rowProblem } from '../../src/panel/check.ts';
import { isoDate } from '../../src/util/dates.ts';
import { panelFromSeries, SERIES_FIELDS, type Series } from '../../src/source/supabase/series.ts';
import { mulberry32 as random } from '../support/random.ts';


describe('the Supabase panel built from per-symbol series (tiles of 64 × 64)', () => {
  it('equals a cell-by-cell build written here, across tile edges, gaps, missing closes and fields, and symbols without rows', () => {
    const rnd = random(17);
    const from = 19_000, to = 19_000 + 290; // 291 calendar days: bars cross several tiles of 64
    const n = 150; // columns cross tiles of 64 too
    const members = Array.from({ length: n }, (_, k) => ({ symbol: `S${String(k).padStart(3, '0')}`, peer_group: `g${k % 3}`, name: `n${k}` }));
    const series = new Map<string, Series>();
    for (const [k, m] of members.entries()) {
      if (k % 37 === 5) continue; // no rows at all
      const days: number[] = [];
      const first = from - 5 + Math.floor(rnd() * (k % 4 === 0 ? 200 : 10)); // some start before the window, some late
      const last = to + 5 - Math.floor(rnd() * (k % 5 === 0 ? 150 : 10));
      for (let d = first; d <= last; d++) if (rnd() < 0.7) days.push(d);
      const value = (p: number, missing: number) => (rnd() < missing ? NaN : p);
      const close = days.map(() => value(10 + rnd() * 5, 0.05));
      series.set(m.symbol, {
        days: Int32Array.from(days), close: Float64Array.from(close),
        open: Float64Array.from(close, (c) => value(c * 0.99, 0.1)), high: Float64Array.from(close, (c) => value(c * 1.02, 0.1)),
        low: Float64Array.from(close, (c) => value(c * 0.98, 0.1)), volume: Float64Array.from(close, () => value(Math.floor(rnd() * 1e6), 0.1)),
      });
    }
    const empty: Series = { days: new Int32Array(0), open: new Float64Array(0), high: new Float64Array(0), low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0) };
    const { panel, rows } = panelFromSeries([...members].reverse(), (s) => series.get(s) ?? empty, from, to);

    // The same panel, one cell at a time.
    const cells = new Map<string, Map<number, number>>(); // symbol → day → row index (rows with a close, in the window)
    const calendar = new Set<number>();
    for (const m of members) {
      const s = series.get(m.symbol) ?? empty;
      const mine = new Map<number, number>();
      s.days.forEach((d, i) => {
        if (d >= from && d <= to && !Number.isNaN(s.close[i]!)) {
          mine.set(d, i);
          calendar.add(d);
        }
      });
      cells.set(m.symbol, mine);
    }
    const bars = [...calendar].sort((a, b) => a - b);
    expect(panel.symbols).toEqual(members.map((m) => m.symbol));
    expect(panel.dates).toEqual(bars.map(isoDate));
    expect(rows).toBe([...cells.values()].reduce((k, m) => k + m.size, 0));
    for (const [col, m] of members.entries()) {
      const s = series.get(m.symbol) ?? empty;
      const mine = cells.get(m.symbol)!;
      const held = bars.map((d, t) => (mine.has(d) ? t : -1)).filter((t) => t >= 0);
      expect([panel.firstBar[col], panel.lastBar[col]], m.symbol).toEqual(held.length ? [held[0], held[held.length - 1]] : [-1, -1]);
      for (const [t, d] of bars.entries()) {
        const i = mine.get(d);
        for (const f of SERIES_FIELDS) {
          const want = i === undefined ? NaN : s[f][i]!;
          const got = panel[f][t * n + col]!;
          if (!Object.is(got, want)) expect({ symbol: m.symbol, date: isoDate(d), field: f, got }).toEqual({ symbol: m.symbol, date: isoDate(d), field: f, got: want });
        }
      }
    }
  });

  it('its numeric test of a row accepts exactly the rows rowProblem accepts', () => {
    const values = [NaN, 0, -0, -1, 2, 1.5, Infinity, -Infinity, 5e-324];
    const combos: number[][] = [];
    const walk = (prefix: number[]) => {
      if (prefix.length === 5) return combos.push(prefix);
      for (const v of values) walk([...prefix, v]);
    };
    walk([]);
    const day = 20_000;
    const members = combos.map((_, k) => ({ symbol: `R${String(k).padStart(5, '0')}`, peer_group: 'g' }));
    const of = (symbol: string): Series => {
      const [o, h, l, c, v] = combos[Number(symbol.slice(1))]!;
      return { days: Int32Array.of(day), open: Float64Array.of(o!), high: Float64Array.of(h!), low: Float64Array.of(l!), close: Float64Array.of(c!), volume: Float64Array.of(v!) };
    };
    const given = (x: number) => (Number.isNaN(x) ? null : x);
    const bad = combos.map(([o, h, l, c, v], k) => ({ k, problem: Number.isNaN(c!) ? undefined : rowProblem({ open: given(o!), high: given(h!), low: given(l!), close: c, volume: given(v!) }) }))
      .filter((r) => r.problem !== undefined);
    expect(bad.length).toBeGreaterThan(0);
    expect(() => panelFromSeries(members, of, day, day)).toThrow(`prices: ${members[bad[0]!.k]!.symbol} on ${isoDate(day)}: ${bad[0]!.problem} (and ${bad.length - 1} more such rows in the window)`);
    // Without the bad rows, nothing is refused.
    const good = new Set(bad.map((r) => r.k));
    expect(() => panelFromSeries(members.filter((_, k) => !good.has(k)), of, day, day)).not.toThrow();
  });
});
