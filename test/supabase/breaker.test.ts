import { describe, expect, it } from 'vitest';
import { Breaker } from '../../src/supabase/breaker.ts';
import { SupabaseUnavailableError } from '../../src/supabase/errors.ts';

const options = { threshold: 3, minOutageMs: 1_000, coolDownMs: 30_000 };

/** A breaker opened at t = 2 000 ms by three failures over 2 s. */
function opened(): Breaker {
  const b = new Breaker('x.supabase.co', options);
  b.failure('http 503', 0);
  b.failure('http 503', 1_000);
  b.failure('http 503', 2_000);
  return b;
}

describe('the circuit breaker', () => {
  it('opens after enough failures over enough time, and a success in between starts over', () => {
    const b = new Breaker('x.supabase.co', options);
    b.failure('http 503', 0);
    b.failure('http 503', 1_500);
    b.success();
    b.failure('http 503', 2_000);
    expect(() => b.check(2_000)).not.toThrow();
    const o = opened();
    expect(() => o.check(2_001)).toThrow(SupabaseUnavailableError);
    expect(() => o.check(2_001)).toThrow(/Supabase at x\.supabase\.co kept failing \(3 failures in a row over 2 s; last: http 503\)/);
  });

  it('half-open after the cool-down: one probe goes through, the others still fail; an answer closes it', () => {
    const b = opened();
    expect(() => b.check(31_000)).toThrow(SupabaseUnavailableError); // 29 s: still cooling down
    expect(() => b.check(32_000)).not.toThrow(); // the probe
    expect(() => b.check(32_001)).toThrow(SupabaseUnavailableError); // while it is out
    b.success();
    expect(() => b.check(32_002)).not.toThrow();
    expect(() => b.check(32_003)).not.toThrow();
  });

  it('a failed probe opens it for another cool-down; an inconclusive one lets the next attempt probe', () => {
    const b = opened();
    b.check(32_000);
    b.failure('connect ECONNREFUSED', 32_100);
    expect(() => b.check(40_000)).toThrow(/last: connect ECONNREFUSED/);
    expect(() => b.check(62_100)).not.toThrow(); // the next probe
    b.inconclusive();
    expect(() => b.check(62_200)).not.toThrow();
  });
});
