import { describe, expect, it } from 'vitest';
import { quintileSpread, signalDiagnostics, summarizeSignal } from '../../src/metrics/signal-diagnostics.ts';
import { argsort, averageRanks, mergeArgsort, spearman } from '../../src/metrics/spearman.ts';
import { businessDates, handPanel } from '../support/panel.ts';

describe('information coefficient and quantile spread', () => {
  it('ranks ties by their average', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(Array.from(averageRanks([1, 1, 1]))).toEqual([2, 2, 2]);
  });

  it('Spearman: ±1 for monotone pairs, by hand with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // x ranks 1, 2.5, 2.5, 4; y ranks 1, 2, 3, 4: cov 1.5/… → ρ = 4.5 / √(4.5 · 5) = 0.948683
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('quintile spread: top ⌊n/5⌋ minus bottom ⌊n/5⌋ forward returns', () => {
    const signal = [5, 4, 3, 2, 1, 0, -1, -2, -3, -4];
    const forward = [0.10, 0.08, 0, 0, 0, 0, 0, 0, -0.02, -0.06];
    expect(quintileSpread(signal, forward)).toBeCloseTo((0.10 + 0.08) / 2 - (-0.06 - 0.02) / 2, 12);
    expect(quintileSpread([1, 2, 3, 4], [1, 2, 3, 4])).toBeNull(); // ⌊4/5⌋ = 0
  });

  it('per decision day: IC against close(t+R)/close(t) − 1 only when t + R is inside the run; coverage always', () => {
    const panel = handPanel({
      dates: businessDates('2024-01-01', 4),
      symbols: ['A', 'B', 'C', 'D'],
      groups: ['g', 'g', 'g', 'h'],
      close: [[10, 10, 10, 10], [11, 10, 9, 10], [12, 10, 8, 12], [12, 10, 8, 12]],
    });
    const signal = Float64Array.from([3, 2, 1, NaN, /* bar 1 */ 1, 2, 3, 4, /* bar 2 */ 0, 0, 0, 0, /* bar 3 */ 0, 0, 0, 0]);
    const days = signalDiagnostics(panel, signal, 2, [0, 1, 2], 3);
    // bar 0: forward over 2 bars: A +20 %, B 0, C −20 %, D has no signal → IC over A, B, C = 1
    expect(days[0]).toMatchObject({ bar: 0, ic: 1, coverage: 0.75 });
    expect(days[0]!.groupIc).toEqual([1, null]); // g: 3 members; h: 1 → none
    // bar 1: forward to bar 3: A 12/11−1, B 0, C 8/9−1, D +20 %; signal 1, 2, 3, 4
    expect(days[1]!.ic).toBeCloseTo(spearman([1, 2, 3, 4], [12 / 11 - 1, 0, 8 / 9 - 1, 0.2])!, 12);
    // bar 2: bar 4 is past the end → no IC, coverage still counted
    expect(days[2]).toMatchObject({ bar: 2, ic: null, quintileSpread: null, coverage: 1 });
    const s = summarizeSignal(days);
    const ics = [1, days[1]!.ic!];
    const m = (ics[0]! + ics[1]!) / 2;
    const sd = Math.sqrt(((ics[0]! - m) ** 2 + (ics[1]! - m) ** 2) / 1);
    expect(s.ic_mean).toBeCloseTo(m, 12);
    expect(s.ic_sd).toBeCloseTo(sd, 12);
    expect(s.ic_ir).toBeCloseTo(m / sd, 12);
    expect(s.ic_t).toBeCloseTo((m / sd) * Math.SQRT2, 12);
    expect(s.coverage).toBeCloseTo((0.75 + 1 + 1) / 3, 12);
  });
});

describe('diagnostics against an obvious implementation', () => {
  /** Average ranks by sorting pairs: the textbook way. */
  const ranks = (xs: number[]) => {
    const sorted = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const out = new Array<number>(xs.length);
    for (let a = 0; a < sorted.length; ) {
      let b = a;
      while (b + 1 < sorted.length && sorted[b + 1]![0] === sorted[a]![0]) b++;
      for (let k = a; k <= b; k++) out[sorted[k]![1]] = (a + b) / 2 + 1;
      a = b + 1;
    }
    return out;
  };
  const corr = (x: number[], y: number[]) => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
    let sxy = 0, sxx = 0, syy = 0;
    x.forEach((v, k) => { sxy += (v - mx) * (y[k]! - my); sxx += (v - mx) ** 2; syy += (y[k]! - my) ** 2; });
    return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
  };

  it('IC, per-group IC and quintile spread agree on random panels with many ties', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 40; trial++) {
      const n = 6 + Math.floor(rnd() * 60);
      const groups = ['a', 'b', 'c', 'd'];
      const symbols = Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`);
      const close = [0, 1, 2].map(() => symbols.map(() => (rnd() < 0.08 ? null : 10 + Math.round(rnd() * 6))));
      const panel = handPanel({ dates: businessDates('2024-01-01', 3), symbols, groups: symbols.map((_, i) => groups[i % 4]!), close });
      const signal = Float64Array.from({ length: 3 * n }, () => (rnd() < 0.1 ? NaN : Math.round(rnd() * 5)));
      const [day] = signalDiagnostics(panel, signal, 2, [0], 2);
      const members = symbols.map((_, i) => i).filter((i) => Number.isFinite(signal[i]!) && Number.isFinite(panel.close[2 * n + i]! / panel.close[i]! - 1));
      const s = members.map((i) => signal[i]!), f = members.map((i) => panel.close[2 * n + i]! / panel.close[i]! - 1);
      const ic = corr(ranks(s), ranks(f));
      if (ic === null) expect(day!.ic).toBeNull(); else expect(day!.ic).toBeCloseTo(ic, 12);
      groups.forEach((_, g) => {
        const idx = members.map((i, j) => [i, j] as const).filter(([i]) => i % 4 === g).map(([, j]) => j);
        const want = idx.length >= 3 ? corr(ranks(idx.map((j) => s[j]!)), ranks(idx.map((j) => f[j]!))) : null;
        if (want === null) expect(day!.groupIc[g]).toBeNull(); else expect(day!.groupIc[g]).toBeCloseTo(want, 12);
      });
      const q = Math.floor(members.length / 5);
      const byDesc = members.map((_, j) => j).sort((a, b) => s[b]! - s[a]! || a - b).slice(0, q);
      const byAsc = members.map((_, j) => j).sort((a, b) => s[a]! - s[b]! || a - b).slice(0, q);
      const avg = (js: number[]) => js.reduce((sum, j) => sum + f[j]!, 0) / q;
      if (q === 0) expect(day!.quintileSpread).toBeNull(); else expect(day!.quintileSpread).toBeCloseTo(avg(byDesc) - avg(byAsc), 12);
    }
  });
});

describe('argsort (bucket sort of finite values, merge sort otherwise)', () => {
  /** The textbook order: indices sorted by value, ties by index. */
  const stable = (v: ArrayLike<number>) => Array.from({ length: v.length }, (_, i) => i).sort((a, b) => (v[a]! < v[b]! ? -1 : v[a]! > v[b]! ? 1 : a - b));

  it('orders by value, ties by index, on random arrays of every shape', () => {
    let seed = 17;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const shapes: ((n: number) => number)[] = [
      () => rnd() - 0.5, // spread out
      () => Math.round(rnd() * 4) - 2, // few distinct values: long runs of ties
      () => (rnd() < 0.5 ? -0 : 0), // −0 and 0 are equal
      () => 1 + Math.floor(rnd() * 4) * 2 ** -50, // distinct in their last bits only
      () => (rnd() < 0.02 ? 1e12 : rnd()), // an outlier crowds the rest into a few buckets
      (n) => (rnd() < 0.5 ? n : rnd()), // half of them equal, far from the rest
      () => Number.MIN_VALUE * Math.floor(rnd() * 8), // subnormal: the range's scale is huge
      () => (rnd() < 0.5 ? -Number.MAX_VALUE : Number.MAX_VALUE) * rnd(), // the range overflows
    ];
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rnd() * 300);
      const shape = shapes[trial % shapes.length]!;
      const values = Float64Array.from({ length: n }, () => shape(n));
      const order = argsort(values, n, new Int32Array(n), new Int32Array(n));
      expect(Array.from(order), `trial ${trial}`).toEqual(stable(values));
    }
  });

  it('with a NaN or an infinity, gives the order of the merge sort', () => {
    const values = [3, NaN, 1, Infinity, -Infinity, 1, NaN, 0, -0, 2];
    const n = values.length;
    expect(Array.from(argsort(values, n, new Int32Array(n), new Int32Array(n)))).toEqual(Array.from(mergeArgsort(values, n, new Int32Array(n), new Int32Array(n))));
    expect(Array.from(argsort([2, Infinity, 1], 3, new Int32Array(3), new Int32Array(3)))).toEqual([2, 0, 1]);
  });
});
