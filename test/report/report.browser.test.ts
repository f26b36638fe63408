import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ChartId, type WrittenReport } from '../../src/report/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, screenshotPath } from '../support/chromium.ts';
import { backtest, tempDir } from '../support/cli.ts';
import { BENCH_LABEL, DATA_LOCATION, GROUPS, HOSTILE, LABELS, RUINED, STRATEGY, SYMBOLS, VERDICT, WARNINGS, writeFixture } from './fixture.ts';

/**
 * The report in a real browser: headless Chromium opens report.html from disk, at 1,400 × 900.
 * Every chart draws (a canvas with a size and coloured pixels), the header leaves the first charts in
 * view, the variants table is reachable by scrolling inside its box with its parameters pinned, the
 * table sorts on a click, the equity chart turns to a log scale; the console stays free of errors and
 * warnings, nothing is requested but the page itself, and the Content-Security-Policy reports no
 * violation. A run folder with hostile text in every place text can come from is drawn, every chart
 * hovered, and no script of it runs. Screenshots go to test/report/__screenshots__/.
 */
if (!CHROMIUM) {
  console.warn(`report.browser.test.ts: SKIPPED — no Chromium at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; install the Debian package chromium (apt-get install -y --no-install-recommends chromium) to run it`);
}

const VIEWPORT = { width: 1400, height: 900 };

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

/**
 * Opens a report and waits until its script has drawn; `problems` collects console errors and
 * warnings, page errors and CSP violations (a listener installed before the page's own scripts),
 * `requests` every URL fetched (or tried and failed) but the page itself; a request the CSP refused is a violation instead.
 */
async function open(report: WrittenReport): Promise<Opened> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(report.path).href;
  await page.addInitScript('window.__violations = []; document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));');
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A request the CSP blocks fails with 'csp' before anything is sent; every other one counts.
  page.on('requestfinished', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'csp') requests.push(`${r.url()} (${r.failure()?.errorText})`); });
  await page.goto(url);
  await page.waitForFunction('document.documentElement.dataset.charts !== undefined', undefined, { timeout: 60_000 });
  return { page, problems, requests };
}

/** What must hold on every page once it has been used: no error, no request, no CSP violation. */
async function clean(o: Opened): Promise<void> {
  expect(o.problems).toEqual([]);
  expect(o.requests).toEqual([]); // the page is self-contained: it asks the network (and the disk) for nothing
  expect(await o.page.evaluate('window.__violations')).toEqual([]);
}

/** Per chart: the canvas's size and how many of its pixels are not blank. */
function chartPixels(page: Page, id: string): Promise<{ width: number; height: number; inked: number } | null> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('[data-chart="${id}"] canvas');
    if (!canvas) return null;
    const { width, height } = canvas.getBoundingClientRect();
    // Read from a copy (a context made for reading): reading the chart's own canvas again and again makes Chromium warn.
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d', { willReadFrequently: true });
    context.drawImage(canvas, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let k = 0; k < pixels.length; k += 4) if (pixels[k + 3] > 0 && (pixels[k] < 240 || pixels[k + 1] < 240 || pixels[k + 2] < 240)) inked++;
    return { width, height, inked };
  })()`);
}

async function expectDrawn(page: Page, charts: readonly ChartId[]): Promise<void> {
  expect(await page.evaluate('document.documentElement.dataset.charts')).toBe(charts.join(' '));
  for (const id of charts) {
    const drawn = await chartPixels(page, id);
    expect(drawn, id).not.toBeNull();
    expect(drawn!.width, id).toBeGreaterThan(300);
    expect(drawn!.height, id).toBeGreaterThan(200);
    expect(drawn!.inked, `${id}: a blank canvas`).toBeGreaterThan(1000);
  }
}

/** Where an element is on the screen (getBoundingClientRect). */
function box(page: Page, selector: string): Promise<{ top: number; bottom: number; left: number; right: number; width: number } | null> {
  return page.evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null; const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width }; })()`);
}

/**
 * Hovers every chart: the mouse swept over a grid of points of its canvas, then each series' tooltip
 * shown at its first, middle and last point (ECharts' showTip, which runs the same formatters).
 * Returns the charts in which a tooltip showed.
 */
async function hoverAll(page: Page, charts: readonly ChartId[]): Promise<string[]> {
  const shown: string[] = [];
  for (const id of charts) {
    await page.locator(`[data-chart="${id}"]`).scrollIntoViewIfNeeded();
    const b = (await box(page, `[data-chart="${id}"] canvas`))!;
    for (const fx of [0.25, 0.5, 0.75]) for (const fy of [0.4, 0.6]) await page.mouse.move(b.left + fx * b.width, b.top + fy * (b.bottom - b.top), { steps: 2 });
    const tipped = await page.evaluate(`(() => {
      const c = echarts.getInstanceByDom(document.querySelector('[data-chart="${id}"]'));
      let seen = !!document.querySelector('[data-chart="${id}"] .tip');
      c.getOption().series.forEach((s, seriesIndex) => {
        const n = Array.isArray(s.data) ? s.data.length : 0;
        for (const dataIndex of [0, Math.floor(n / 2), n - 1]) {
          if (dataIndex < 0) continue;
          c.dispatchAction({ type: 'showTip', seriesIndex, dataIndex });
          seen = seen || !!document.querySelector('[data-chart="${id}"] .tip');
        }
      });
      c.dispatchAction({ type: 'hideTip' });
      return seen;
    })()`);
    if (tipped) shown.push(id);
  }
  await page.mouse.move(0, 0);
  return shown;
}

const GRID_CHARTS: ChartId[] = ['equity', 'cumulative', 'underwater', 'rolling', 'yearly', 'monthly', 'distribution', 'grid', 'pbo-logits', 'pbo-scatter', 'dsr', 'sharpe-intervals', 'exposure', 'exposure-groups', 'turnover', 'break-even', 'ic-time', 'ic-groups', 'quintile'];

describe.skipIf(!CHROMIUM)('the HTML report in headless Chromium', () => {
  it('a 24-variant grid of the sample market over two years: every chart draws, the header leaves the first charts in view, the table scrolls inside its box with the parameters pinned and sorts', async () => {
    const out = tempDir();
    const r = backtest(['2024-01-02', '2025-12-31', '--grid', 'lookback=20:120:20', '--grid', 'top=5:20:5', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).folder as string;
    const report = await writeReport(dir);
    expect(report.charts).toEqual(GRID_CHARTS);
    const opened = await open(report);
    const { page } = opened;
    await expectDrawn(page, report.charts);

    // The first screen: the header, and the first row of charts whole.
    const header = (await box(page, 'header.top'))!;
    expect(header.bottom).toBeLessThan(VIEWPORT.height / 2);
    for (const id of ['equity', 'cumulative']) expect((await box(page, `[data-chart="${id}"]`))!.bottom, id).toBeLessThanOrEqual(VIEWPORT.height);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(VIEWPORT.width); // nothing wider than the window
    await page.screenshot({ path: screenshotPath('report-first-screen.png') });

    // The variants table: wider than its box, so it scrolls inside it; the parameters stay in view.
    const wrap = '#variants-wrap';
    await page.locator(wrap).scrollIntoViewIfNeeded();
    const sizes = await page.evaluate(`(() => { const w = document.querySelector('${wrap}'); return { scroll: w.scrollWidth, client: w.clientWidth }; })()`) as { scroll: number; client: number };
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    const wrapBox = (await box(page, wrap))!;
    expect(wrapBox.right).toBeLessThanOrEqual(VIEWPORT.width);
    await page.evaluate(`(() => { const w = document.querySelector('${wrap}'); w.scrollLeft = w.scrollWidth; w.scrollTop = w.scrollHeight; })()`);
    const lastHead = (await box(page, '#summary-table thead th:last-child'))!;
    expect(lastHead.right).toBeLessThanOrEqual(wrapBox.right + 1); // the last column can be reached
    expect(lastHead.left).toBeGreaterThan(wrapBox.left);
    expect(await page.locator('#summary-table').getAttribute('data-pinned')).toBe('4'); // rank, variant, lookback, top
    const pinned = (await box(page, '#summary-table tbody tr:last-child td:nth-child(4)'))!;
    expect(pinned.left).toBeGreaterThanOrEqual(wrapBox.left);
    expect(pinned.right).toBeLessThan(wrapBox.left + wrapBox.width / 2);
    const lastRow = (await box(page, '#summary-table tbody tr:last-child'))!;
    expect(lastRow.bottom).toBeLessThanOrEqual(wrapBox.bottom + 1); // and the last row
    await page.evaluate(`(() => { const w = document.querySelector('${wrap}'); w.scrollLeft = 0; w.scrollTop = 0; })()`);

    // Sorting by a click, as summary.csv sorts.
    const summary = parse(readFileSync(join(dir, 'summary.csv')), { columns: true }) as Record<string, string>[];
    const bySharpe = [...summary].sort((a, b) => Number(b.sharpe) - Number(a.sharpe) || Number(a.variant) - Number(b.variant));
    const firstVariant = () => page.locator('#summary-table tbody tr').first().getAttribute('data-variant');
    expect(await page.locator('#summary-table tbody tr').count()).toBe(24);
    expect(await firstVariant()).toBe(bySharpe[0]!.variant);
    const th = (name: string) => page.locator('#summary-table th', { hasText: new RegExp(`^${name}$`) });
    await th('variant').click();
    expect(await firstVariant()).toBe('1');
    await th('variant').click();
    expect(await firstVariant()).toBe('24');
    await th('sharpe').click(); // ascending: the worst first
    expect(await firstVariant()).toBe(bySharpe.at(-1)!.variant);
    await th('sharpe').click();
    expect(await firstVariant()).toBe(bySharpe[0]!.variant);

    // The equity chart's log scale.
    await page.locator('#equity-log').check();
    expect(await page.evaluate('echarts.getInstanceByDom(document.querySelector(\'[data-chart="equity"]\')).getOption().yAxis[0].type')).toBe('log');
    expect((await chartPixels(page, 'equity'))!.inked).toBeGreaterThan(1000);
    await page.locator('#equity-log').uncheck();

    expect((await hoverAll(page, report.charts)).sort()).toEqual([...report.charts].sort());
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: screenshotPath('report.png'), fullPage: true });
    await page.screenshot({ path: screenshotPath('report-top.png'), fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height: 2000 } }); // docs/report.png
    await clean(opened);
    await page.close();
  }, 240_000);

  it('the README run (one variant, 64 days): no heat map, PBO, rolling or cost breakdown chart, a note for each', async () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = await writeReport(JSON.parse(r.stdout).folder);
    expect(report.charts).toEqual(['equity', 'cumulative', 'underwater', 'yearly', 'monthly', 'distribution', 'dsr', 'sharpe-intervals', 'exposure', 'exposure-groups', 'turnover', 'break-even', 'ic-time', 'ic-groups', 'quintile']);
    const opened = await open(report);
    await expectDrawn(opened.page, report.charts);
    const notes = await opened.page.locator('#notes').textContent();
    expect(notes).toContain('a single variant: no parameter heat map');
    expect(notes).toContain('rolling 63-day statistics need at least 126 trading days; this run has 64');
    expect(await opened.page.locator('#why-missing').textContent()).toContain('PBO compares variants: it needs at least 2');
    expect(await opened.page.locator('details#notes').getAttribute('open')).toBeNull(); // folded
    await opened.page.screenshot({ path: screenshotPath('report-single.png'), fullPage: true });
    await clean(opened);
    await opened.page.close();
  }, 120_000);

  it('a --save none grid: the heat map, quintile spreads and the overfitting charts from the files it has, notes for the rest', async () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--grid', 'lookback=21,42', '--save', 'none', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = await writeReport(JSON.parse(r.stdout).folder);
    expect(report.charts).toEqual(['grid', 'pbo-logits', 'pbo-scatter', 'dsr', 'sharpe-intervals', 'break-even', 'quintile']);
    const opened = await open(report);
    await expectDrawn(opened.page, report.charts);
    expect(await opened.page.locator('#notes').textContent()).toContain('equity.csv was not saved (--save none)');
    await clean(opened);
    await opened.page.close();
  }, 120_000);

  it('every file a run folder holds, hostile text everywhere: every chart draws and is hovered, the text shows as text, no script of it runs and nothing is requested', async () => {
    const fixture = writeFixture(tempDir());
    const report = await writeReport(fixture.dir);
    expect(report.charts).toEqual([
      'wf-equity', 'wf-params', 'wf-metric', 'equity', 'cumulative', 'underwater', 'rolling', 'yearly', 'monthly', 'distribution', 'grid',
      'pbo-logits', 'pbo-scatter', 'dsr', 'sharpe-intervals', 'exposure', 'exposure-groups', 'turnover', 'costs', 'break-even', 'capacity', 'ic-time', 'ic-groups', 'quintile',
    ]);
    const opened = await open(report);
    const { page } = opened;
    await expectDrawn(page, report.charts);
    // Text from the run, shown as text.
    expect(await page.locator('h1').textContent()).toBe(STRATEGY);
    const brief = await page.locator('dl.brief').textContent();
    for (const text of [BENCH_LABEL, DATA_LOCATION]) expect(brief).toContain(text);
    expect(await page.locator('#verdict').textContent()).toBe(`Is it real? ${VERDICT}`);
    const warnings = await page.locator('#warnings').textContent();
    for (const w of WARNINGS) expect(warnings).toContain(w);
    const table = await page.locator('#summary-table').textContent();
    for (const text of [STRATEGY, ...LABELS]) expect(table).toContain(text);
    expect(await page.locator('#best-trips').textContent()).toContain(SYMBOLS[0]);
    expect(await page.locator('#ruined').textContent()).toBe('1 of 6 variants ruined (equity reached 0: liquidated, no ratios, ranked last)');
    expect(await page.locator('#summary-table tbody tr').last().getAttribute('data-variant')).toBe(String(RUINED));
    expect(await page.locator('#summary-table tbody tr').last().getAttribute('class')).toContain('ruined');
    await page.screenshot({ path: screenshotPath('report-hostile.png'), fullPage: true });

    // Every chart hovered: each shows a tooltip, built as text (the hostile parameter and group names appear in them as written).
    const tips: string[] = [];
    await page.exposeFunction('__tip', (text: string) => { tips.push(text); });
    await page.evaluate('new MutationObserver(() => document.querySelectorAll(".tip").forEach((t) => window.__tip(t.textContent))).observe(document.body, { subtree: true, childList: true, characterData: true })');
    expect((await hoverAll(page, report.charts)).sort()).toEqual([...report.charts].sort());
    const seen = tips.join('\n');
    for (const text of [LABELS[0], GROUPS[0], BENCH_LABEL]) expect(seen).toContain(text);

    // Nothing of it became markup or ran.
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.evaluate('document.querySelectorAll("img, svg, iframe, object, embed, a[href^=javascript]").length')).toBe(0);
    expect(await page.evaluate('document.scripts.length')).toBe(3);
    expect(await page.evaluate('[...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length')).toBe(0);
    await clean(opened);
    await page.close();
  }, 240_000);

  it('the Content-Security-Policy holds even against markup that got in: no inline handler runs, no image, fetch or form leaves the page', async () => {
    const fixture = writeFixture(tempDir());
    const report = await writeReport(fixture.dir);
    const opened = await open(report);
    const { page } = opened;
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', ${JSON.stringify(`${HOSTILE.img}<div id="x" onclick="window.__pwned=9">x</div><form id="f" action="http://127.0.0.1:9/"></form>`)})`);
    await page.locator('#x').click();
    await page.evaluate('document.getElementById("f").submit()');
    const fetched = await page.evaluate('fetch("http://127.0.0.1:9/secret").then(() => "answered", () => "refused")');
    await page.waitForTimeout(200);
    expect(fetched).toBe('refused');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    const violations = (await page.evaluate('window.__violations')) as string[];
    expect(violations.some((v) => v.startsWith('script-src-attr') || v.startsWith('script-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('img-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('connect-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('form-action'))).toBe(true);
    expect(page.url()).toBe(pathToFileURL(report.path).href); // the form went nowhere
    expect(opened.requests).toEqual([]);
    await page.close();
  }, 120_000);
});
