import { describe, expect, it } from 'vitest';
import { signalDiagnostics, summarizeSignal, type DiagnosticsDay } from '../../src/metrics/signal-diagnostics.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/** The per-variant signal summary averages only the days that have a value (a day near the end has no forward return). */
describe('summarizeSignal', () => {
  const day = (bar: number, ic: number | null, quintileSpread: number | null, coverage: number): DiagnosticsDay => ({ bar, ic, quintileSpread, coverage, groupIc: [] });

  it('the mean quintile spread leaves out days without one, instead of counting them as 0', () => {
    const s = summarizeSignal([day(0, 0.5, 0.02, 1), day(1, null, null, 1), day(2, 0.1, 0.04, 0.5), day(3, null, null, 0.5)]);
    expect(s.quintile_spread).toBeCloseTo(0.03, 15); // (0.02 + 0.04) / 2, not / 4
    expect(s.ic_mean).toBeCloseTo(0.3, 15);
    expect(s.ic_sd).toBeCloseTo(Math.sqrt(0.08), 15); // (0.2² + 0.2²) / 1
    expect(s.ic_t).toBeCloseTo((0.3 / Math.sqrt(0.08)) * Math.SQRT2, 12);
    expect(s.coverage).toBe(0.75); // every day counts for coverage
    expect(summarizeSignal([day(0, null, null, 1)])).toEqual({ ic_mean: null, ic_sd: null, ic_ir: null, ic_t: null, quintile_spread: null, coverage: 1 });
  });

  it('end to end: decision days whose horizon passes the end add nothing to the spread', () => {
    // five symbols, signal = 1 … 5 every day; forward over 1 bar: the top fifth is E, the bottom A
    const panel = handPanel({
      dates: businessDates('2024-01-01', 3),
      symbols: ['A', 'B', 'C', 'D', 'E'],
      close: [[10, 10, 10, 10, 10], [9, 10, 10, 10, 12], [9.9, 10, 10, 10, 12]],
    });
    const signal = Float64Array.from({ length: 15 }, (_, k) => (k % 5) + 1);
    const days = signalDiagnostics(panel, signal, 1, [0, 1, 2], 2);
    expect(days.map((d) => d.quintileSpread)).toEqual([expect.closeTo(0.2 - -0.1, 12), expect.closeTo(0 - 0.1, 12), null]);
    expect(summarizeSignal(days).quintile_spread).toBeCloseTo((0.3 - 0.1) / 2, 12);
  });
});
