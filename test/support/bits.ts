import { expect } from 'vitest';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { mulberry32 } from './random.ts';

/** Two arrays equal value by value to the bit (Object.is: -0 is not 0, NaN is NaN). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/** Two panels with the same symbols, dates and every price cell to the bit, and so the same fingerprint. */
export function expectSamePanel(a: Panel, b: Panel): void {
  expect(a.symbols).toEqual(b.symbols);
  expect(a.dates).toEqual(b.dates);
  for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
    for (let k = 0; k < a[f].length; k++) if (!Object.is(a[f][k], b[f][k])) expect.fail(`${f}[${k}]: ${a[f][k]} ≠ ${b[f][k]}`);
  }
  expect(fingerprintPanel(a)).toBe(fingerprintPanel(b));
}

/** Doubles whose shortest text is long or odd: edges of the range, and random bit patterns (seeded). */
export function hardDoubles(): number[] {
  const random = mulberry32(17);
  const bits = new DataView(new ArrayBuffer(8));
  const out = [0.1, 0.2, 0.1 + 0.2, 1 / 3, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 2 ** 53 + 2, 123456.789012345678, -0, 9007199254740993];
  while (out.length < 2_000) {
    bits.setUint32(0, Math.floor(random() * 2 ** 32));
    bits.setUint32(4, Math.floor(random() * 2 ** 32));
    const x = bits.getFloat64(0);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}
