import { describe, expect, it } from 'vitest';
import { VERDICT_THRESHOLDS, verdictSentence, type VerdictInput } from '../../src/statistics/verdict.ts';

const base: VerdictInput = { trials: 1000, effectiveTrials: 310, bestSharpe: 2.9, bestDsr: 0.41, pbo: 0.62, spaPvalue: null };

describe('the verdict: one plain sentence', () => {
  it('the issue’s example, word for word', () => {
    expect(verdictSentence(base)).toBe("the best variant's Sharpe 2.9 is not distinguishable from the best of 1,000 tries of no skill worth 310 independent ones (DSR 0.41, PBO 0.62)");
  });

  it('a DSR at the 95 % threshold stands out; PBO above ½ says the choice does not hold out of sample', () => {
    expect(VERDICT_THRESHOLDS).toEqual({ dsr: 0.95, pbo: 0.5 });
    expect(verdictSentence({ ...base, bestDsr: 0.95, pbo: 0.5 })).toBe("the best variant's Sharpe 2.9 stands out from the best of 1,000 tries of no skill worth 310 independent ones (DSR 0.95, PBO 0.50)");
    expect(verdictSentence({ ...base, bestDsr: 0.97, pbo: 0.62, spaPvalue: 0.2 })).toBe(
      "the best variant's Sharpe 2.9 stands out from the best of 1,000 tries of no skill worth 310 independent ones (DSR 0.97), but picking the best does not hold out of sample (PBO 0.62, SPA p 0.20)",
    );
    expect(verdictSentence({ ...base, bestDsr: 0.9499 })).toMatch(/is not distinguishable/);
  });

  it('quotes what is there: no PBO, an SPA p, a large N with separators, a single effective try', () => {
    expect(verdictSentence({ ...base, pbo: null, spaPvalue: 0.031 })).toBe("the best variant's Sharpe 2.9 is not distinguishable from the best of 1,000 tries of no skill worth 310 independent ones (DSR 0.41, SPA p 0.03)");
    expect(verdictSentence({ ...base, trials: 2000, effectiveTrials: 1234.4 })).toMatch(/the best of 2,000 tries of no skill worth 1,234 independent ones/);
    expect(verdictSentence({ ...base, effectiveTrials: 1.2 })).toMatch(/from the best of 1,000 tries of no skill worth 1\.2 independent ones/);
    expect(verdictSentence({ ...base, effectiveTrials: 1000 })).toMatch(/the best of 1,000 independent tries/);
    expect(verdictSentence({ ...base, effectiveTrials: null })).toMatch(/the best of 1,000 independent tries/);
    expect(verdictSentence({ ...base, bestSharpe: 0.42 })).toMatch(/Sharpe 0\.42 is/);
  });

  it('one variant: PSR against zero, nothing to deflate', () => {
    expect(verdictSentence({ trials: 1, effectiveTrials: 1, bestSharpe: 1.23, bestDsr: 0.93, pbo: null, spaPvalue: 0.4 })).toBe(
      "the variant's Sharpe 1.2 is not distinguishable from no skill (PSR 0.93, SPA p 0.40); with one variant there is no selection to deflate",
    );
    expect(verdictSentence({ trials: 1, effectiveTrials: 1, bestSharpe: 3.1, bestDsr: 0.999, pbo: null, spaPvalue: null })).toMatch(/^the variant's Sharpe 3\.1 is distinguishable from no skill \(PSR 1\.00\)/);
  });

  it('no positive Sharpe, or none at all', () => {
    expect(verdictSentence({ ...base, bestSharpe: -0.3, bestDsr: 0.01, pbo: 0.55 })).toBe("the best variant's Sharpe -0.30 is not above zero: no variant shows skill (DSR 0.01, PBO 0.55)");
    expect(verdictSentence({ ...base, trials: 0, bestSharpe: null, bestDsr: null })).toMatch(/^no variant has a Sharpe ratio to judge/);
  });

  it('at the edges: each threshold and rounding, word for word', () => {
    const head = "the best variant's Sharpe";
    // a Sharpe of exactly 0 is not above zero; 0.995 is shown with one decimal (1.0), 0.994 with two
    expect(verdictSentence({ ...base, bestSharpe: 0 })).toBe(`${head} 0.00 is not above zero: no variant shows skill (DSR 0.41, PBO 0.62)`);
    expect(verdictSentence({ ...base, bestSharpe: 0.995 })).toMatch(/Sharpe 1\.0 is not distinguishable/);
    expect(verdictSentence({ ...base, bestSharpe: 0.994 })).toMatch(/Sharpe 0\.99 is not distinguishable/);
    // N_eff: one decimal below 9.95, a whole number from it on; exactly one is "one", not "ones"
    expect(verdictSentence({ ...base, effectiveTrials: 9.95 })).toMatch(/worth 10 independent ones \(/);
    expect(verdictSentence({ ...base, effectiveTrials: 9.94 })).toMatch(/worth 9\.9 independent ones \(/);
    expect(verdictSentence({ ...base, effectiveTrials: 1 })).toMatch(/worth 1\.0 independent one \(/);
    // one variant: a PSR of exactly 0.95 is distinguishable
    expect(verdictSentence({ trials: 1, effectiveTrials: 1, bestSharpe: 2, bestDsr: 0.95, pbo: null, spaPvalue: null })).toBe(
      "the variant's Sharpe 2.0 is distinguishable from no skill (PSR 0.95); with one variant there is no selection to deflate",
    );
    // nothing to judge: no variant, no Sharpe, or no DSR — each alone
    const none = /^no variant has a Sharpe ratio to judge \(no returns over the window, or returns that never vary\)$/;
    expect(verdictSentence({ ...base, trials: 0 })).toMatch(none);
    expect(verdictSentence({ ...base, bestSharpe: null })).toMatch(none);
    expect(verdictSentence({ ...base, bestDsr: null })).toMatch(none);
  });
});
