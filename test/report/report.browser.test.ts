import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type WrittenReport } from '../../src/report/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, screenshotPath } from '../support/chromium.ts';
import { backtest, tempDir } from '../support/cli.ts';
import { grid90Run } from '../support/grid-run.ts';

/**
 * The report in a real browser: headless Chromium opens report.html from disk with no network,
 * every chart draws (a canvas with a size and coloured pixels), the table sorts on a click, and
 * the console stays free of errors. Saves screenshots in test/report/__screenshots__/.
 */
if (!CHROMIUM) {
  console.warn(`report.browser.test.ts: SKIPPED — no Chromium at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; install the Debian package chromium (apt-get install -y --no-install-recommends chromium) to run it`);
}

/** The DOM the page-side callbacks touch (the project type-checks without the DOM library). */
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getBoundingClientRect(): { width: number; height: number };
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  querySelector(selector: string): PageCanvas | null;
  querySelectorAll(selector: string): Iterable<{ scrollLeft: number }>;
};
declare const window: { scrollTo(x: number, y: number): void };

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

let browser: Browser;
beforeAll(async () => {
  if (CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}, 90_000);
afterAll(async () => {
  await browser?.close();
});

async function open(report: WrittenReport): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(report.path).href);
  await page.waitForFunction(() => document.documentElement.dataset.charts !== undefined, undefined, { timeout: 30_000 });
  return { page, problems, requests };
}

/** Per chart: the canvas's size and how many of its pixels are not blank. */
function chartPixels(page: Page, id: string) {
  return page.evaluate((chartId) => {
    const canvas = document.querySelector(`[data-chart="${chartId}"] canvas`);
    if (!canvas) return null;
    const { width, height } = canvas.getBoundingClientRect();
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let k = 0; k < pixels.length; k += 4) if (pixels[k + 3]! > 0 && (pixels[k]! < 240 || pixels[k + 1]! < 240 || pixels[k + 2]! < 240)) inked++;
    return { width, height, inked };
  }, id);
}

const firstVariant = (page: Page) => page.locator('#summary-table tbody tr').first().getAttribute('data-variant');

describe.skipIf(!CHROMIUM)('the HTML report in headless Chromium', () => {
  it('draws every chart of a 90-variant grid, sorts its table, and logs no error', async () => {
    const run = await grid90Run(tempDir());
    const report = await writeReport(run.dir);
    expect(report.charts).toEqual(['equity', 'drawdown', 'monthly', 'ic-time', 'ic-groups', 'quintile', 'grid']);
    const { page, problems, requests } = await open(report);

    expect(await page.evaluate(() => document.documentElement.dataset.charts)).toBe(report.charts.join(' '));
    for (const id of report.charts) {
      const drawn = await chartPixels(page, id);
      expect(drawn, id).not.toBeNull();
      expect(drawn!.width, id).toBeGreaterThan(100);
      expect(drawn!.height, id).toBeGreaterThan(100);
      expect(drawn!.inked, `${id}: a blank canvas`).toBeGreaterThan(1000);
    }

    const summary = parse(readFileSync(join(run.dir, 'summary.csv')), { columns: true }) as Record<string, string>[];
    const bySharpe = [...summary].sort((a, b) => Number(b.sharpe) - Number(a.sharpe));
    expect(await page.locator('#summary-table tbody tr').count()).toBe(90);
    expect(await firstVariant(page)).toBe(bySharpe[0]!.variant);
    const header = (name: string) => page.locator('#summary-table th', { hasText: new RegExp(`^${name}$`) });
    await header('variant').click();
    expect(await firstVariant(page)).toBe('1');
    expect(await header('variant').getAttribute('aria-sort')).toBe('ascending');
    await header('variant').click();
    expect(await firstVariant(page)).toBe('90');
    await header('sharpe').click(); // ascending: the worst first
    expect(await firstVariant(page)).toBe(bySharpe.at(-1)!.variant);
    await header('sharpe').click(); // descending again: the best first, as the page opened
    expect(await firstVariant(page)).toBe(bySharpe[0]!.variant);
    expect(await header('sharpe').getAttribute('aria-sort')).toBe('descending');

    // As a reader first sees it (the table scrolled back to its first column): docs/report.png is a copy.
    await page.evaluate(() => { for (const el of document.querySelectorAll('*')) if (el.scrollLeft) el.scrollLeft = 0; window.scrollTo(0, 0); });
    await page.screenshot({ path: screenshotPath('report.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]); // the page is self-contained: it asks the network for nothing
    await page.close();
  }, 120_000);

  it('draws the README run\'s report (one variant: no heat map, a note instead)', async () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = await writeReport(JSON.parse(r.stdout).folder);
    expect(report.charts).toEqual(['equity', 'drawdown', 'monthly', 'ic-time', 'ic-groups', 'quintile']);
    const { page, problems, requests } = await open(report);
    for (const id of report.charts) expect((await chartPixels(page, id))?.inked, id).toBeGreaterThan(1000);
    expect(await page.locator('[data-chart="grid"]').count()).toBe(0);
    expect(await page.locator('#notes').textContent()).toContain('a single variant: no parameter heat map');
    await page.screenshot({ path: screenshotPath('report-single.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws a --save none grid\'s report: the quintile spreads and the heat map from summary.csv, notes for the rest', async () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--grid', 'lookback=21,42', '--save', 'none', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = await writeReport(JSON.parse(r.stdout).folder);
    expect(report.charts).toEqual(['quintile', 'grid']);
    const { page, problems, requests } = await open(report);
    expect(await page.evaluate(() => document.documentElement.dataset.charts)).toBe('quintile grid');
    for (const id of report.charts) expect((await chartPixels(page, id))?.inked, id).toBeGreaterThan(1000);
    expect(await page.locator('#notes').textContent()).toContain('equity.csv was not saved (--save none)');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120_000);
});
