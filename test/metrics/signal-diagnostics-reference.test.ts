import { describe, expect, it } from 'vitest';
import { eligibility } from '../../src/panel/eligibility.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { quintileSpread, SIGNAL_COLUMNS, signalDiagnostics, summarizeSignal, type DiagnosticsDay } from '../../src/metrics/signal-diagnostics.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { mulberry32 as rng } from '../support/random.ts';
import { spearman } from '../../src/metrics/spearman.ts';
import { textbookPearson, textbookRanks } from '../support/reference-stats.ts';

/**
 * signalDiagnostics against a direct, day-by-day computation written here from alphalens' definitions
 * (as the README states them): members of the day (the universe on the fill bar, its peer groups),
 * forward return close(t+h) / close(t) − 1 when t + h ≤ lastBar, IC = Pearson of textbook average
 * ranks over members with a signal and a forward return, quintile spread = mean forward return of the
 * ⌊m/5⌋ highest signals − that of the ⌊m/5⌋ lowest (ties to the lower symbol), coverage = members with
 * a signal / members, per-group IC over each group's members (null below 3 members or for constant ranks).
 */

function direct(panel: Panel, signal: Float64Array, h: number, decisionBars: readonly number[], lastBar: number): DiagnosticsDay[] {
  const n = panel.symbols.length, bars = panel.days.length;
  const groupOf = panel.seasons[0]!.groupOf; // one season in these tests
  // a decision at t fills at the next open: its members are those of bar t + 1 (the last bar keeps its own)
  const member = (t: number, i: number) => panel.member[Math.min(t + 1, bars - 1) * n + i] === 1;
  return decisionBars.map((t) => {
    const members = [...Array(n).keys()].filter((i) => member(t, i));
    const covered = members.filter((i) => Number.isFinite(signal[t * n + i]!)).length;
    const coverage = members.length ? covered / members.length : 0;
    const groupIc: (number | null)[] = panel.groups.map(() => null);
    if (t + h > lastBar) return { bar: t, ic: null, quintileSpread: null, coverage, groupIc };
    const used = members.filter((i) => groupOf[i]! >= 0 && Number.isFinite(signal[t * n + i]!) && Number.isFinite(panel.close[(t + h) * n + i]! / panel.close[t * n + i]! - 1));
    const s = used.map((i) => signal[t * n + i]!);
    const f = used.map((i) => panel.close[(t + h) * n + i]! / panel.close[t * n + i]! - 1);
    const m = used.length;
    const q = Math.floor(m / 5);
    let spread: number | null = null;
    if (q > 0) {
      const up = [...Array(m).keys()].sort((a, b) => s[a]! - s[b]! || a - b).slice(0, q);
      const down = [...Array(m).keys()].sort((a, b) => s[b]! - s[a]! || a - b).slice(0, q);
      spread = down.reduce((a, k) => a + f[k]!, 0) / q - up.reduce((a, k) => a + f[k]!, 0) / q;
    }
    panel.groups.forEach((_, g) => {
      const inG = [...Array(m).keys()].filter((k) => groupOf[used[k]!] === g);
      if (inG.length >= 3) groupIc[g] = textbookPearson(textbookRanks(inG.map((k) => s[k]!)), textbookRanks(inG.map((k) => f[k]!)));
    });
    return { bar: t, ic: textbookPearson(textbookRanks(s), textbookRanks(f)), quintileSpread: spread, coverage, groupIc };
  });
}

function expectDays(got: readonly DiagnosticsDay[], want: readonly DiagnosticsDay[]): void {
  expect(got.length).toBe(want.length);
  const near = (x: number | null) => (x === null ? null : expect.closeTo(x, 12));
  got.forEach((d, k) => {
    const w = want[k]!;
    expect({ ...d, groupIc: [...d.groupIc] }, `day ${k}`).toEqual({ bar: w.bar, ic: near(w.ic), quintileSpread: near(w.quintileSpread), coverage: w.coverage, groupIc: w.groupIc.map(near) });
  });
}


/**
 * A random panel: groups of one, two and many members, tied signals and tied forward returns,
 * missing signals (NaN, ±∞: no signal), missing closes (no forward return), and optionally members coming and going.
 */
function randomCase(seed: number, n: number, bars: number, churn: boolean) {
  const r = rng(seed);
  const groupNames = ['solo', 'pair', 'big', 'mid'];
  const groups = Array.from({ length: n }, (_, i) => (i === 0 ? 'solo' : i <= 2 ? 'pair' : groupNames[2 + (i % 2)]!));
  const close = Array.from({ length: bars }, () => Array.from({ length: n }, () => (r() < 0.06 ? null : 10 + Math.floor(r() * 8) * 0.5)));
  const panel = handPanel({ dates: businessDates('2024-01-01', bars), symbols: Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`), groups, close });
  if (churn) for (let c = 0; c < bars * n; c++) if (r() < 0.15) panel.member[c] = 0;
  const signal = Float64Array.from({ length: bars * n }, () => (r() < 0.1 ? [NaN, Infinity, -Infinity][Math.floor(r() * 3)]! : r() < 0.5 ? Math.floor(r() * 4) : r()));
  return { panel, signal };
}

describe('signalDiagnostics against a direct day-by-day computation', () => {
  it('random panels: small and crowded, with and without membership changes, several horizons, a lastBar before the end', () => {
    for (const [seed, n, bars, churn] of [[1, 9, 12, false], [2, 14, 10, true], [3, 60, 6, false], [4, 60, 6, true], [5, 4, 8, true], [6, 120, 4, true]] as const) {
      const { panel, signal } = randomCase(seed, n, bars, churn);
      const decisions = [...Array(bars).keys()];
      for (const h of [1, 2, 3]) {
        for (const lastBar of [bars - 1, bars - 3]) {
          expectDays(signalDiagnostics(panel, signal, h, decisions, lastBar), direct(panel, signal, h, decisions, lastBar));
        }
      }
    }
  });

  it('with a changing universe: the default universe is the one a next-open fill holds, not the decision bar\'s', () => {
    const { panel, signal } = randomCase(8, 10, 6, false);
    panel.member[2 * 10 + 3] = 0; // symbol 3 leaves on bar 2 only: a decision on bar 1 may not hold it
    panel.member[4 * 10 + 0] = 0;
    const decisions = [0, 1, 2, 3, 4];
    const got = signalDiagnostics(panel, signal, 1, decisions, 5);
    expect(got).toEqual(signalDiagnostics(panel, signal, 1, decisions, 5, eligibility(panel, 'open')));
    expectDays(got, direct(panel, signal, 1, decisions, 5));
    // bar 1's decision: 9 members (symbol 3 is out), whatever signal symbol 3 has on bar 1
    const covered = [0, 1, 2, 4, 5, 6, 7, 8, 9].filter((i) => Number.isFinite(signal[10 + i]!)).length;
    expect(got[1]!.coverage).toBe(covered / 9);
  });

  it('a member without a signal lowers coverage; a non-member with a signal is not counted anywhere', () => {
    // 6 symbols, one group; symbol F is not a member on bar 2 (decision bar 1), yet has a signal there
    const panel = handPanel({ dates: businessDates('2024-01-01', 3), symbols: ['A', 'B', 'C', 'D', 'E', 'F'], close: [[10, 10, 10, 10, 10, 10], [10, 10, 10, 10, 10, 10], [11, 12, 13, 14, 15, 5]] });
    panel.member[2 * 6 + 5] = 0;
    const signal = Float64Array.from([1, 2, 3, 4, 5, 6, 1, 2, NaN, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    const [, d] = signalDiagnostics(panel, signal, 1, [0, 1], 2);
    expect(d!.coverage).toBe(4 / 5); // A–E are members, C has no signal
    expect(d!.ic).toBeCloseTo(1, 15); // A, B, D, E: signal and forward both ascending; F (signal 6, return −50 %) would break it
    expect(d!.groupIc).toEqual([expect.closeTo(1, 15)]);
    expect(d!.quintileSpread).toBeNull(); // 4 members with both: no fifth
  });

  it('a column outside every peer group (a benchmark) is left out even with a signal', () => {
    const panel = handPanel({ dates: businessDates('2024-01-01', 2), symbols: ['A', 'B', 'C', 'D', 'E', 'X'], close: [[10, 10, 10, 10, 10, 10], [11, 12, 13, 14, 15, 1]] });
    panel.seasons[0]!.groupOf[5] = -1; // X: no peer group
    const signal = Float64Array.from([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
    const [d] = signalDiagnostics(panel, signal, 1, [0], 1);
    expect(d!.ic).toBeCloseTo(1, 15);
    expect(d!.quintileSpread).toBeCloseTo(0.5 - 0.1, 14); // E minus A; X (signal 6, −90 %) is not the top fifth
    expect(d!.coverage).toBe(1);
  });

  it('days whose horizon passes lastBar have no IC, spread or group ICs, even when the panel has later closes', () => {
    const { panel, signal } = randomCase(9, 12, 8, false);
    const days = signalDiagnostics(panel, signal, 2, [0, 3, 4, 5, 6], 5);
    expect(days.map((d) => d.bar)).toEqual([0, 3, 4, 5, 6]);
    for (const d of days.slice(2)) expect(d).toMatchObject({ ic: null, quintileSpread: null, groupIc: [null, null, null, null] });
    expect(days[1]!.ic).not.toBeNull();
  });

  it('forward returns one ulp apart rank and spread exactly (close(t+h) / close(t) − 1, nothing rounded away)', () => {
    const u = 2 ** -52;
    const panel = handPanel({ dates: businessDates('2024-01-01', 2), symbols: ['A', 'B', 'C', 'D', 'E'], close: [[1, 1, 1, 1, 1], [1, 1 + u, 1 + 2 * u, 1 + 3 * u, 1 + 4 * u]] });
    const signal = Float64Array.from([1, 2, 3, 4, 5, 0, 0, 0, 0, 0]);
    const [d] = signalDiagnostics(panel, signal, 1, [0], 1);
    expect(d!.ic).toBe(1);
    expect(d!.quintileSpread).toBe(4 * u);
  });

  it('a group of 3 or more whose forward returns are all equal has no IC (not NaN); per-group sums start afresh each day', () => {
    const panel = handPanel({
      dates: businessDates('2024-01-01', 3),
      symbols: ['A', 'B', 'C', 'D', 'E', 'F'],
      groups: ['g', 'g', 'g', 'h', 'h', 'h'],
      close: [[10, 10, 10, 10, 10, 10], [11, 11, 11, 11, 12, 13], [12, 12.1, 11, 11, 12, 13]],
    });
    const signal = Float64Array.from([1, 2, 3, 1, 2, 3, 3, 2, 1, 1, 2, 3, 0, 0, 0, 0, 0, 0]);
    const days = signalDiagnostics(panel, signal, 1, [0, 1], 2);
    expect(days[0]!.groupIc).toEqual([null, expect.closeTo(1, 15)]);
    // day 1, group g: signal ranks 3, 2, 1 against forward ranks 2, 3, 1 → (1·0 + 0·1 + 1·1) / 2 = 0.5; h flat
    expect(days[1]!.groupIc).toEqual([expect.closeTo(0.5, 15), null]);
    expectDays(days, direct(panel, signal, 1, [0, 1], 2));
  });
});

describe('bit for bit: the correlations of spearman.ts in member order, the spread of quintileSpread (issue 21)', () => {
  it('IC, per-group IC and spread are the very doubles of Pearson of average ranks taken member by member, ties and all', () => {
    // The diagnostics sum in the signal's order, squares in closed form from the ties: exact, so the
    // same bits as spearman(s, f) (averageRanks, then Pearson in member order) — checked here to the bit.
    const r = rng(31);
    for (const [n, groupCount, tieLevels] of [[7, 2, 3], [60, 3, 0], [400, 11, 0], [400, 11, 40], [1500, 5, 7], [900, 1, 2]] as const) {
      const bars = 4;
      const groups = Array.from({ length: n }, (_, i) => `g${i % groupCount}`);
      const close = Array.from({ length: bars }, () => Array.from({ length: n }, () => (r() < 0.03 ? null : tieLevels ? 10 + Math.floor(r() * tieLevels) * 0.25 : 10 * Math.exp(r() - 0.5))));
      const panel = handPanel({ dates: businessDates('2024-01-01', bars), symbols: Array.from({ length: n }, (_, i) => `S${i}`), groups, close });
      const signal = Float64Array.from({ length: bars * n }, () => (r() < 0.05 ? NaN : tieLevels ? Math.floor(r() * tieLevels) - tieLevels / 2 : (r() - 0.5) / (0.01 + Math.abs(r() - 0.5))));
      const days = signalDiagnostics(panel, signal, 1, [0, 1, 2], bars - 1);
      for (const d of days) {
        const t = d.bar, used = [...Array(n).keys()].filter((i) => Number.isFinite(signal[t * n + i]!) && Number.isFinite(panel.close[(t + 1) * n + i]! / panel.close[t * n + i]! - 1));
        const s = used.map((i) => signal[t * n + i]!), f = used.map((i) => panel.close[(t + 1) * n + i]! / panel.close[t * n + i]! - 1);
        expect(Object.is(d.ic, spearman(s, f)), `n=${n} day ${t}: ${d.ic} vs ${spearman(s, f)}`).toBe(true);
        expect(Object.is(d.quintileSpread, quintileSpread(s, f)), `spread n=${n} day ${t}`).toBe(true);
        for (let g = 0; g < groupCount; g++) {
          const inG = used.map((i, k) => (panel.seasons[0]!.groupOf[i] === g ? k : -1)).filter((k) => k >= 0); // panel.groups order
          const want = inG.length >= 3 ? spearman(inG.map((k) => s[k]!), inG.map((k) => f[k]!)) : null;
          expect(Object.is(d.groupIc[g], want), `n=${n} day ${t} group ${g}: ${d.groupIc[g]} vs ${want}`).toBe(true);
        }
      }
    }
  });
});

describe('the correlations\' edges', () => {
  it('two members: IC ±1 exactly; all forward returns equal, or all signals equal: no IC (not NaN)', () => {
    const two = handPanel({ dates: businessDates('2024-01-01', 2), symbols: ['A', 'B'], close: [[10, 10], [11, 12]] });
    expect(signalDiagnostics(two, Float64Array.from([1, 2, 0, 0]), 1, [0], 1)[0]).toMatchObject({ ic: 1, quintileSpread: null, groupIc: [null] });
    expect(signalDiagnostics(two, Float64Array.from([2, 1, 0, 0]), 1, [0], 1)[0]!.ic).toBe(-1);
    const flat = handPanel({ dates: businessDates('2024-01-01', 2), symbols: ['A', 'B', 'C', 'D'], close: [[10, 20, 30, 40], [11, 22, 33, 44]] });
    expect(signalDiagnostics(flat, Float64Array.from([1, 2, 3, 4, 0, 0, 0, 0]), 1, [0], 1)[0]).toMatchObject({ ic: null, groupIc: [null] });
    const moving = handPanel({ dates: businessDates('2024-01-01', 2), symbols: ['A', 'B', 'C', 'D'], close: [[10, 10, 10, 10], [11, 12, 13, 14]] });
    expect(signalDiagnostics(moving, Float64Array.from([5, 5, 5, 5, 0, 0, 0, 0]), 1, [0], 1)[0]).toMatchObject({ ic: null, groupIc: [null] });
  });

  // EXACT_MAX is 180,000: at it, Σ x·y of the ranks in the signal's order (still exact); past it, deviations in member order.
  it.each([180_000, 180_001])('a day of %i members gives the bits of spearman.ts too', (n) => {
    const r = rng(37);
    const close = [Array.from({ length: n }, () => 10), Array.from({ length: n }, () => 10 + Math.floor(r() * 50) * 0.01)];
    const panel = handPanel({ dates: businessDates('2024-01-01', 2), symbols: Array.from({ length: n }, (_, i) => `S${i}`), groups: Array.from({ length: n }, (_, i) => (i % 3 ? 'a' : 'b')), close });
    const signal = Float64Array.from({ length: 2 * n }, () => Math.floor(r() * 1000));
    const [d] = signalDiagnostics(panel, signal, 1, [0], 1);
    const s = Array.from(signal.subarray(0, n)), f = close[1]!.map((c) => c / 10 - 1);
    expect(Object.is(d!.ic, spearman(s, f))).toBe(true);
    expect(Object.is(d!.quintileSpread, quintileSpread(s, f))).toBe(true);
    const group = (g: number) => [...Array(n).keys()].filter((i) => (i % 3 ? 0 : 1) === g);
    for (const g of [0, 1]) expect(Object.is(d!.groupIc[g], spearman(group(g).map((i) => s[i]!), group(g).map((i) => f[i]!))), `group ${g}`).toBe(true);
  });
});

describe('quintileSpread and summarizeSignal', () => {
  it('quintileSpread with tied signals takes the lower symbols into each fifth', () => {
    // 10 values, q = 2: the top fifth is the highest value (index 9) and the lowest index among the 7s (index 2)
    const s = [1, 1, 7, 3, 7, 1, 2, 7, 4, 9];
    const f = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    expect(quintileSpread(s, f)).toBeCloseTo((1.0 + 0.3) / 2 - (0.1 + 0.2) / 2, 14);
    expect(quintileSpread([5, 5, 5, 5, 5], [1, 2, 3, 4, 5])).toBeCloseTo(1 - 1, 15);
    expect(quintileSpread([1, 2, 3, 4], [1, 2, 3, 4])).toBeNull();
  });

  it('IR and t are null when the IC never varies or there is one IC day, not ±∞', () => {
    const day = (ic: number | null): DiagnosticsDay => ({ bar: 0, ic, quintileSpread: null, coverage: 1, groupIc: [] });
    expect(summarizeSignal([day(0.5), day(0.5)])).toMatchObject({ ic_mean: 0.5, ic_sd: 0, ic_ir: null, ic_t: null });
    expect(summarizeSignal([day(0.5), day(null)])).toMatchObject({ ic_mean: 0.5, ic_ir: null, ic_t: null });
  });

  it('the summary columns, in the order the results tables print them', () => {
    expect(SIGNAL_COLUMNS).toEqual(['ic_mean', 'ic_sd', 'ic_ir', 'ic_t', 'quintile_spread', 'coverage']);
    expect(Object.keys(summarizeSignal([]))).toEqual([...SIGNAL_COLUMNS]);
  });
});
