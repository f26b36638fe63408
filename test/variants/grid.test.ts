import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { expandVariants, parseGridAxis } from '../../src/config/grid.ts';
import { readVariantsFile } from '../../src/config/variants-file.ts';
import { UsageError } from '../../src/errors.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { tempDir } from '../support/cli.ts';

let sma: Strategy, vopa: Strategy;
beforeAll(async () => {
  sma = (await loadStrategy('sma-cross')).strategy;
  vopa = (await loadStrategy('vopa')).strategy;
});

const axis = (s: () => Strategy, text: string) => parseGridAxis(s(), text);

describe('--grid', () => {
  it('parses lists and ranges, stop included', () => {
    expect(axis(() => vopa, 'lookback=21,42,63').values).toEqual([21, 42, 63]);
    expect(axis(() => vopa, 'top=5:20:5').values).toEqual([5, 10, 15, 20]);
    expect(axis(() => vopa, 'top=5:19:5').values).toEqual([5, 10, 15]);
    expect(axis(() => vopa, 'top=1:3').values).toEqual([1, 2, 3]);
    expect(axis(() => vopa, 'gross=0.1:0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]); // no 0.30000000000000004
    expect(axis(() => vopa, 'top=20:5:-5').values).toEqual([20, 15, 10, 5]);
    expect(axis(() => vopa, 'weighting=equal,inverse-vol').values).toEqual(['equal', 'inverse-vol']);
    expect(axis(() => vopa, 'top=5,5,10').values).toEqual([5, 10]);
  });

  it('expands the cross product, last axis fastest, over fixed values and defaults', () => {
    const plan = expandVariants(vopa, [axis(() => vopa, 'lookback=21,42'), axis(() => vopa, 'top=5,10,15')], new Map([['bottom', 3]]));
    expect(plan.variants.map((p) => [p.lookback, p.top, p.bottom, p.rebalance])).toEqual([
      [21, 5, 3, 5], [21, 10, 3, 5], [21, 15, 3, 5], [42, 5, 3, 5], [42, 10, 3, 5], [42, 15, 3, 5],
    ]);
    expect(plan.skipped).toBe(0);
  });

  it('skips and counts combinations that break a constraint (sma-cross fast < slow: 90 of 100)', () => {
    const plan = expandVariants(sma, [axis(() => sma, 'fast=5:50:5'), axis(() => sma, 'slow=20:200:20')], new Map());
    // by hand: for slow = 20 the fast values below it are 5, 10, 15 (3); slow = 40: 7; slow ≥ 60: all 10 → 3 + 7 + 8 × 10 = 90
    expect(plan.variants).toHaveLength(90);
    expect(plan.skipped).toBe(10);
    expect(plan.skippedExamples[0]).toBe('fast (20) must be below slow (20)');
    expect(plan.variants.every((p) => (p.fast as number) < (p.slow as number))).toBe(true);
  });

  it.each([
    ['fast', /expected key=v1,v2/],
    ['fast=', /no values for fast/],
    ['fsat=1,2', /unknown parameter of strategy sma-cross \(did you mean fast\?\)/],
    ['fast=1:10:0', /the step cannot be 0/],
    ['fast=10:1:1', /the range is empty/],
    ['fast=a:b:c', /a range is start:stop:step with numbers/],
    ['fast=1.5:3', /fast must be an integer/],
    ['fast=1,,2', /an empty value/],
    ['fast=0,5', /fast must be at least 1/],
    ['symbol=1:3', /a range needs a numeric parameter/],
    ['fast=1:1000000000', /too many/],
  ])('refuses %s', (spec, message) => {
    expect(() => axis(() => sma, spec)).toThrow(UsageError);
    expect(() => axis(() => sma, spec)).toThrow(message);
  });

  it('refuses a key both fixed and varied, or varied twice', () => {
    expect(() => expandVariants(sma, [axis(() => sma, 'fast=5,10')], new Map([['fast', 5]]))).toThrow(/both fixed \(--param\) and varied \(--grid\)/);
    expect(() => expandVariants(sma, [axis(() => sma, 'fast=5'), axis(() => sma, 'fast=10')], new Map())).toThrow(/given twice/);
  });
});

describe('--variants FILE', () => {
  it('reads JSON and CSV lists, crossed with a grid, duplicates run once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'v.json'), JSON.stringify([{ lookback: 21, top: 5 }, { lookback: 63, weighting: 'inverse-vol' }, { lookback: 21, top: 5 }]));
    writeFileSync(join(dir, 'v.csv'), 'lookback,top\n21,5\n63,10\n');
    const json = expandVariants(vopa, [axis(() => vopa, 'bottom=0,2')], new Map(), readVariantsFile(vopa, join(dir, 'v.json')));
    expect(json.variants.map((p) => [p.lookback, p.top, p.weighting, p.bottom])).toEqual([
      [21, 5, 'equal', 0], [21, 5, 'equal', 2], [63, 10, 'inverse-vol', 0], [63, 10, 'inverse-vol', 2],
    ]);
    expect(json.duplicates).toBe(2);
    const csv = expandVariants(vopa, [], new Map(), readVariantsFile(vopa, join(dir, 'v.csv')));
    expect(csv.variants.map((p) => [p.lookback, p.top])).toEqual([[21, 5], [63, 10]]);
  });

  it('names the file, the variant and the problem', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ lookback: 21 }, { lookbak: 5 }]));
    expect(() => readVariantsFile(vopa, join(dir, 'bad.json'))).toThrow(/bad.json \(variant 2\) lookbak: unknown parameter .*did you mean lookback/);
    writeFileSync(join(dir, 'not.json'), '{"lookback": 21}');
    expect(() => readVariantsFile(vopa, join(dir, 'not.json'))).toThrow(/expected an array of objects/);
    expect(() => readVariantsFile(vopa, join(dir, 'missing.csv'))).toThrow(/no such file/);
  });
});
