import { describe, expect, it } from 'vitest';
import { Breaker, DEFAULT_BREAKER } from '../../src/supabase/breaker.ts';
import { SupabaseUnavailableError } from '../../src/supabase/errors.ts';

/**
 * The breaker's minimum-outage rule with its defaults (12 failures in a row over at least 15 s): a
 * short burst is retried through however late in a long run it comes; a server that stays down that
 * long stops the run, at the first failure that meets both conditions.
 */
describe('the breaker opens only for an outage long in count and in time', () => {
  it('a burst of failures late in a long, healthy run does not open it', () => {
    const b = new Breaker('x.supabase.co', DEFAULT_BREAKER);
    for (let t = 0; t <= 3_600_000; t += 1_000) {
      b.check(t);
      b.success();
    }
    // an hour in, 40 failures in 400 ms: many in a row, but over far less than 15 s
    for (let k = 0; k < 40; k++) b.failure('http 503', 3_600_000 + 10 * k);
    expect(() => b.check(3_600_500)).not.toThrow();
    b.success();
    expect(() => b.check(3_600_600)).not.toThrow();
  });

  it('a long outage opens it at the failure that completes 15 s, not one before', () => {
    const b = new Breaker('x.supabase.co', DEFAULT_BREAKER);
    b.success(); // up at first
    const start = 7_200_000;
    for (let k = 0; k < 15; k++) {
      b.failure('connect ECONNREFUSED', start + 1_000 * k); // 15 failures over 14 s
      expect(() => b.check(start + 1_000 * k + 1), `after ${k + 1} failures`).not.toThrow();
    }
    b.failure('connect ECONNREFUSED', start + 15_000); // the 16th, 15 s after the first
    expect(() => b.check(start + 15_001)).toThrow(SupabaseUnavailableError);
    expect(() => b.check(start + 15_001)).toThrow(/16 failures in a row over 15 s; last: connect ECONNREFUSED/);
  });

  it('many failures spread over a long time, each streak ended by an answer, never open it', () => {
    const b = new Breaker('x.supabase.co', DEFAULT_BREAKER);
    for (let t = 0; t < 600_000; t += 20_000) {
      for (let k = 0; k < 11; k++) b.failure('http 502', t + 1_000 * k); // 11 in a row, 10 s
      b.success();
    }
    expect(() => b.check(600_000)).not.toThrow();
    // 11 failures over a minute: long enough, but one short of the count
    for (let k = 0; k < 11; k++) {
      b.failure('http 502', 700_000 + 6_000 * k);
      expect(() => b.check(700_000 + 6_000 * k + 1), `after ${k + 1} failures`).not.toThrow();
    }
    b.failure('http 502', 770_000); // the 12th
    expect(() => b.check(770_001)).toThrow(/12 failures in a row over 70 s/);
  });

  it('a failure of a request already in flight when it opened does not push the cool-down back', () => {
    const b = new Breaker('x.supabase.co', DEFAULT_BREAKER);
    for (let k = 0; k <= 15; k++) b.failure('http 503', 1_000 * k); // opens at 15 s
    b.failure('http 503', 20_000); // an attempt sent before it opened fails late
    expect(() => b.check(44_999)).toThrow(SupabaseUnavailableError);
    expect(() => b.check(45_000)).not.toThrow(); // 30 s after it opened: the probe goes
  });
});
