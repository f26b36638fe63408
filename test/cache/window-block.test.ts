import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WindowCache, type CachedSeries } from '../../src/cache/index.ts';
import { readEntry, readHeader } from '../../src/cache/entry-file.ts';
import { DataError } from '../../src/errors.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { panelFromSeries, SERIES_FIELDS } from '../../src/source/supabase/series.ts';
import { tempDir } from '../support/cli.ts';
import { mulberry32 as random } from '../support/random.ts';

const FROM = 20_000, TO = 20_120;

/** 40 symbols (saved out of order) with gaps, missing fields, rows without a close, and one without rows. */
function market(seed = 5): { symbols: string[]; series: CachedSeries[] } {
  const rnd = random(seed);
  const symbols = Array.from({ length: 40 }, (_, k) => `S${String((k * 17) % 40).padStart(2, '0')}`);
  const series = symbols.map((_, k) => {
    const days: number[] = [];
    if (k !== 7) for (let d = FROM + (k % 5); d <= TO - (k % 3); d++) if (rnd() < 0.8) days.push(d);
    const maybe = (v: number, p: number) => (rnd() < p ? NaN : v);
    const close = days.map(() => maybe(10 + rnd(), 0.05));
    return {
      days: Int32Array.from(days), close: Float64Array.from(close),
      open: Float64Array.from(close, (c) => maybe((c || 10) * 0.99, 0.1)), high: Float64Array.from(close, (c) => maybe((c || 10) * 1.02, 0.1)),
      low: Float64Array.from(close, (c) => maybe((c || 10) * 0.98, 0.1)), volume: Float64Array.from(close, () => maybe(Math.floor(rnd() * 1e6), 0.1)),
    };
  });
  return { symbols, series };
}

const header = (symbols: string[]) => ({ host: 'db.example.test', table: 'prices', from: FROM, to: TO, symbols, revisions: symbols.map(() => null) });
const copy = (s: CachedSeries): CachedSeries => ({ days: s.days.slice(), open: s.open.slice(), high: s.high.slice(), low: s.low.slice(), close: s.close.slice(), volume: s.volume.slice() });
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Two panels the same: calendar, columns, first and last bars, and every cell bit for bit. */
function expectSamePanel(a: Panel, b: Panel): void {
  expect(Array.from(a.days)).toEqual(Array.from(b.days));
  expect(a.symbols).toEqual(b.symbols);
  expect(a.names).toEqual(b.names);
  expect(Array.from(a.firstBar)).toEqual(Array.from(b.firstBar));
  expect(Array.from(a.lastBar)).toEqual(Array.from(b.lastBar));
  for (const f of SERIES_FIELDS) expect(bytes(a[f]).equals(bytes(b[f])), f).toBe(true);
}

async function saved(symbols: string[], series: CachedSeries[]) {
  const cache = WindowCache.open({ root: tempDir(), env: {} })!;
  const { file } = cache.save(header(symbols), series, symbols.map(() => new Map()))!;
  return { cache, file, data: await readEntry(file) };
}

describe('a cached window laid out as the panel (format 2)', () => {
  it('gives every symbol\'s rows back exactly, rows without a close included', async () => {
    const { symbols, series } = market();
    const { data } = await saved(symbols, series);
    expect(data.header.symbols).toEqual(symbols);
    data.series.forEach((s, k) => {
      expect(Array.from(s.days), symbols[k]).toEqual(Array.from(series[k]!.days));
      for (const f of SERIES_FIELDS) expect(bytes(s[f]).equals(bytes(series[k]![f])), `${symbols[k]} ${f}`).toBe(true);
    });
  });

  it('the panel built from it is the panel built from the same rows held plainly: whole, a part of the dates, in shared memory', async () => {
    const { symbols, series } = market();
    const { data } = await saved(symbols, series);
    const members = symbols.map((symbol, k) => ({ symbol, peer_group: `g${k % 3}`, name: `n${k}` }));
    const plain = new Map(symbols.map((s, k) => [s, copy(series[k]!)]));
    const cached = new Map(symbols.map((s, k) => [s, data.series[k]!]));
    for (const [from, to, shared] of [[FROM, TO, false], [FROM + 9, TO - 20, false], [FROM, TO, true], [FROM - 30, TO + 30, false]] as const) {
      const want = panelFromSeries(members, (s) => plain.get(s)!, from, to, shared);
      const got = panelFromSeries(members, (s) => cached.get(s)!, from, to, shared);
      expect(got.rows).toBe(want.rows);
      expectSamePanel(got.panel, want.panel);
      expect(got.panel.close.buffer instanceof SharedArrayBuffer).toBe(shared);
    }
    // Whole and not shared: the file's matrices are the panel's arrays, no copy.
    expect(panelFromSeries(members, (s) => cached.get(s)!, FROM, TO).panel.close).toBe(data.block.fields.close);
  });

  it('other members than the file\'s, or a day whose only rows have no close: built the general way, the same', async () => {
    const { symbols, series } = market(9);
    // A day on which every row lacks a close: a day of the file's calendar but no bar of the panel.
    const day = FROM + 50;
    const bare = series.map((s) => ({ ...s, close: s.close.map((c, i) => (s.days[i] === day ? NaN : c)) }));
    const { data } = await saved(symbols, bare);
    expect(Array.from(data.block.calendar)).toContain(day);
    const members = symbols.map((symbol) => ({ symbol, peer_group: 'g', name: '' }));
    const plain = new Map(symbols.map((s, k) => [s, copy(bare[k]!)]));
    const cached = new Map(symbols.map((s, k) => [s, data.series[k]!]));
    const whole = panelFromSeries(members, (s) => cached.get(s)!, FROM, TO);
    expect(Array.from(whole.panel.days)).not.toContain(day);
    expectSamePanel(whole.panel, panelFromSeries(members, (s) => plain.get(s)!, FROM, TO).panel);
    const some = members.slice(0, 25);
    expectSamePanel(panelFromSeries(some, (s) => cached.get(s)!, FROM, TO).panel, panelFromSeries(some, (s) => plain.get(s)!, FROM, TO).panel);
  });

  it('a bad row in a cached window is named as it would be from the server', async () => {
    const { symbols, series } = market(3);
    const k = series.findIndex((s) => s.days.length > 10 && !Number.isNaN(s.close[10]!));
    series[k]!.close[10] = -1;
    const { data } = await saved(symbols, series);
    const members = symbols.map((symbol) => ({ symbol, peer_group: 'g', name: '' }));
    const plain = new Map(symbols.map((s, j) => [s, copy(series[j]!)]));
    const cached = new Map(symbols.map((s, j) => [s, data.series[j]!]));
    const fresh = (() => { try { panelFromSeries(members, (s) => plain.get(s)!, FROM, TO); } catch (err) { return err; } })();
    expect(fresh).toBeInstanceOf(DataError);
    expect(() => panelFromSeries(members, (s) => cached.get(s)!, FROM, TO)).toThrow((fresh as Error).message);
  });

  it('a window with a repeated day (which no panel takes) is not written', () => {
    const cache = WindowCache.open({ root: tempDir(), env: {} })!;
    const s: CachedSeries = { days: Int32Array.of(FROM, FROM), open: Float64Array.of(1, 1), high: Float64Array.of(1, 1), low: Float64Array.of(1, 1), close: Float64Array.of(1, 1), volume: Float64Array.of(1, 1) };
    expect(cache.save(header(['A']), [s], [new Map()])).toBeUndefined();
    expect(cache.list()).toEqual([]);
  });

  it('a file of the previous format (version 1) is refused and discarded, its window read again', async () => {
    const { symbols, series } = market();
    const { cache, file } = await saved(symbols, series);
    // The same file as format 1 would say it is: its header's version 1 (the size check would refuse it too).
    const whole = readFileSync(file);
    const length = whole.readUInt32LE(8);
    const json = JSON.parse(whole.toString('utf8', 16, 16 + length));
    const old = Buffer.from(JSON.stringify({ ...json, version: 1 }).padEnd(length, ' '));
    expect(old.length).toBe(length);
    writeFileSync(file, Buffer.concat([whole.subarray(0, 16), old, whole.subarray(16 + length)]));
    expect(() => readHeader(file)).toThrow(/format vopa-window 1, not vopa-window 2/);
    const found = cache.find('db.example.test', 'prices', symbols, FROM, TO);
    expect(found.best).toBeUndefined();
    expect(found.damaged).toEqual([expect.stringMatching(/not vopa-window 2/)]);
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });
});
