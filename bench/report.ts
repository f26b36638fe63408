/**
 * The report of a large sweep: 1,000 VOPA variants on one year of the sample market (the variants
 * benchmark's workload), run once by the CLI (untimed; a sweep this size saves the per-variant tables
 * of its best 20 by default, and summary.csv, overfitting.json and benchmark.csv whole), then:
 * 1. writing report.html (`writeReport`: opening the run's CSVs as views, assembling every part,
 *    building and writing the page): wall time and this process's CPU time (user + system, DuckDB's
 *    threads included), medians of several runs in this process;
 * 2. opening it in headless Chromium until the page has drawn every chart (document's
 *    data-charts set): wall time, and the time the page's main thread was busy (Chromium's
 *    TaskDuration: parsing, script, style, layout, painting), medians of several page loads;
 *    skipped without Chromium.
 * On a shared machine wall time moves with the load; the CPU and busy times much less.
 * `node bench/report.ts` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeReport } from '../src/report/index.ts';
import { summarize, time, type Measure } from './lib.ts';
import { WORKLOADS } from './variants.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));

export interface ReportResult {
  readonly variants: number;
  readonly write: Measure;
  readonly writeCpu: Measure;
  readonly bytes: number;
  readonly charts: number;
  /** Until every chart is drawn in Chromium, and the main thread's busy time; null without a Chromium. */
  readonly draw: { readonly wall: Measure; readonly busy: Measure } | null;
  readonly loadAverage: number;
}

export async function reportBench(runs = 5): Promise<ReportResult> {
  const out = mkdtempSync(join(tmpdir(), 'vopa-bench-report-'));
  try {
    const w = WORKLOADS.vopa;
    const args = [w.start, w.end, '--strategy', w.strategy, ...w.grid.flatMap((g) => ['--grid', g]), '--out', out, '--source', 'local'];
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/backtest.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
    if (r.status !== 0) throw new Error(`the 1,000-variant sweep failed: ${r.stderr}`);
    const dir = join(out, readdirSync(out).find((n) => !n.startsWith('.'))!);
    const loadAverage = loadavg()[0]!;
    let written = await writeReport(dir);
    const cpu: number[] = [];
    const write = await time(async () => {
      const start = process.cpuUsage();
      written = await writeReport(dir);
      const used = process.cpuUsage(start);
      cpu.push((used.user + used.system) / 1000);
    }, runs, 1);
    const draw = CHROMIUM ? await drawTime(written.path, runs) : null;
    return { variants: 1000, write, writeCpu: summarize(cpu.slice(-runs)), bytes: statSync(written.path).size, charts: written.charts.length, draw, loadAverage };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function drawTime(path: string, runs: number): Promise<ReportResult['draw']> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const busy: number[] = [];
    const wall = await time(async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto(pathToFileURL(path).href);
      await page.waitForFunction('document.documentElement.dataset.charts !== undefined', undefined, { timeout: 120_000 });
      const { metrics } = await cdp.send('Performance.getMetrics');
      busy.push(1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN));
      await page.close();
    }, runs, 1);
    return { wall, busy: summarize(busy.slice(-runs)) };
  } finally {
    await browser.close();
  }
}

if (import.meta.main) console.log(JSON.stringify(await reportBench(), null, 2));
