import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, entries, tempDir } from '../support/cli.ts';
import { HOSTILE, RUN_ID, STRATEGY, WARNINGS, writeFixture } from '../report/fixture.ts';

let out: string;
let dir: string;
beforeAll(() => {
  out = tempDir();
  const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  dir = JSON.parse(r.stdout).folder;
});

describe('backtest report', () => {
  it('writes report.html into the latest run: one self-contained page holding the run\'s data', () => {
    const r = backtest(['report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const path = join(dir, 'report.html');
    expect(r.stdout).toBe(
      'note: rolling 63-day statistics need at least 126 trading days; this run has 64: no rolling chart\n' +
        'note: costs and capacity: the top variants paid no costs (their cost columns are 0 or empty); no capacity.csv (--capacity 1e6,1e7,… runs the variants at other starting capitals)\n' +
        'note: a single variant: no parameter heat map\n' +
        `report: ${path} (1.2 MB; charts: equity, cumulative, underwater, yearly, monthly, distribution, dsr, sharpe-intervals, exposure, exposure-groups, turnover, break-even, ic-time, ic-groups, quintile)\n`,
    );
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2'); // the page without the scripts' text
    expect(markup.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json" id="report-data">', '<script>', '<script>']); // data, ECharts, the page's script
    // The policy allows exactly these two scripts and the one style element, by their hashes, and nothing else.
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => hash(m[1]!));
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => hash(m[1]!));
    expect(policy.split('; ')).toEqual([
      "default-src 'none'", `script-src ${scripts.join(' ')}`, `style-src ${styles.join(' ')}`,
      "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
    ]);
    expect(/\son[a-z]+=/i.test(markup), 'no inline event handler').toBe(false);
    expect(/\bsrc=|<link\b|@import|url\(/i.test(markup), 'nothing loaded from elsewhere').toBe(false);
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json);
    expect(data.run).toMatchObject({ id: dir.split('/').at(-1), status: 'complete', strategy: 'vopa' });
    expect(data.table.rows).toHaveLength(1);
    expect(entries(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown --x', ['--x', 'lookbak'], /^backtest: --x lookbak: not a parameter of this run \(did you mean lookback\?\)/],
    ['an unknown --rank-by', ['--rank-by', 'ic'], /^backtest: --rank-by ic: not a metric of this run/],
    ['a bad --top', ['--top', 'many'], /^backtest: --top many: must be a whole number, 1 or more$/],
  ];
  it.each(bad)('%s: exit 2, one line, no report', (_, args, message) => {
    const fresh = tempDir();
    const run = backtest(['2025-10-07', '2025-11-03', '--strategy', 'vopa', '--json', '--out', fresh]);
    const r = backtest(['report', ...args, '--out', fresh]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(existsSync(join(JSON.parse(run.stdout).folder, 'report.html'))).toBe(false);
  });

  it('refuses a partial or failed run, and says what to do', () => {
    const fresh = tempDir();
    const folder = JSON.parse(backtest(['2025-10-07', '2025-11-03', '--strategy', 'buy-and-hold', '--json', '--out', fresh]).stdout).folder as string;
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, status: 'partial' }));
    const partial = backtest(['report', folder]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/^backtest: run \S+ is partial: it was interrupted after 1 variant\(s\) finished; pass --partial to look at those, or run it again\n$/);
    expect(backtest(['report', folder, '--partial']).code).toBe(0);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, status: 'failed' }));
    const failed = backtest(['report', folder]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^backtest: run \S+ did not complete \(status "failed"\); there is nothing to look at — run it again\n$/);
  });
});

describe('--save none: the report draws what summary.csv holds and says what was not saved', () => {
  it('backtest report, and a run with --report, on a grid that saved no per-variant table', () => {
    const fresh = tempDir();
    const run = backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--grid', 'lookback=21,42', '--save', 'none', '--report', '--out', fresh]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^top 4 by sharpe:$/m); // the summary is printed, then the report's path
    const folder = /^results: (.+)$/m.exec(run.stdout)![1]!;
    expect(run.stdout).toMatch(new RegExp(`\\nreport: ${folder}/report\\.html\\n$`));
    const r = backtest(['report', '--out', fresh]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'note: equity.csv was not saved (--save none): no performance or exposure charts\n' +
        'note: diagnostics.csv was not saved (--save none): no IC charts\n' +
        'note: costs and capacity: the top variants paid no costs (their cost columns are 0 or empty); no capacity.csv (--capacity 1e6,1e7,… runs the variants at other starting capitals)\n' +
        `report: ${folder}/report.html (1.2 MB; charts: grid, pbo-logits, pbo-scatter, dsr, sharpe-intervals, break-even, quintile)\n`,
    );
  });

  it('--save equity keeps the performance and exposure charts and leaves out the IC, turnover and round-trip ones', () => {
    const fresh = tempDir();
    expect(backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--save', 'equity', '--out', fresh]).code).toBe(0);
    const r = backtest(['report', '--out', fresh]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('note: trades.csv was not saved (--save equity): no turnover per rebalance or round trips\n');
    expect(r.stdout).toContain('note: diagnostics.csv was not saved (--save equity): no IC charts\n');
    expect(r.stdout).toMatch(/charts: equity, cumulative, underwater, yearly, monthly, distribution, pbo-logits, pbo-scatter, dsr, sharpe-intervals, exposure, exposure-groups, break-even, quintile\)\n$/);
  });
});

describe('backtest <start> <end> --report', () => {
  it('writes report.html at the end of the run', () => {
    const fresh = tempDir();
    const r = backtest(['2025-10-07', '2025-11-03', '--report', '--out', fresh]);
    expect(r.code, r.stderr).toBe(0);
    const folder = /^results: (.+)$/m.exec(r.stdout)![1]!;
    expect(r.stdout).toMatch(new RegExp(`\\nreport: ${folder}/report\\.html\\n$`));
    expect(readFileSync(join(folder, 'report.html'), 'utf8')).toContain('id="report-data"');
  });
});

describe('hostile text in a run folder stays data (issue 18, defect 4)', () => {
  it('backtest report on a folder whose names, parameters, symbols, groups, warnings and labels hold markup: none of it reaches the page as markup', () => {
    const fixture = writeFixture(tempDir());
    const r = backtest(['report', fixture.dir]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(fixture.dir, 'report.html'), 'utf8');
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(json).not.toMatch(/[<\u2028\u2029]/); // nothing in the data can end its element or a line of script
    const data = JSON.parse(json);
    expect(data.header.strategy).toBe(STRATEGY);
    expect(data.header.warnings.map((w: { message: string }) => w.message)).toEqual([...WARNINGS]);
    expect(data.header.runId).toBe(RUN_ID);
    expect(JSON.stringify(data)).toContain(JSON.stringify(HOSTILE.comment).slice(1, -1)); // U+2028 and U+2029 come back as they were
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
    expect(markup).not.toMatch(/<(img|svg|iframe|a)\b/i);
    expect(/<title>([^<]*)<\/title>/.exec(markup)![1]).toContain('vopa&lt;img src=x onerror=&quot;window.__pwned');
  });
});
