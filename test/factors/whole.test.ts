import { describe, expect, it } from 'vitest';
import type { Factor } from '../../src/api.ts';
import { crossing } from '../../src/factors/crossing.ts';
import { rateOfChange } from '../../src/factors/rate-of-change.ts';
import { rollingMean } from '../../src/factors/rolling.ts';
import { WHOLE } from '../../src/factors/whole.ts';
import type { Eligibility } from '../../src/panel/eligibility.ts';
import { FIELDS, type Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/**
 * The engine's whole-window factors (factors/whole.ts) against their own steps: the same values bit
 * for bit, with and without a membership mask, and causal — row t never changes when data after t do.
 */
const market = generateSampleMarket({ seed: 31, symbols: 12, from: '2024-01-01', to: '2024-12-31', listings: 3, delistings: 3 });
const base = samplePanel(market);

/** The factor (and its inputs) with the whole-window computation taken off: stepped bar by bar. */
function stepped(factor: Factor): Factor {
  return { key: factor.key, create: factor.create, ...(factor.inputs ? { inputs: factor.inputs.map(stepped) } : {}) };
}

/** Some symbols out of the universe on some bars (a rolling universe's mask). */
function masked(panel: Panel): Eligibility {
  const mask = new Uint8Array(panel.days.length * panel.symbols.length);
  let s = 5;
  for (let k = 0; k < mask.length; k++) mask[k] = (s = (s * 48271) % 2147483647) % 7 === 0 ? 0 : 1;
  return { all: false, mask, span: () => panel.seasons[0]! };
}

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, k) => Object.is(v, b[k]));

const FACTORS: Factor[] = [
  rollingMean(1), rollingMean(3), rollingMean(20), rollingMean(5, 'open'), rollingMean(4, 'volume'),
  crossing(rollingMean(3), rollingMean(7)), crossing(rollingMean(2, 'high'), rollingMean(2, 'low')), crossing(rollingMean(1), rollingMean(1, 'open')),
  rateOfChange(1), rateOfChange(20), rateOfChange(400),
];

describe('whole-window factors', () => {
  it('are the ones that say so', () => {
    for (const f of FACTORS) expect(typeof (f as unknown as Record<symbol, unknown>)[WHOLE], f.key).toBe('function');
  });

  it('give their steps’ values bit for bit, every symbol and bar, masked or not', () => {
    for (const universe of [undefined, masked(base)]) {
      for (const factor of FACTORS) {
        const whole = new FactorCache(base, { universe }).get(factor);
        const steps = new FactorCache(base, { universe }).get(stepped(factor));
        expect(sameBits(whole, steps), `${factor.key}${universe ? ', masked' : ''}`).toBe(true);
      }
    }
  });

  it('are causal: changing any value after bar c leaves rows 0 … c as they were', () => {
    const n = base.symbols.length, bars = base.days.length;
    for (const c of [0, 7, 100, bars - 2]) {
      const changed = { ...base } as Record<string, unknown>;
      for (const field of FIELDS) {
        const data = Float64Array.from(base[field]);
        for (let k = (c + 1) * n; k < data.length; k++) data[k] = k % 11 === 0 ? NaN : data[k]! * 1.7;
        changed[field] = data;
      }
      for (const factor of FACTORS) {
        const before = new FactorCache(base).get(factor).subarray(0, (c + 1) * n);
        const after = new FactorCache(changed as unknown as Panel).get(factor).subarray(0, (c + 1) * n);
        expect(sameBits(before, after), `${factor.key}, changed after ${c}`).toBe(true);
      }
    }
  });
});

describe('crossing', () => {
  it('is +1 where a rises above b, −1 where it falls below, 0 elsewhere, by hand', () => {
    // a: the close; b: constant 10. Ties (a = b) are neither above nor below; a NaN breaks a cross.
    const close = [9, 11, 12, 10, 9, 10, 11, null, 12, 9];
    const panel = handPanel({ dates: businessDates('2024-01-01', close.length), symbols: ['A'], close: close.map((c) => [c]), open: close.map(() => [10]) });
    const values = new FactorCache(panel).get(crossing(rollingMean(1), rollingMean(1, 'open')));
    expect(Array.from(values)).toEqual([0, 1, 0, 0, -1, 0, 1, 0, 0, -1]);
  });
});
