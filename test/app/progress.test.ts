import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.ts';
import { buildRunConfig } from '../../src/config/run-config.ts';
import type { ProgressFactory } from '../../src/util/progress.ts';

/**
 * Progress where the user waits (issue 19.16): the library reports the window's scan and read, the
 * variants and each CSV as it is written, through the factory it is given (the CLI's draws a bar on a
 * terminal only). No terminal needed: a factory that records every call.
 */
interface Phase { label: string; unit: string | undefined; reports: [number, number | null][]; stopped: boolean }

function recorder(): { factory: ProgressFactory; phases: Phase[] } {
  const phases: Phase[] = [];
  const factory: ProgressFactory = (label, unit) => {
    const phase: Phase = { label, unit, reports: [], stopped: false };
    phases.push(phase);
    return Object.assign((done: number, total: number | null) => { phase.reports.push([done, total]); }, { stop: () => { phase.stopped = true; } });
  };
  return { factory, phases };
}

const out = mkdtempSync(join(tmpdir(), 'progress-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('progress of a run: reading, variants, writing', () => {
  it('reports the scan (percent), the rows read of their total, the variants, and each file\'s rows; every phase stopped', async () => {
    const config = await buildRunConfig({ command: 'test', start: '2025-10-07', end: '2026-01-03', season: 2025, strategy: 'vopa', grid: ['lookback=20,40'], workers: 1, signals: true, out, env: {} });
    const { factory, phases } = recorder();
    const { dir } = await runBacktest(config, { progress: factory });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const by = (label: string) => phases.find((p) => p.label === label || p.label.startsWith(`${label} `));
    expect(phases.every((p) => p.stopped)).toBe(true);

    const scan = by('scanning')!;
    expect(scan.label).toMatch(/^scanning .*prices\.parquet$/);
    expect(scan.unit).toBe('%');
    expect(scan.reports.at(-1)).toEqual([100, 100]);
    expect(scan.reports.every(([d, t]) => t === 100 && d >= 0 && d <= 100)).toBe(true);

    const read = by('reading prices')!;
    expect(read.unit).toBe('rows');
    expect(read.reports.at(-1)).toEqual([manifest.data.rows, manifest.data.rows]);
    expect(read.reports.map(([d]) => d)).toEqual([...read.reports.map(([d]) => d)].sort((a, b) => a - b)); // rising

    expect(by('variants')!.reports.at(-1)).toEqual([2, 2]);

    for (const [file, rows] of Object.entries(manifest.files as Record<string, number>)) {
      const phase = by(`writing ${file}`);
      expect(phase, file).toBeDefined();
      expect(phase!.unit).toBe('rows');
      const [done, total] = phase!.reports.at(-1)!;
      expect(done, file).toBe(rows);
      if (total !== null) expect(total, file).toBe(rows); // known up front where it is cheap to know
    }
    expect(Object.keys(manifest.files)).toEqual(expect.arrayContaining(['summary.csv', 'equity.csv', 'exposure.csv', 'trades.csv', 'round_trips.csv', 'diagnostics.csv', 'signals.csv', 'benchmark.csv']));
  });

  it('a write that fails half-way stops its bar, and leaves no run folder', async () => {
    const dest = mkdtempSync(join(out, 'failing-'));
    const config = await buildRunConfig({ command: 'test', start: '2025-10-07', end: '2026-01-03', season: 2025, strategy: 'vopa', out: dest, env: {} });
    const { factory, phases } = recorder();
    // the failure comes from inside the writer's loop, as a full disk's would
    const failing: ProgressFactory = (label, unit) => {
      const reporter = factory(label, unit);
      if (label !== 'writing equity.csv') return reporter;
      return Object.assign(() => { throw new Error('disk full (simulated)'); }, { stop: reporter.stop });
    };
    await expect(runBacktest(config, { progress: failing })).rejects.toThrow('disk full (simulated)');
    expect(phases.map((p) => p.label)).toContain('writing equity.csv');
    expect(phases.every((p) => p.stopped)).toBe(true);
    expect(readdirSync(dest)).toEqual([]);
  });
});
