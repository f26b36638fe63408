import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/supabase/limiter.ts';

/** A limiter of 8 that records the limits it was changed to (times are given, never waited for). */
function limiter() {
  const changes: number[] = [];
  const l = new Limiter(8, (limit) => { changes.push(limit); });
  return { l, changes };
}

const answers = (l: Limiter, n: number, at: number) => { for (let k = 0; k < n; k++) l.answered(at); };

describe('the in-flight limiter', () => {
  it('an isolated drop, or two drops far apart, leave the limit alone', () => {
    const { l, changes } = limiter();
    l.connectionDropped(8, l.epoch, 0);
    answers(l, 10, 100);
    l.connectionDropped(8, l.epoch, 2_500); // the first is out of the 2 s window
    expect(l.limit).toBe(8);
    expect(changes).toEqual([]);
  });

  it('two drops within 2 s that are a fair share of what finished lower it to the requests running less one, once per event', async () => {
    const { l, changes } = limiter();
    answers(l, 5, 0);
    l.connectionDropped(6, l.epoch, 10);
    l.connectionDropped(6, l.epoch, 20);
    expect(l.limit).toBe(5);
    await Promise.resolve();
    const stale = l.epoch - 1;
    l.connectionDropped(6, stale, 30); // begun before the decrease: the same event
    l.connectionDropped(6, stale, 40);
    expect(changes).toEqual([5]);
  });

  it('drops that are a small share of many answers (a load balancer recycling sockets) do not lower it', () => {
    const { l } = limiter();
    for (let k = 0; k < 10; k++) {
      answers(l, 45, k * 100);
      l.connectionDropped(8, l.epoch, k * 100 + 50);
    }
    expect(l.limit).toBe(8);
  });

  it('rises by one after 50 answers in a row, never above its maximum; a probe that fails doubles the wait', async () => {
    const { l, changes } = limiter();
    answers(l, 2, 0);
    l.connectionDropped(5, l.epoch, 1);
    l.connectionDropped(5, l.epoch, 2);
    expect(l.limit).toBe(4);
    await Promise.resolve(); // the pool is rebuilt
    answers(l, 49, 3_000);
    expect(l.limit).toBe(4);
    l.answered(3_000);
    expect(l.limit).toBe(5);
    await Promise.resolve();
    l.connectionDropped(5, l.epoch, 3_001); // the probe fails: the server holds 4
    l.connectionDropped(5, l.epoch, 3_002);
    expect(l.limit).toBe(4);
    await Promise.resolve();
    answers(l, 99, 6_000);
    expect(l.limit).toBe(4); // 100 needed now
    l.answered(6_000);
    expect(l.limit).toBe(5);
    for (let k = 0; k < 10; k++) {
      await Promise.resolve();
      answers(l, 100, 9_000);
    }
    expect(l.limit).toBe(8);
    expect(changes).toEqual([4, 5, 4, 5, 6, 7, 8]);
  });
});
