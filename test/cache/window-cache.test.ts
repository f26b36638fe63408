import { chmodSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheFileError, WindowCache } from '../../src/cache/index.ts';
import { readEntry, type CachedSeries } from '../../src/cache/entry-file.ts';
import { UsageError } from '../../src/errors.ts';
import { tempDir } from '../support/cli.ts';

/** A symbol's rows: `n` days from `first`, values from `seed`. */
function series(n: number, first = 20_000, seed = 1): CachedSeries {
  const days = Int32Array.from({ length: n }, (_, k) => first + k);
  const f = (o: number) => Float64Array.from({ length: n }, (_, k) => seed * 100 + k + o / 10);
  return { days, open: f(1), high: f(2), low: f(3), close: f(4), volume: f(5) };
}

const header = (symbols: string[], from = 20_000, to = 20_099) => ({ host: 'db.example.test:443', table: 'prices', from, to, symbols, revisions: symbols.map((_, k) => (k === 0 ? null : `${9_000_000_000_000 + k}`)) });

describe('a cached window file', () => {
  it('reads back every value bit for bit, with revisions (none, known, unknown)', async () => {
    const cache = WindowCache.open({ root: tempDir(), env: {} })!;
    const odd: CachedSeries = { ...series(3), open: Float64Array.of(-0, NaN, 5e-324), volume: Float64Array.of(1.7976931348623157e308, 0.1 + 0.2, -1) };
    const months = [new Map([[19_997, '12'], [20_028, '?']]), new Map<number, string>()];
    const saved = cache.save(header(['Ａ😀', 'B']), [odd, series(0)], months)!;
    const back = await readEntry(saved.file);
    expect(back.header.symbols).toEqual(['Ａ😀', 'B']);
    expect(back.header.revisions).toEqual([null, '9000000000001']);
    expect(Array.from(back.series[0]!.open)).toEqual([-0, NaN, 5e-324]);
    expect(Object.is(back.series[0]!.open[0], -0)).toBe(true);
    expect(Array.from(back.series[0]!.volume)).toEqual([1.7976931348623157e308, 0.1 + 0.2, -1]);
    expect(Array.from(back.series[0]!.days)).toEqual([20_000, 20_001, 20_002]);
    expect(back.series[1]!.days).toHaveLength(0);
    expect([...back.months[0]!]).toEqual([[19_997, '12'], [20_028, '?']]);
    expect(statSync(saved.file).size).toBe(saved.bytes);
    // Written through a temporary file that is gone once the window is in place.
    expect(readdirSync(join(saved.file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a file cut anywhere, or with one byte changed, is refused (and, through the cache, deleted)', async () => {
    const cache = WindowCache.open({ root: tempDir(), env: {} })!;
    const { file, bytes } = cache.save(header(['A', 'B']), [series(50), series(40, 20_010, 2)], [new Map([[20_000, '5']]), new Map()])!;
    const whole = readFileSync(file);
    for (const end of [0, 7, 16, 100, bytes >> 1, bytes - 17, bytes - 1]) {
      writeFileSync(file, whole.subarray(0, end));
      await expect(readEntry(file), `cut at ${end}`).rejects.toThrow(CacheFileError);
    }
    for (const at of [20, whole.length >> 1, whole.length - 20]) {
      const changed = Buffer.from(whole);
      changed[at]! ^= 0x10;
      writeFileSync(file, changed);
      await expect(readEntry(file), `byte ${at} changed`).rejects.toThrow(CacheFileError);
    }
    writeFileSync(file, whole);
    expect((await readEntry(file)).series[1]!.days[0]).toBe(20_010);
    truncateSync(file, bytes - 16); // no trailer: written only in part
    expect(await cache.load(file)).toMatchObject({ damaged: expect.stringMatching(/expected \(cut or half-written\)/) });
    expect(existsSync(file)).toBe(false);
  });
});

describe('the window cache', () => {
  it('finds the file holding most of the symbols over the dates asked, and nothing for another project or table', () => {
    const cache = WindowCache.open({ root: tempDir(), env: {} })!;
    cache.save(header(['A', 'B']), [series(10), series(10)], [new Map(), new Map()]);
    const big = cache.save(header(['A', 'B', 'C']), [series(10), series(10), series(10)], [new Map(), new Map(), new Map()])!;
    cache.save(header(['A', 'B', 'C', 'D'], 30_000, 30_100), [series(1, 30_000), series(1, 30_000), series(1, 30_000), series(1, 30_000)], [new Map(), new Map(), new Map(), new Map()]);
    expect(cache.find('db.example.test:443', 'prices', ['A', 'B', 'C', 'D'], 20_050, 20_060).best?.file).toBe(big.file);
    expect(cache.find('db.example.test:443', 'prices', ['X'], 20_050, 20_060).best).toBeUndefined();
    expect(cache.find('other.example.test:443', 'prices', ['A'], 20_050, 20_060).best).toBeUndefined();
    expect(cache.find('db.example.test:443', 'eod', ['A'], 20_050, 20_060).best).toBeUndefined();
  });

  it('keeps under BACKTEST_CACHE_MAX_MB by evicting the least recently used windows', () => {
    // Each window: 2 symbols × 6,000 rows × 44 bytes ≈ 516 KiB; a cap of 1.2 MB holds two.
    const root = tempDir();
    const cache = WindowCache.open({ root, env: { BACKTEST_CACHE_MAX_MB: '1.2' } })!;
    const save = (name: string) => cache.save(header([name, `${name}2`]), [series(6_000), series(6_000)], [new Map(), new Map()])!.file;
    const a = save('A');
    const b = save('B');
    const past = new Date(Date.now() - 60_000);
    utimesSync(b, past, past);
    utimesSync(a, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    cache.touch(a); // A used last: B is now the least recently used
    const c = save('C');
    expect([existsSync(a), existsSync(b), existsSync(c)]).toEqual([true, false, true]);
    expect(cache.list().reduce((k, e) => k + e.bytes, 0)).toBeLessThanOrEqual(1.2 * 1024 * 1024);
    // A window larger than the cap alone is not kept (nor does it evict the others).
    const huge = cache.save(header(['H']), [series(40_000)], [new Map()]);
    expect(huge).toBeUndefined();
    expect([existsSync(a), existsSync(c)]).toEqual([true, true]);
  });

  it('clears every window, or only those unused for a number of days (and stale temporary files)', () => {
    const root = tempDir();
    const cache = WindowCache.open({ root, env: {} })!;
    const fresh = cache.save(header(['A']), [series(5)], [new Map()])!.file;
    const old = cache.save(header(['B']), [series(5)], [new Map()])!.file;
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(old, tenDaysAgo, tenDaysAgo);
    const temp = join(fresh, '..', '.abandoned.123.tmp');
    writeFileSync(temp, 'half');
    utimesSync(temp, tenDaysAgo, tenDaysAgo);
    expect(cache.clear(7)).toMatchObject({ removed: 1 });
    expect([existsSync(fresh), existsSync(old), existsSync(temp)]).toEqual([true, false, false]);
    expect(cache.clear()).toMatchObject({ removed: 1 });
    expect(cache.list()).toEqual([]);
  });

  it('a folder that cannot be written: no cache, one warning; a bad BACKTEST_CACHE_MAX_MB is bad input', () => {
    const parent = tempDir();
    const file = join(parent, 'a-file');
    writeFileSync(file, '');
    const warnings: string[] = [];
    expect(WindowCache.open({ root: join(file, 'cache'), env: {}, warn: (w) => warnings.push(w) })).toBeUndefined();
    expect(warnings).toEqual([`the cache folder ${join(file, 'cache')} cannot be written (ENOTDIR): running without the cache`]);
    if (process.getuid?.() !== 0) { // root writes anywhere
      const locked = tempDir();
      chmodSync(locked, 0o500);
      expect(WindowCache.open({ root: join(locked, 'cache'), env: {}, warn: (w) => warnings.push(w) })).toBeUndefined();
      expect(warnings[1]).toMatch(/cannot be written \(EACCES\)/);
    }
    for (const bad of ['0', '-5', 'lots', 'NaN']) {
      expect(() => WindowCache.open({ root: tempDir(), env: { BACKTEST_CACHE_MAX_MB: bad } })).toThrow(UsageError);
    }
    expect(() => WindowCache.open({ root: tempDir(), env: { BACKTEST_CACHE_MAX_MB: 'lots' } })).toThrow('BACKTEST_CACHE_MAX_MB=lots: must be a number of megabytes above 0 (default 2048)');
  });
});
