import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, tempDir } from '../support/cli.ts';
import { grid90Run } from '../support/grid-run.ts';

type Row = Record<string, string>;
const csv = (file: string) => parse(readFileSync(file), { columns: true }) as Row[];
const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

let readme: { out: string; dir: string };
let grid: { out: string; dir: string };

beforeAll(async () => {
  const out = tempDir();
  const r = backtest(['2025-10-07', '2026-01-03', '2025', '--json', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  readme = { out, dir: JSON.parse(r.stdout).folder };
  const gridOut = tempDir();
  grid = { out: gridOut, dir: (await grid90Run(gridOut)).dir };
});

describe('backtest inspect', () => {
  it('shows the latest run of the README command: the run, its metrics, diagnostics and peer-group IC', () => {
    const r = backtest(['inspect', '--out', readme.out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run \d{8}T\d{6}Z-vopa-[0-9a-f]{24} \(complete\): vopa, 1 variant\(s\), 2025-10-07 → 2026-01-02 \(\d+ trading days\)\n/);
    expect(r.stdout).toMatch(/\nuniverse: pinned to season 2025\n/);
    expect(r.stdout).toContain('top 1 of 1 variant(s) by sharpe (parameters: the same for all):');
    expect(r.stdout).toMatch(/│ lookback │ skip │ minPeers │ top │ bottom │ rebalance │ weighting │ gross │/);
    expect(r.stdout).toContain('mean IC by peer group, variant 1 (best):');
    expect(r.stdout).toMatch(/│ Information Technology +│ -?[0-9.]+ +│ \d+ +│/);
    expect(r.stdout).toMatch(/benchmark buy-and-hold: total return/);
    expect(r.stderr).toBe('');
  });

  it('ranks the 90 variants of a grid by --rank-by, as sorting summary.csv does', () => {
    const summary = csv(join(grid.dir, 'summary.csv'));
    expect(summary).toHaveLength(90);
    for (const [metric, direction] of [['sharpe', -1], ['volatility', 1], ['ic_mean', -1]] as const) {
      const r = backtest(['inspect', grid.dir, '--rank-by', metric, '--top', '7', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const view = JSON.parse(r.stdout);
      const expected = [...summary].sort((a, b) => direction * (Number(a[metric]) - Number(b[metric])) || Number(a.variant) - Number(b.variant)).slice(0, 7);
      expect(view.top.map((t: Row) => t.variant)).toEqual(expected.map((e) => Number(e.variant)));
      expect(view.top.map((t: Row) => t.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(view.top[0][metric]).toBe(Number(expected[0]![metric]));
      expect(view).toMatchObject({ rank_by: metric, variants: 90, varying: ['lookback', 'top'], run: { status: 'complete', strategy: 'vopa' } });
    }
  });

  it('reports the best variant\'s mean IC per peer group as diagnostics.csv averages it', () => {
    const r = backtest(['inspect', grid.dir, '--json']);
    const view = JSON.parse(r.stdout);
    const best = String(view.top[0].variant);
    const days = csv(join(grid.dir, 'diagnostics.csv')).filter((d) => d.variant === best);
    for (const g of view.peer_group_ic) {
      const values = days.map((d) => num(d[`ic_${g.group}`])).filter((v): v is number => v !== null);
      expect(g.days).toBe(values.length);
      expect(g.ic_mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 12);
    }
    expect(view.peer_group_ic.map((g: { group: string }) => g.group)).toContain('Information Technology');
  });

  it('runs --sql over the run\'s CSVs, as a table or as JSON', () => {
    const sql = 'SELECT lookback, count(*) AS n, max(sharpe) AS best FROM summary GROUP BY lookback ORDER BY lookback';
    const json = backtest(['inspect', grid.dir, '--sql', sql, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout);
    const summary = csv(join(grid.dir, 'summary.csv'));
    expect(rows.map((r: Row) => r.lookback)).toEqual([10, 20, 30, 40, 50, 63, 80, 100, 126]);
    for (const row of rows) {
      const mine = summary.filter((s) => Number(s.lookback) === row.lookback);
      expect(row.n).toBe(mine.length);
      expect(row.best).toBe(Math.max(...mine.map((s) => Number(s.sharpe))));
    }
    const table = backtest(['inspect', grid.dir, '--sql', 'SELECT date, "ic_Information Technology" AS it FROM diagnostics WHERE variant = 1 ORDER BY date LIMIT 2']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/│ date +│ it +│\n/);
    expect(table.stdout).toContain('│ 2025-10-06 │');
    expect(table.stdout).toMatch(/\(2 rows\)\n$/);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a SQL syntax error', ['--sql', 'SELEC 1'], /^backtest: --sql: Parser Error: syntax error at or near "SELEC"; tables: summary, equity, exposure, trades, round_trips, diagnostics, benchmark$/],
    ['a table this run lacks', ['--sql', 'SELECT * FROM signals'], /^backtest: --sql: run .* has no signals\.csv \(only runs with --signals write it\), so there is no table signals/],
    ['an unknown --rank-by', ['--rank-by', 'sharp'], /^backtest: --rank-by sharp: not a metric of this run; did you mean sharpe\?/],
    ['a --rank-by like no metric: a sentence that lists them', ['--rank-by', 'bogus'], /^backtest: --rank-by bogus: not a metric of this run; choose one of final_equity, total_return, cagr, .*, sharpe, .*, coverage$/],
    ['a bad --top', ['--top', '0'], /^backtest: --top 0: must be a whole number, 1 or more$/],
    ['an unknown run', ['20990101T000000Z-none'], /^backtest: no run "20990101T000000Z-none" in /],
    ['COPY to a file', ['--sql', "COPY summary TO '/tmp/vopa-inspect-copy.csv'"], /^backtest: --sql: Permission Error: Cannot access file "\/tmp\/vopa-inspect-copy\.csv" - file system operations are disabled by configuration; tables: /],
    ['INSTALL an extension', ['--sql', 'INSTALL httpfs'], /^backtest: --sql: only queries run over a run's tables .*, not LOAD$/],
    ['LOAD an extension', ['--sql', 'LOAD httpfs'], /^backtest: --sql: only queries run over a run's tables .*, not LOAD$/],
    ['a query after a SET', ['--sql', 'SET enable_external_access = true; SELECT 1'], /^backtest: --sql: only queries run over a run's tables .*, not SET$/],
    ['a query reading another file', ['--sql', "SELECT * FROM read_csv('/etc/hostname')"], /^backtest: --sql: Permission Error: Cannot access file "\/etc\/hostname" - file system operations are disabled by configuration; tables: /],
  ];
  it.each(bad)('%s: exit 2 and one line', (_, args, message) => {
    const r = backtest(['inspect', ...(args[0]!.startsWith('-') ? [grid.dir] : []), ...args, '--out', grid.out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--sql reads the run and writes nothing: a COPY over the run\'s own file is refused before it runs; a query of that file still reads', () => {
    const target = join(grid.dir, 'summary.csv');
    const before = readFileSync(target, 'utf8');
    const copy = backtest(['inspect', grid.dir, '--sql', `COPY (SELECT 1 AS variant) TO '${target}' (USE_TMP_FILE false, HEADER true)`]);
    expect(copy.code).toBe(2);
    expect(copy.stderr).toMatch(/^backtest: --sql: only queries run over a run's tables \(SELECT, WITH, DESCRIBE, SUMMARIZE, EXPLAIN …\), not COPY\n$/);
    expect(readFileSync(target, 'utf8')).toBe(before);
    const own = backtest(['inspect', grid.dir, '--sql', `SELECT count(*) AS n FROM read_csv('${join(grid.dir, 'summary.csv')}')`, '--json']);
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout)).toEqual([{ n: 90 }]);
    const described = backtest(['inspect', grid.dir, '--sql', 'DESCRIBE summary', '--json']);
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout).map((c: Row) => c.column_name)).toContain('sharpe');
  });

  it('--sql cannot change the run\'s views: EXPLAIN ANALYZE of a CREATE or DROP is refused, and the views are read-only anyway', () => {
    const count = 'SELECT count(*) AS n FROM summary';
    const attacks = [
      [`EXPLAIN ANALYZE CREATE OR REPLACE VIEW summary AS SELECT 1 AS variant; ${count}`, /not EXPLAIN of CREATE$/],
      [`EXPLAIN ANALYZE DROP VIEW summary; ${count}`, /not EXPLAIN of DROP$/],
      [`EXPLAIN (FORMAT json) CREATE OR REPLACE VIEW summary AS SELECT 1; ${count}`, /not EXPLAIN of CREATE$/],
      [`EXPLAIN ANALYZE /* a comment; with a semicolon */ CREATE TEMP VIEW summary AS SELECT 1; ${count}`, /not EXPLAIN of CREATE$/],
      [`DROP VIEW summary; ${count}`, /not DROP$/],
      [`CREATE TEMP VIEW summary AS SELECT 1 AS variant; ${count}`, /not CREATE$/],
    ] as const;
    for (const [sql, message] of attacks) {
      const r = backtest(['inspect', grid.dir, '--sql', sql]);
      expect(r.code, sql).toBe(2);
      expect(r.stderr.trimEnd(), sql).toMatch(new RegExp(`^backtest: --sql: only queries run over a run's tables .*${message.source}`));
    }
    // Queries still run, EXPLAIN ANALYZE of a query too, and statements after it see the run's own views.
    const fine = backtest(['inspect', grid.dir, '--sql', `SELECT ';' AS s; EXPLAIN ANALYZE SELECT * FROM summary; ${count}`, '--json']);
    expect(fine.code, fine.stderr).toBe(0);
    expect(JSON.parse(fine.stdout)).toEqual([{ n: 90 }]);
  });

  it('the views are in a read-only database: a statement that got past the check could change nothing', async () => {
    const { findRun, openRunTables } = await import('../../src/inspect/index.ts');
    const tables = await openRunTables(findRun(grid.dir, { out: grid.out }), { readOnly: true });
    try {
      const c = await tables.connect();
      for (const sql of ['CREATE OR REPLACE VIEW summary AS SELECT 1 AS variant', 'DROP VIEW summary', 'EXPLAIN ANALYZE CREATE OR REPLACE VIEW summary AS SELECT 1']) {
        await expect(c.run(sql), sql).rejects.toThrow(/read-only mode/);
      }
      // A temporary view lives on its own connection only.
      await c.run('CREATE TEMP VIEW summary AS SELECT 1 AS variant');
      const other = await tables.connect();
      const n = await other.runAndReadAll('SELECT count(*) FROM summary');
      expect(Number(n.getRows()[0]![0])).toBe(90);
    } finally {
      tables.close();
    }
  });

  it('--sql on a table --save left out says it was not saved (exit 2, one line)', () => {
    const out = tempDir();
    const run = backtest(['2025-10-07', '2025-11-03', '--grid', 'top=5,10', '--save', 'trades', '--json', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const id = JSON.parse(run.stdout).run_id as string;
    for (const table of ['equity', 'diagnostics']) {
      const r = backtest(['inspect', '--out', out, '--sql', `SELECT count(*) FROM ${table}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`backtest: --sql: run ${id} has no ${table}.csv (it was not saved: --save trades), so there is no table ${table}; tables: summary, trades, round_trips, benchmark\n`);
    }
    const view = backtest(['inspect', '--out', out]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toContain('files: summary.csv (2 rows), trades.csv');
  });

  it('with no run in results/, and on an unfinished run folder: exit 2 and one line', () => {
    const empty = tempDir();
    const none = backtest(['inspect'], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`backtest: no runs: ${join(empty, 'results')} does not exist; run a backtest first (backtest <start> <end>)\n`);
    const out = tempDir();
    mkdirSync(join(out, '.20260101T000000Z-vopa-0000.partial'));
    const unfinished = backtest(['inspect', '20260101T000000Z-vopa-0000', '--out', out]);
    expect(unfinished.code).toBe(2);
    expect(unfinished.stderr).toMatch(/^backtest: run 20260101T000000Z-vopa-0000 is not complete: .* is still being written, or its run failed or was killed; wait for it to finish, or run it again\n$/);
  });

  it('refuses a run whose manifest is missing (a folder renamed by hand), naming it', () => {
    const out = tempDir();
    const r = backtest(['2025-10-07', '2025-11-03', '--strategy', 'buy-and-hold', '--json', '--out', out]);
    const dir = JSON.parse(r.stdout).folder as string;
    renameSync(join(dir, 'manifest.json'), join(dir, 'manifest.bak'));
    const i = backtest(['inspect', dir]);
    expect(i.code).toBe(2);
    expect(i.stderr).toBe(`backtest: ${dir} has no manifest.json, so it is not a complete run (a run writes its manifest last: this one failed or was stopped while writing); run it again\n`);
  });

  it('a damaged summary.csv, or one without variants: exit 2 and one line, not a DuckDB trace', () => {
    const copy = join(tempDir(), 'run');
    cpSync(readme.dir, copy, { recursive: true });
    const header = readFileSync(join(copy, 'summary.csv'), 'utf8').split('\n')[0]!;
    writeFileSync(join(copy, 'summary.csv'), `${header}\n1,vopa,not-a-number\n`);
    const damaged = backtest(['inspect', copy]); // a short row: DuckDB cannot even sniff the file
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/^backtest: run \S+: summary\.csv cannot be read \(.*\); the folder is damaged — run it again\n$/);
    const row = ['1', 'vopa', 'ok', 'not-a-number', ...header.split(',').slice(4).map(() => 'x')];
    writeFileSync(join(copy, 'summary.csv'), `${header}\n${row.join(',')}\n`);
    const unreadable = backtest(['inspect', copy]); // a full row with text in numeric columns: fails when read
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^backtest: run \S+: a CSV file of the run cannot be read \(.*CSV Error.*\); the folder is damaged — run it again\n$/);
    writeFileSync(join(copy, 'summary.csv'), `${header}\n`);
    for (const command of ['inspect', 'report']) {
      const empty = backtest([command, copy]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/^backtest: run \S+ has no variant in its summary.csv \(status "complete"\): nothing to show\n$/);
    }
  });
});
