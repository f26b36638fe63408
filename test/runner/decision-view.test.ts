import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { DecisionView } from '../../src/runner/decision-view.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/** What a strategy's `bar` answers: its factors up to the decision bar (never after), and its own positions. */
describe('the decision view', () => {
  const panel = handPanel({ dates: businessDates('2024-01-01', 4), symbols: ['A', 'B', 'C'], close: [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]] });
  // a factor whose value at (t, i) is 10·t + i, so every read says where it came from
  const momentum = Float64Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3));
  const quality = new Float64Array(12).fill(7);
  const view = (t: number) => {
    const portfolio = new Portfolio(0, 3);
    portfolio.fill(1, 25, 0, 0);
    portfolio.fill(2, -4, 0, 0);
    const v = new DecisionView(panel, new Map([['quality', quality], ['momentum', momentum]]), portfolio);
    v.at(t);
    return v;
  };

  it('factor rows: this bar, a lag back, NaN before the data begin', () => {
    const v = view(2);
    expect(Array.from(v.factor('momentum'))).toEqual([20, 21, 22]);
    expect(Array.from(v.factor('momentum', 1))).toEqual([10, 11, 12]);
    expect(Array.from(v.factor('momentum', 2))).toEqual([0, 1, 2]);
    const before = Array.from(v.factor('momentum', 3));
    expect(before).toHaveLength(3);
    expect(before.every(Number.isNaN)).toBe(true);
    expect(Array.from(v.factor('quality'))).toEqual([7, 7, 7]);
  });

  it('single factor values: this bar, a lag back, NaN outside the data or the universe', () => {
    const v = view(3);
    expect(v.factorValue('momentum', 0)).toBe(30);
    expect(v.factorValue('momentum', 2)).toBe(32);
    expect(v.factorValue('momentum', 1, 2)).toBe(11);
    expect(v.factorValue('momentum', 1, 3)).toBe(1);
    expect(v.factorValue('momentum', 1, 4)).toBeNaN();
    expect(v.factorValue('momentum', -1)).toBeNaN();
    expect(v.factorValue('momentum', 3)).toBeNaN();
    expect(v.factorValue('quality', 2)).toBe(7);
  });

  it('an unknown factor names the ones the strategy declared', () => {
    expect(() => view(0).factor('value')).toThrow('unknown factor "value"; this strategy declares quality, momentum');
    expect(() => view(0).factorValue('value', 0)).toThrow(/unknown factor "value"/);
    const bare = new DecisionView(panel, new Map(), new Portfolio(0, 3)).at(0);
    expect(() => bare.factor('value')).toThrow('unknown factor "value"; this strategy declares none');
  });

  it('positions are the portfolio’s shares (0 for a name not held or not in the universe); weights() is a zeroed scratch row', () => {
    const v = view(1);
    expect([v.position(0), v.position(1), v.position(2), v.position(9)]).toEqual([0, 25, -4, 0]);
    const w = v.weights();
    w[1] = 0.5;
    expect(Array.from(v.weights())).toEqual([0, 0, 0]);
  });
});
