import { describe, expect, it } from 'vitest';
import { belowMaintenance } from '../../src/broker/margin.ts';
import { decisionRows } from '../../src/runner/schedule.ts';
import { nextEvent, solventAtAnyPrice } from '../../src/runner/single-symbol.ts';
import { mulberry32 } from '../support/random.ts';

/**
 * The one-symbol path's event search (nextEvent) against its definition, written out as the obvious
 * scan over every bar: the first bar b ≥ from with a pending fill (b = from), the delisting bar, or a
 * decision bar on which the strategy may act (every one without `acting`; else acting[b] non-zero and
 * not NaN), else last + 1. The path steps through exactly these bars and over the rest, so a search
 * that looks too far, not far enough or past the last bar changes what it returns here. Likewise the
 * rule that lets a stretch between events go without a solvency check (solventAtAnyPrice), against
 * the check itself at prices from 1e-15 to 1e20.
 */
function scan(from: number, pending: boolean, last: number, endsAt: number, firstDecision: number, lastDecision: number, acting: Float64Array | undefined, every?: number): number {
  for (let b = from; b <= last; b++) {
    if (pending && b === from) return b;
    if (b === endsAt) return b;
    if (b >= firstDecision && b <= lastDecision && (every === undefined || (b - firstDecision) % every === 0)) {
      if (acting === undefined) return b;
      const v = acting[b]!;
      if (!Number.isNaN(v) && v !== 0) return b;
    }
  }
  return last + 1;
}

const VALUES = [0, 1, -1, Number.NaN, -0, 0.5, -2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-300] as const;

describe('nextEvent: the bar the one-symbol path steps through next', () => {
  it('equals the scan on every small case: each start, schedule, delisting and pattern of 0, 1 and NaN', () => {
    let cases = 0;
    for (let last = 0; last <= 4; last++) {
      const bars = last + 3; // the data may go on after the window
      const patterns: (Float64Array | undefined)[] = [undefined];
      for (let code = 0; code < 3 ** bars; code++) {
        const acting = new Float64Array(bars);
        for (let k = 0, c = code; k < bars; k++, c = Math.floor(c / 3)) acting[k] = [0, 1, Number.NaN][c % 3]!;
        patterns.push(acting);
      }
      for (const lastDecision of [last - 1, last]) {
        for (let firstDecision = 0; firstDecision <= Math.max(lastDecision, 0); firstDecision++) {
          for (let endsAt = -1; endsAt < last; endsAt++) {
            for (let from = 0; from <= last; from++) {
              for (const pending of [false, true]) {
                for (const acting of patterns) {
                  const want = scan(from, pending, last, endsAt, firstDecision, lastDecision, acting);
                  const got = nextEvent(from, pending, last, endsAt, firstDecision, lastDecision, acting);
                  if (got !== want) expect({ from, pending, last, endsAt, firstDecision, lastDecision, acting, got }).toEqual({ from, pending, last, endsAt, firstDecision, lastDecision, acting, got: want });
                  cases++;
                }
              }
            }
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(100_000);
  });

  it('equals the scan on random long panels with sparse, dense and odd acting values', () => {
    const rand = mulberry32(20261127);
    const pick = (k: number) => Math.floor(rand() * k);
    for (let trial = 0; trial < 4000; trial++) {
      const bars = 1 + pick(300);
      const last = pick(bars);
      const fill = rand() < 0.5 ? 'open' : 'close';
      const lastDecision = fill === 'open' ? last - 1 : last;
      const firstDecision = Math.max(0, Math.min(lastDecision, pick(bars)));
      const endsAt = rand() < 0.4 || last === 0 ? -1 : pick(last);
      const density = [0, 0.002, 0.02, 0.2, 1][pick(5)]!;
      const acting = rand() < 0.15 ? undefined : Float64Array.from({ length: bars }, () => (rand() < density ? VALUES[1 + pick(VALUES.length - 1)]! : 0));
      const from = pick(last + 1);
      const pending = rand() < 0.2;
      const want = scan(from, pending, last, endsAt, firstDecision, lastDecision, acting);
      expect(nextEvent(from, pending, last, endsAt, firstDecision, lastDecision, acting), JSON.stringify({ trial, from, pending, last, endsAt, firstDecision, lastDecision })).toBe(want);
    }
  });

  it('with a strategy deciding every R bars (`every`): only its decision bars firstDecision + kR are events', () => {
    const rand = mulberry32(20261128);
    const pick = (k: number) => Math.floor(rand() * k);
    let skipped = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const bars = 1 + pick(300);
      const last = pick(bars);
      const lastDecision = rand() < 0.5 ? last - 1 : last;
      const firstDecision = Math.max(0, Math.min(lastDecision, pick(bars)));
      const endsAt = rand() < 0.4 || last === 0 ? -1 : pick(last);
      const density = [0.02, 0.2, 1][pick(3)]!;
      const acting = rand() < 0.4 ? undefined : Float64Array.from({ length: bars }, () => (rand() < density ? VALUES[1 + pick(VALUES.length - 1)]! : 0));
      const every = 1 + pick(12);
      const rows = decisionRows({ first: 0, last, firstDecision, lastDecision, fill: 'open', warnings: [] }, bars, every)!;
      const from = pick(last + 1);
      const pending = rand() < 0.2;
      const want = scan(from, pending, last, endsAt, firstDecision, lastDecision, acting, every);
      if (want !== scan(from, pending, last, endsAt, firstDecision, lastDecision, acting)) skipped++;
      expect(nextEvent(from, pending, last, endsAt, firstDecision, lastDecision, acting, rows), JSON.stringify({ trial, from, pending, last, endsAt, firstDecision, lastDecision, every })).toBe(want);
    }
    expect(skipped).toBeGreaterThan(500); // the cadence decided the answer often
  });

  it('the edges by name', () => {
    const acting = (bars: number, on: number[], value = 1) => Float64Array.from({ length: bars }, (_, b) => (on.includes(b) ? value : 0));
    // Open fills decide up to last − 1: a value at the last bar is no decision, and nothing is left.
    expect(nextEvent(5, false, 9, -1, 0, 8, acting(10, [9]))).toBe(10);
    // Close fills decide on the last bar too.
    expect(nextEvent(5, false, 9, -1, 0, 9, acting(10, [9]))).toBe(9);
    // The delisting bar comes first even when the strategy acts later, and is found from itself.
    expect(nextEvent(2, false, 9, 4, 0, 9, acting(10, [7]))).toBe(4);
    expect(nextEvent(4, false, 9, 4, 0, 9, acting(10, [7]))).toBe(4);
    expect(nextEvent(5, false, 9, 4, 0, 9, acting(10, [7]))).toBe(7);
    // An acting bar before the delisting comes first; one at the delisting is that bar.
    expect(nextEvent(2, false, 9, 4, 0, 9, acting(10, [3]))).toBe(3);
    expect(nextEvent(2, false, 9, 4, 0, 9, acting(10, [4]))).toBe(4);
    // A value before `from`, or before the first decision, does not count.
    expect(nextEvent(3, false, 9, -1, 0, 9, acting(10, [2, 6]))).toBe(6);
    expect(nextEvent(0, false, 9, -1, 5, 9, acting(10, [2, 6]))).toBe(6);
    // Without actsOn every decision bar is an event: the first decision, or `from` once past it.
    expect(nextEvent(0, false, 9, -1, 3, 8, undefined)).toBe(3);
    expect(nextEvent(6, false, 9, -1, 3, 8, undefined)).toBe(6);
    expect(nextEvent(9, false, 9, -1, 3, 8, undefined)).toBe(10);
    // A pending fill is `from` itself, whatever the rest says.
    expect(nextEvent(6, true, 9, -1, 3, 8, acting(10, []))).toBe(6);
    expect(nextEvent(9, true, 9, -1, 3, 8, acting(10, []))).toBe(9);
    // Zero (either sign) and NaN are not acting; any other number is, however small or large.
    expect(nextEvent(0, false, 9, -1, 0, 9, Float64Array.of(0, -0, Number.NaN, 0, 0, 0, 0, 0, 0, 0))).toBe(10);
    for (const v of [1e-300, -1e-300, 2, -3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(nextEvent(0, false, 9, -1, 0, 9, acting(10, [5], v))).toBe(5);
    // With warm-up 0 the first decision is bar 0; nothing at all: last + 1.
    expect(nextEvent(0, false, 0, -1, 0, 0, acting(1, [0]))).toBe(0);
    expect(nextEvent(0, false, 0, -1, 0, 0, acting(1, []))).toBe(1);
  });
});

/** Solvent at the close at price p as simulate checks it: equity = cash + (0 + q·p) > 0 and not below the maintenance margin. */
function solventAt(q: number, cash: number, maintenance: number, p: number): boolean {
  const v = q * p;
  const equity = cash + (0 + v);
  return equity > 0 && !belowMaintenance(equity, Math.abs(v), maintenance);
}

describe('solventAtAnyPrice: a book that needs no solvency check between two events', () => {
  it('is true exactly when the book is solvent at every price from 1e-15 to 1e20', () => {
    const prices: number[] = [];
    for (let e = -15; e <= 20; e++) for (const m of [1, 2.5, 7.3]) prices.push(m * 10 ** e);
    let solvent = 0, not = 0;
    for (const q of [-1e4, -5, -1e-3, -0, 0, 1e-3, 2, 1e4]) {
      for (const cash of [-1e6, -100, -1e-9, 0, 1e-9, 100, 1e6]) {
        for (const maintenance of [0, 0.25, 0.999, 1, 1 + 1e-9, 1.5, 3]) {
          const want = prices.every((p) => solventAt(q, cash, maintenance, p));
          expect(solventAtAnyPrice(q, cash, maintenance), JSON.stringify({ q, cash, maintenance })).toBe(want);
          if (want) solvent++;
          else not++;
        }
      }
    }
    expect(solvent).toBeGreaterThan(20);
    expect(not).toBeGreaterThan(20);
  });
});
