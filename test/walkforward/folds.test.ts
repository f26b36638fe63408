import { describe, expect, it } from 'vitest';
import { describeSpec, parseHoldout, parseWalkForward, planFolds, type Fold } from '../../src/walkforward/index.ts';
import { isoDate } from '../../src/util/dates.ts';

/** A window of N days dated 2025-01-01 + d (calendar days: only the order matters here). */
const window = (days: number, warmup = 0) => ({ days, dates: Array.from({ length: days }, (_, d) => isoDate(20_089 + d)), warmup, warmupOf: 'variant 3' });
const spans = (folds: readonly Fold[]) => folds.map((f) => [f.trainStart, f.trainEnd, f.testStart, f.testEnd]);

describe('parseWalkForward', () => {
  it('reads train and test, step defaulting to test, anchored and embargo', () => {
    expect(parseWalkForward('train=252,test=63')).toEqual({ kind: 'walk-forward', train: 252, test: 63, step: 63, anchored: false, embargo: 0 });
    expect(parseWalkForward(' test=20 , train=100 , anchored , embargo=5 , step=10 ')).toEqual({ kind: 'walk-forward', train: 100, test: 20, step: 10, anchored: true, embargo: 5 });
    expect(describeSpec(parseWalkForward('train=100,test=20,step=10,anchored,embargo=5'))).toBe('--walk-forward train=100,test=20,step=10,anchored,embargo=5');
  });

  it.each([
    ['test=63', /train=DAYS is missing/],
    ['train=252', /test=DAYS is missing/],
    ['train=0,test=63', /train=0 must be a whole number of trading days, 1 or more/],
    ['train=-5,test=63', /train=-5 must be a whole number/],
    ['train=252,test=0', /test=0 must be a whole number of trading days, 1 or more/],
    ['train=252,test=6.5', /test=6.5 must be a whole number/],
    ['train=252,test=63,step=0', /step=0 must be a whole number of trading days, 1 or more/],
    ['train=252,test=63,embargo=-1', /embargo=-1 must be a whole number of trading days, 0 or more/],
    ['train=252,test=10,embargo=10', /the embargo \(10 days\) must be smaller than test \(10 days\)/],
    ['train=252,test=10,embargo=12', /the embargo \(12 days\) must be smaller than test/],
    ['train=252,test=63,step=64', /step=64 is longer than test=63: .* use step ≤ test/],
    ['train=252,tset=63', /unknown part "tset" \(did you mean test\?\)/],
    ['train=252,test=63,train=10', /train is given twice/],
    ['train=252,test=63,anchored=yes', /anchored takes no value/],
    ['train,test=63', /train needs a number of trading days/],
    ['train=252,,test=63', /an empty part/],
  ])('%s: bad input', (text, message) => {
    expect(() => parseWalkForward(text)).toThrow(message);
    try {
      parseWalkForward(text);
    } catch (err) {
      expect((err as { code: string }).code).toBe('E_BAD_WALK_FORWARD');
    }
  });
});

describe('planFolds: the fold boundaries, as documented', () => {
  it('rolling: train keeps its length and moves by step; each test starts the day after its training ends; the last test ends with the window', () => {
    // N = 100, train 40, test 20: tests at 40, 60, 80 (the last 20 days).
    expect(spans(planFolds(parseWalkForward('train=40,test=20'), window(100)))).toEqual([
      [0, 39, 40, 59],
      [20, 59, 60, 79],
      [40, 79, 80, 99],
    ]);
    // N = 105: a fourth fold of the 5 days left.
    expect(spans(planFolds(parseWalkForward('train=40,test=20'), window(105))).at(-1)).toEqual([60, 99, 100, 104]);
  });

  it('anchored: training always starts on day 0 and grows by step', () => {
    expect(spans(planFolds(parseWalkForward('train=40,test=20,anchored'), window(100)))).toEqual([
      [0, 39, 40, 59],
      [0, 59, 60, 79],
      [0, 79, 80, 99],
    ]);
  });

  it('embargo: embargo days between each training end and its test; they are the previous fold\'s test days, or before the first test', () => {
    const folds = planFolds(parseWalkForward('train=40,test=20,embargo=5'), window(100));
    expect(spans(folds)).toEqual([
      [0, 39, 45, 64],
      [20, 59, 65, 84],
      [40, 79, 85, 99],
    ]);
    for (const f of folds) expect(f.testStart - f.trainEnd - 1).toBe(5);
    // Test windows tile the days from the first test to the end: no gap, no overlap.
    for (let k = 1; k < folds.length; k++) expect(folds[k]!.testStart).toBe(folds[k - 1]!.testEnd + 1);
    expect(spans(planFolds(parseWalkForward('train=40,test=20,embargo=5,anchored'), window(100))).map((s) => s[0])).toEqual([0, 0, 0]);
  });

  it('a step shorter than test: each fold trades until the next one starts; the last one its whole test window', () => {
    expect(spans(planFolds(parseWalkForward('train=40,test=20,step=10'), window(100)))).toEqual([
      [0, 39, 40, 49],
      [10, 49, 50, 59],
      [20, 59, 60, 69],
      [30, 69, 70, 79],
      [40, 79, 80, 89],
      [50, 89, 90, 99],
    ]);
    expect(spans(planFolds(parseWalkForward('train=40,test=20,step=10'), window(95))).at(-1)).toEqual([50, 89, 90, 94]);
  });

  it('windows that do not fit the range: bad input saying what the range allows', () => {
    expect(() => planFolds(parseWalkForward('train=252,test=63'), window(300))).toThrow(
      '--walk-forward train=252,test=63: the evaluation window has 300 trading days (2025-01-01 → 2025-10-27): train + embargo + test (315) must fit in it; it allows train=237 with test=63, or a shorter test',
    );
    expect(() => planFolds(parseWalkForward('train=10,test=63'), window(50))).toThrow(/must fit in it; shorten train and test, or widen the range/);
    expect(spans(planFolds(parseWalkForward('train=237,test=63'), window(300)))).toEqual([[0, 236, 237, 299]]);
  });

  it('the embargo counts toward the room, and the message says what fits with it (bad input, E_WALK_FORWARD_RANGE)', () => {
    // 40 + 5 + 20 = 65 > 62: refused, though 40 + 20 would fit; with the embargo, train may be 62 − 5 − 20 = 37
    const spec = parseWalkForward('train=40,test=20,embargo=5');
    expect(() => planFolds(spec, window(62))).toThrow(
      '--walk-forward train=40,test=20,embargo=5: the evaluation window has 62 trading days (2025-01-01 → 2025-03-03): train + embargo + test (65) must fit in it; it allows train=37 with test=20 and embargo=5, or a shorter test',
    );
    expect(() => planFolds(spec, window(62))).toThrow(expect.objectContaining({ code: 'E_WALK_FORWARD_RANGE' }));
    expect(spans(planFolds(spec, window(65)))).toEqual([[0, 39, 45, 64]]);
    // room for a single training day still names it; a one-day window is "1 trading day"
    expect(() => planFolds(parseWalkForward('train=5,test=20'), window(21))).toThrow(/it allows train=1 with test=20, or a shorter test/);
    expect(() => planFolds(parseWalkForward('train=5,test=20'), window(1))).toThrow(/the evaluation window has 1 trading day \(2025-01-01 → 2025-01-01\): .*shorten train and test, or widen the range/);
  });

  it('a last test window of one day is a fold; a fold whose next one starts on the last day stops the day before', () => {
    expect(spans(planFolds(parseWalkForward('train=40,test=20'), window(61)))).toEqual([[0, 39, 40, 59], [20, 59, 60, 60]]);
    expect(spans(planFolds(parseWalkForward('train=40,test=20,step=10'), window(91))).slice(-2)).toEqual([[40, 79, 80, 89], [50, 89, 90, 90]]);
  });
});

describe('the options\' exact messages and edges', () => {
  it('names the option as given, the syntax, and the code E_BAD_WALK_FORWARD', () => {
    expect(() => parseWalkForward('train=252,tset=63')).toThrow(
      '--walk-forward train=252,tset=63: unknown part "tset" (did you mean test?); expected train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS]',
    );
    expect(() => parseWalkForward('train=5, ,test=2')).toThrow('--walk-forward train=5, ,test=2: an empty part; expected train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS]');
    expect(() => parseWalkForward('=5,test=2')).toThrow('--walk-forward =5,test=2: unknown part ""; expected');
    expect(() => parseWalkForward('train=5,test=2,embargo=')).toThrow('--walk-forward train=5,test=2,embargo=: embargo= must be a whole number of trading days, 0 or more');
    expect(() => parseWalkForward('train=5,test')).toThrow('--walk-forward train=5,test: test needs a number of trading days (test=DAYS)');
    for (const text of ['train=5,test=2,embargo=', 'x=1', 'train=5']) expect(() => parseWalkForward(text)).toThrow(expect.objectContaining({ code: 'E_BAD_WALK_FORWARD' }));
  });

  it('takes spaces around keys and values, and the least values: train=1, test=1, embargo=0', () => {
    expect(parseWalkForward('train =5,test= 2 ')).toMatchObject({ train: 5, test: 2 });
    expect(parseWalkForward('train=1,test=1,embargo=0')).toMatchObject({ train: 1, test: 1, step: 1, embargo: 0 });
  });

  it('--holdout: 1 day is the least; a date with spaces around it; anything around a date is not one', () => {
    expect(parseHoldout('1')).toMatchObject({ kind: 'holdout', days: 1 });
    expect(parseHoldout(' 2025-01-05 ')).toMatchObject({ kind: 'holdout', date: '2025-01-05' });
    const notADay = (text: string) => `--holdout ${text}: must be a whole number of trading days, 1 or more, or a date (YYYY-MM-DD) where the holdout starts`;
    for (const text of ['2025-01-05x', 'x2025-01-05', '0']) expect(() => parseHoldout(text)).toThrow(notADay(text));
    expect(() => parseHoldout('2025-02-30')).toThrow('--holdout 2025-02-30: not a real date in YYYY-MM-DD form');
    for (const text of ['2025-02-30', '0']) expect(() => parseHoldout(text)).toThrow(expect.objectContaining({ code: 'E_BAD_WALK_FORWARD' }));
    expect(describeSpec(parseHoldout('30'))).toBe('--holdout 30');
    expect(describeSpec(parseHoldout('2025-01-05'))).toBe('--holdout 2025-01-05');
  });
});

describe('planFolds --holdout', () => {
  it('DAYS: one fold, training on every day before the last DAYS', () => {
    expect(spans(planFolds(parseHoldout('30'), window(100, 20)))).toEqual([[0, 69, 70, 99]]);
  });

  it('DATE: the test starts on the first day of the window on or after it', () => {
    const w = window(100, 20);
    expect(spans(planFolds(parseHoldout(w.dates[60]!), w))).toEqual([[0, 59, 60, 99]]);
  });

  it.each([
    ['100', /--holdout 100: the evaluation window has 100 trading days .*, so it leaves no training days; the range allows --holdout 1 … 80 \(days\), or a date from 2025-01-21 to 2025-04-10/],
    ['90', /--holdout 90 leaves 10 training days, fewer than the longest warm-up \(20 bars \(variant 3\)\); the range allows --holdout 1 … 80/],
    ['2025-01-05', /--holdout 2025-01-05 leaves 4 training days, fewer than the longest warm-up/],
    ['2025-05-01', /--holdout 2025-05-01: after the evaluation window's last day \(2025-04-10\); the range allows/],
  ])('%s: bad input', (text, message) => {
    expect(() => planFolds(parseHoldout(text), window(100, 20))).toThrow(message);
  });

  it('the holdout\'s edges: exactly the warm-up\'s training days is enough; one day or none is not, said in the singular', () => {
    expect(spans(planFolds(parseHoldout('80'), window(100, 20)))).toEqual([[0, 19, 20, 99]]);
    expect(() => planFolds(parseHoldout('99'), window(100, 20))).toThrow(/--holdout 99 leaves 1 training day, fewer than the longest warm-up \(20 bars \(variant 3\)\)/);
    // a date on the window's first day leaves no training day (not "after the last day"); no warm-up still needs one day
    const w = window(100, 0);
    expect(() => planFolds(parseHoldout(w.dates[0]!), w)).toThrow(`--holdout ${w.dates[0]} leaves 0 training days, fewer than the longest warm-up (0 bars (variant 3)); the range allows --holdout 1 … 99 (days), or a date from 2025-01-02 to 2025-04-10`);
    // without a name for the warm-up's variant, none is shown
    expect(() => planFolds(parseHoldout('95'), { ...window(100, 20), warmupOf: undefined })).toThrow(/fewer than the longest warm-up \(20 bars\); /);
    // a range no longer than the warm-up leaves no holdout at all; one day longer allows exactly --holdout 1
    expect(() => planFolds(parseHoldout('5'), window(20, 20))).toThrow(/leaves 15 training days, .*; the range is too short for a holdout: widen it$/);
    expect(() => planFolds(parseHoldout('5'), window(21, 20))).toThrow(/the range allows --holdout 1 … 1 \(days\), or a date from 2025-01-21 to 2025-01-21$/);
    for (const text of ['100', '90', '2025-05-01']) expect(() => planFolds(parseHoldout(text), window(100, 20))).toThrow(expect.objectContaining({ code: 'E_WALK_FORWARD_RANGE' }));
  });

  it.each(['0', '-3', '2.5', 'soon', '2025-02-30'])('--holdout %s: bad input before any data', (text) => {
    expect(() => parseHoldout(text)).toThrow(/--holdout/);
  });
});
