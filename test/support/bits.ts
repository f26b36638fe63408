import { expect } from 'vitest';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import type { Panel } from '../../src/panel/panel.ts';

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
