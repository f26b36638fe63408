import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';

/** Real data: four S&P 500 sectors (118 tickers), 2016-06 … 2017-12, with their universe file. */
describe('vopa on real S&P 500 prices', () => {
  it('imports with sectors and runs 2017 with a full warm-up', () => {
    const data = tempDir();
    const imported = backtest(['import', join(FIXTURES, 'sp500-4-sectors-2016-2017.csv.gz'), '--universe', join(FIXTURES, 'sp500-4-sectors-universe.csv'), '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 46,609 price rows of 118 symbol\(s\), 2016-06-01 … 2017-12-29, and 234 universe rows \(seasons 2016–2017\)/);

    const r = backtest(['2017-01-03', '2017-12-29', '2017', '--data', data, '--json', '--out', join(data, 'results')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // the 2016 history covers the 63-day warm-up: no warning
    const json = JSON.parse(r.stdout);
    const s = json.summary[0];
    expect(s).toMatchObject({ strategy: 'vopa', lookback: 63, top: 10 });
    expect(s.ic_mean).toBeGreaterThan(-0.5);
    expect(s.ic_mean).toBeLessThan(0.5);
    expect(s.coverage).toBeGreaterThan(0.95);
    const manifest = JSON.parse(readFileSync(join(json.folder, 'manifest.json'), 'utf8'));
    expect(manifest.range.first_decision).toBe('2016-12-30');
    expect(manifest.data).toMatchObject({ symbols: 118, peer_groups: 4 });
    const diagnostics = parse(readFileSync(join(json.folder, 'diagnostics.csv')), { columns: true }) as Record<string, string>[];
    expect(Object.keys(diagnostics[0]!)).toEqual(['date', 'variant', 'ic', 'quintile_spread', 'coverage', 'ic_Energy', 'ic_Materials', 'ic_Real Estate', 'ic_Utilities']);
    expect(diagnostics).toHaveLength(51); // decisions every 5 closes from 2016-12-30 to the close before 2017-12-29
  });
});
