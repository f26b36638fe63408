import { describe, expect, it } from 'vitest';
import { alignSeries, axisValues, downsample, gridCells, histogram, monthlyReturns, thinColumns, trailingMean } from '../../src/report/series.ts';

describe('report series', () => {
  it('aligns series on the union of their dates, null where one has no row', () => {
    const a = new Map([['2025-01-02', 1], ['2025-01-03', 2]]);
    const b = new Map([['2025-01-03', 5], ['2025-01-06', 6]]);
    expect(alignSeries([a, b])).toEqual({ dates: ['2025-01-02', '2025-01-03', '2025-01-06'], values: [[1, 2, null], [null, 5, 6]] });
  });

  it('thins to buckets of consecutive days: the last value for levels, the lowest for drawdowns', () => {
    const s = { dates: ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'], values: [[1, 2, 3, 4, 5, 6, 7], [0, -0.3, -0.1, 0, -0.2, null, -0.05]] };
    // 7 points, at most 3: buckets of ceil(7 / 3) = 3 days → [d1 d2 d3] [d4 d5 d6] [d7]
    expect(downsample(s, 'last', 3)).toEqual({ dates: ['d3', 'd6', 'd7'], values: [[3, 6, 7], [-0.1, null, -0.05]], bucket: 3 });
    expect(downsample(s, 'min', 3)).toEqual({ dates: ['d3', 'd6', 'd7'], values: [[1, 4, 7], [-0.3, -0.2, -0.05]], bucket: 3 });
    expect(downsample(s, 'last', 7)).toEqual({ ...s, bucket: 1 });
  });

  it('compounds daily returns into monthly returns, by calendar month and year', () => {
    const m = monthlyReturns(['2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03', '2025-02-03'], [0.1, -0.1, 0.02, null, 0.5]);
    expect(m.years).toEqual([2024, 2025]);
    expect(m.cells).toHaveLength(3);
    expect(m.cells[0]![0]).toBe(11);
    expect(m.cells[0]![1]).toBe(0);
    expect(m.cells[0]![2]).toBeCloseTo(1.1 * 0.9 - 1, 15); // −1 %
    expect(m.cells[1]).toEqual([0, 1, expect.closeTo(0.02, 15)]);
    expect(m.cells[2]).toEqual([1, 1, 0.5]);
  });

  it('takes a trailing mean over the last values, passing over gaps', () => {
    expect(trailingMean([1, 2, null, 3, 4], 2)).toEqual([1, 1.5, 1.5, 2.5, 3.5]);
    expect(trailingMean([1, 2, 3, 4], 3, 3)).toEqual([null, null, 2, 3]);
  });

  it('puts parameter values in order: numbers ascending, text alphabetically', () => {
    expect(axisValues([10, 2, 10, 33])).toEqual([2, 10, 33]);
    expect(axisValues(['inverse-vol', 'equal'])).toEqual(['equal', 'inverse-vol']);
  });

  it('builds heat map cells from ranked rows: the first (best) variant of each pair', () => {
    const ranked = [
      { variant: 4, a: 2, b: 'y', c: 1, sharpe: 3 },
      { variant: 1, a: 1, b: 'x', c: 1, sharpe: 2 },
      { variant: 3, a: 2, b: 'y', c: 2, sharpe: 1 }, // same (a, b) as variant 4: not shown
      { variant: 2, a: 1, b: 'y', c: 1, sharpe: null },
    ];
    expect(gridCells(ranked, 'a', 'b', 'sharpe')).toEqual({
      xValues: [1, 2],
      yValues: ['x', 'y'],
      cells: [[1, 1, 3, 4], [0, 0, 2, 1], [0, 1, null, 2]],
    });
  });
});

describe('report series: histograms and thinning named series', () => {
  it('counts values into equal bins, the edges deciding and the top edge in the last bin', () => {
    expect(histogram([0, 1, 2, 3], 2)).toEqual({ edges: [0, 1.5, 3], counts: [2, 2] });
    const w = (0.3 - 0.1) / 4;
    expect(histogram([0.1, 0.2, 0.3, null, NaN, 0.3], 4)).toEqual({ edges: [0.1, 0.1 + w, 0.1 + 2 * w, 0.1 + 3 * w, 0.3], counts: [1, 0, 1, 2] }); // nulls and NaN left out
    expect(histogram([5, 5, 5])).toEqual({ edges: [5, 5], counts: [3] });
    expect(histogram([null, NaN])).toBeNull();
    // ⌈√n⌉ bins within 10–60: 10 for 4 values, 13 for 160, 60 for 5,000
    expect(histogram([1, 2, 3, 4])!.counts).toHaveLength(10);
    expect(histogram(Array.from({ length: 160 }, (_, k) => k))!.counts).toHaveLength(13);
    expect(histogram(Array.from({ length: 5000 }, (_, k) => Math.sin(k)))!.counts).toHaveLength(60);
    // Every value lands in the bin whose edges hold it, however the division rounds.
    const values = Array.from({ length: 1000 }, (_, k) => Math.sin(k * 7.1) / 37);
    const h = histogram(values, 17)!;
    h.counts.forEach((c, k) => expect(c).toBe(values.filter((v) => v >= h.edges[k]! && (k === 16 ? v <= h.edges[17]! : v < h.edges[k + 1]!)).length));
  });

  it('thins named series alike, keeping their names', () => {
    const dates = ['d1', 'd2', 'd3', 'd4', 'd5'];
    expect(thinColumns(dates, { a: [1, 2, 3, 4, 5], b: [0, -1, 0, -3, -2] }, 'min', 2)).toEqual({ dates: ['d3', 'd5'], bucket: 3, values: { a: [1, 4], b: [-1, -3] } });
    expect(thinColumns(dates, { a: [1, 2, 3, 4, 5] }, 'last', 5)).toEqual({ dates, bucket: 1, values: { a: [1, 2, 3, 4, 5] } });
  });
});
