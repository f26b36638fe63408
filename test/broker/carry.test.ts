import { describe, expect, it } from 'vitest';
import { Carry } from '../../src/broker/carry.ts';

/**
 * The remainders a participation limit carries to the next fill day (the runner's tests check them
 * inside whole runs): kept in column order whatever order they come in, counted unfilled when dropped,
 * handed back — and forgotten — for another attempt.
 */
describe('carried remainders', () => {
  it('keeps the carried columns ascending, whatever the order they are set in; setting one again replaces its remainder', () => {
    const c = new Carry(8);
    for (const [i, s, ref] of [[5, 10, 20], [2, -4, 50], [7, 3, 10], [0, 1, 99], [2, -6, 51]] as const) c.set(i, s, ref);
    expect(c.count).toBe(4);
    expect(Array.from(c.columns.subarray(0, c.count))).toEqual([0, 2, 5, 7]);
    expect([c.shares[2], c.reference[2]]).toEqual([-6, 51]);
  });

  it('drops one remainder: counted unfilled at |shares| × its last reference price, the others kept in order', () => {
    const c = new Carry(8);
    c.set(5, 10, 20);
    c.set(2, -4, 50);
    c.set(7, 3, 10);
    c.drop(5);
    expect(c.unfilled).toBe(200);
    expect(Array.from(c.columns.subarray(0, c.count))).toEqual([2, 7]);
    expect(c.shares[5]).toBe(0);
    c.drop(5); // nothing left there: nothing counted
    c.drop(4);
    expect([c.unfilled, c.count]).toEqual([200, 2]);
    c.drop(2);
    expect(c.unfilled).toBe(400);
    expect(Array.from(c.columns.subarray(0, c.count))).toEqual([7]);
    // a column carried again after its drop goes back in its place
    c.set(1, 2, 5);
    expect(Array.from(c.columns.subarray(0, c.count))).toEqual([1, 7]);
  });

  it('drops every remainder at once, counted unfilled', () => {
    const c = new Carry(4);
    c.set(3, -2, 25);
    c.set(1, 4, 10);
    c.dropAll();
    expect([c.unfilled, c.count, c.shares[1], c.shares[3]]).toEqual([90, 0, 0, 0]);
  });

  it('hands the remainders back in column order for another attempt, and forgets them (not counted unfilled)', () => {
    const c = new Carry(6);
    c.set(4, 7, 11);
    c.set(1, -3, 12);
    const delta = new Float64Array(6), active = new Int32Array(6);
    expect(c.take(delta, active)).toBe(2);
    expect(Array.from(active.subarray(0, 2))).toEqual([1, 4]);
    expect(Array.from(delta)).toEqual([0, -3, 0, 0, 7, 0]);
    expect([c.count, c.unfilled, c.shares[1], c.shares[4]]).toEqual([0, 0, 0, 0]);
  });
});
