import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateRunMemory, MemoryGuard, weekdays } from '../../src/app/memory.ts';
import { buildRunConfig, SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { isUsageError } from '../../src/errors.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { cgroupLimits, memoryHeadroom, parseMemorySize, type SystemMemory } from '../../src/util/memory-limit.ts';
import { backtest, entries, ROOT, tempDir } from '../support/cli.ts';

const MiB = 2 ** 20, GiB = 2 ** 30;

/** A machine with `files` under / (a fake /proc/self/cgroup and /sys/fs/cgroup), `free` bytes available and `rss` in use. */
function fakeSystem(files: Record<string, string>, free = 16 * GiB, rss = 100 * MiB): SystemMemory {
  return { free: () => free, rss: () => rss, read: (path) => files[path], cgroupRoot: '/sys/fs/cgroup' };
}

describe('how much memory a run may take', () => {
  it('the least of free memory, every limited cgroup up to the root (v2 and v1), and --max-memory less what is in use', () => {
    const v2 = {
      '/proc/self/cgroup': '0::/user.slice/job.scope\n',
      '/sys/fs/cgroup/user.slice/job.scope/memory.max': 'max\n', // no limit of its own
      '/sys/fs/cgroup/user.slice/job.scope/memory.current': '50000000\n',
      '/sys/fs/cgroup/user.slice/memory.max': String(2 * GiB),
      '/sys/fs/cgroup/user.slice/memory.current': String(1.5 * GiB),
    };
    expect(cgroupLimits(fakeSystem(v2))).toEqual([{ file: 'memory.max', max: 2 * GiB, used: 1.5 * GiB }]);
    let room = memoryHeadroom(null, fakeSystem(v2));
    expect(room.bytes).toBe(0.5 * GiB);
    expect(room.what).toBe("the cgroup's memory.max (2.0 GiB, 1.5 GiB in use)");
    room = memoryHeadroom(null, fakeSystem(v2, 0.25 * GiB));
    expect(room).toEqual({ bytes: 0.25 * GiB, what: 'free memory (256.0 MiB)' });
    room = memoryHeadroom(400 * MiB, fakeSystem(v2, 16 * GiB, 150 * MiB));
    expect(room).toEqual({ bytes: 250 * MiB, what: '--max-memory 400.0 MiB (150.0 MiB already in use)' });
    expect(memoryHeadroom(100 * MiB, fakeSystem({}, 16 * GiB, 150 * MiB)).bytes).toBe(0); // below what is in use: nothing left

    const v1 = {
      '/proc/self/cgroup': '12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n',
      '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': String(3 * GiB),
      '/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes': String(1 * GiB),
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712', // v1's "no limit"
    };
    expect(cgroupLimits(fakeSystem(v1))).toEqual([{ file: 'memory.limit_in_bytes', max: 3 * GiB, used: 1 * GiB }]);
    expect(memoryHeadroom(null, fakeSystem(v1)).bytes).toBe(2 * GiB);
    expect(cgroupLimits(fakeSystem({}))).toEqual([]); // not Linux, or no cgroup files
  });

  it('--max-memory takes sizes in powers of 1024; anything else is bad input', () => {
    expect(parseMemorySize('--max-memory', '4G')).toBe(4 * GiB);
    expect(parseMemorySize('--max-memory', '512MiB')).toBe(512 * MiB);
    expect(parseMemorySize('--max-memory', '1.5gb')).toBe(1.5 * GiB);
    expect(parseMemorySize('--max-memory', String(3 * GiB))).toBe(3 * GiB);
    for (const bad of ['', 'lots', '-1G', '512K', '4 apples', '1e9']) {
      let err: unknown;
      try { parseMemorySize('--max-memory', bad); } catch (e) { err = e; }
      expect(isUsageError(err), bad).toBe(true);
    }
  });

  it('weekdays counts Monday to Friday, both ends included', () => {
    const day = (iso: string) => parseIsoDate(iso)!;
    expect(weekdays(day('2025-10-06'), day('2025-10-12'))).toBe(5); // Mon … Sun
    expect(weekdays(day('2025-10-11'), day('2025-10-12'))).toBe(0); // a weekend
    expect(weekdays(day('2025-10-10'), day('2025-10-13'))).toBe(2); // Fri, Mon
    expect(weekdays(day('2025-01-01'), day('2025-12-31'))).toBe(261);
    expect(weekdays(day('1970-01-01'), day('1970-01-01'))).toBe(1); // day 0, a Thursday
  });
});

describe('the estimate', () => {
  it('adds its parts as the README states', async () => {
    const config = await buildRunConfig({ command: 'test', start: '2025-01-02', end: '2025-12-31', season: 2025, strategy: 'vopa', grid: ['lookback=20,40', 'minPeers=2,3'], workers: 1, env: {} });
    const shape = { bars: 300, symbols: 250, days: 250 };
    const e = estimateRunMemory(config, shape, 64 * GiB);
    const cells = 300 * 250, V = 4;
    expect(e.parts.panel).toBe(42 * cells);
    expect(e.parts.load).toBe(96 * cells);
    expect(e.plan.distinct).toBe(6); // value(20), value(40) and four z-scores
    expect(e.parts.factors).toBe(6 * 8 * cells);
    expect(e.perVariant).toBe(56 * 250 + 6 * 1024);
    expect(e.parts.outcomes).toBe(V * e.perVariant);
    expect(e.parts.statistics).toBe(24 * 250 * V + 8 * V ** 2 + 4 * 1000 * 250);
    const { panel, load, factors, outcomes, statistics } = e.parts;
    expect(e.total).toBe(1.5 * (panel + load + outcomes + Math.max(factors, statistics)) + 48 * MiB);
  });

  it('a tight headroom batches the factors instead of refusing; a headroom below one batch refuses with one line', async () => {
    const config = await buildRunConfig({ command: 'test', start: '2025-01-02', end: '2025-12-31', season: 2025, strategy: 'vopa', grid: ['lookback=20:119'], workers: 1, env: {} });
    const shape = { bars: 400, symbols: 300, days: 250 };
    const factor = 8 * 400 * 300;
    const roomy = estimateRunMemory(config, shape, 64 * GiB);
    expect(roomy.plan.peak).toBe(200); // every value and z-score at once
    const room = 300 * MiB;
    const tight = estimateRunMemory(config, shape, room);
    expect(tight.plan.peak).toBeLessThan(200);
    expect(tight.plan.peak * factor).toBeLessThanOrEqual(tight.factorBudget);
    expect(tight.total).toBeLessThanOrEqual(room);

    const guard = new MemoryGuard(config, () => ({ bytes: 60 * MiB, what: '--max-memory 160.0 MiB (100.0 MiB already in use)' }));
    let err: Error | undefined;
    try { guard.admit(shape); } catch (e) { err = e as Error; }
    expect(isUsageError(err)).toBe(true);
    expect((err as { code?: string }).code).toBe('E_MEMORY');
    expect(err!.message).not.toContain('\n');
    expect(err!.message).toMatch(/^this run needs about [\d.]+ MiB of memory \(panel .* with its read, factors .* \(2 of 200 at once\), 100 variants .*\) but 60\.0 MiB is available \(--max-memory 160\.0 MiB \(100\.0 MiB already in use\)\); /);
  });
});

describe('the estimate against what runs take (real runs, each in a process of its own)', () => {
  // Peak: the process's resident high-water mark over the run, less its resident memory before it
  // (after a warm-up run and two garbage collections). Tolerance, loose by design: the estimate must
  // cover the peak (a guard that undershoots lets a run die) and stay within 2× of it (one that
  // overshoots refuses runs that would fit).
  const probe = (options: Record<string, unknown>) => {
    const out = tempDir('memory-probe-');
    const r = spawnSync(process.execPath, ['--expose-gc', join(ROOT, 'test/support/memory-probe.ts'), JSON.stringify({ out, workers: 1, ...options })], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { peak: number; estimate: number };
  };

  it.each([
    ['20 VOPA lookbacks over 2025 (factors first)', { start: '2025-01-02', end: '2025-12-31', season: 2025, strategy: 'vopa', grid: ['lookback=20:39'] }],
    ['40 momentum variants over 2025 (outcomes and factors)', { start: '2025-01-02', end: '2025-12-31', strategy: 'momentum', grid: ['lookback=5:100:5', 'top=5,10'] }],
  ])('%s: peak ≤ estimate ≤ 2 × peak', (_label, options) => {
    const { peak, estimate } = probe(options);
    expect(peak).toBeGreaterThan(10 * MiB); // it measured something
    expect(estimate).toBeGreaterThanOrEqual(peak);
    expect(estimate).toBeLessThanOrEqual(2 * peak);
  });
});

describe('a run the memory guard refuses (a real process)', () => {
  it('is refused before any price is read: exit 2, one line, nothing written', async () => {
    // prices whose window holds a bad close: reading them would be another error (exit 2 naming the file)
    const data = tempDir('memory-data-');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(SAMPLE_DATA_DIR, 'universe.parquet'), join(data, 'universe.parquet'));
    const { openDuck } = await import('../../src/source/local/duckdb.ts');
    const duck = await openDuck();
    try {
      await duck.connection.run(`COPY (SELECT * REPLACE (CASE WHEN date = DATE '2025-11-03' THEN -5.0 ELSE close END AS close) FROM read_parquet('${join(SAMPLE_DATA_DIR, 'prices.parquet')}')) TO '${join(data, 'prices.parquet')}' (FORMAT parquet)`);
    } finally {
      duck.close();
    }
    const out = tempDir('memory-out-');
    const refused = backtest(['2025-10-07', '2026-01-03', '2025', '--data', data, '--out', out, '--max-memory', '64M']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^backtest: this run needs about [\d.]+ MiB of memory \(.*\) but 0 B is available \(--max-memory 64\.0 MiB \([\d.]+ MiB already in use\)\); run fewer variants/);
    expect(entries(out)).toEqual([]);
    // the same run without the limit reads the prices and fails on them: the refusal came first
    const read = backtest(['2025-10-07', '2026-01-03', '2025', '--data', data, '--out', out]);
    expect(read.code).not.toBe(0);
    expect(read.stderr).toContain('prices.parquet');
    expect(read.stderr).not.toContain('needs about');
  });

  it('runs as usual within a roomy limit, and a malformed limit is bad input', () => {
    const out = tempDir('memory-out-');
    expect(backtest(['2025-10-07', '2026-01-03', '2025', '--out', out, '--max-memory', '8G', '--json']).code).toBe(0);
    const bad = backtest(['2025-10-07', '2026-01-03', '2025', '--out', out, '--max-memory', 'plenty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('backtest: --max-memory plenty: must be a size of at least 1M, such as 4G or 512M (powers of 1024)');
  });
});
