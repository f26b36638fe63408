/**
 * Whether this checkout writes the same files as another one: the check behind a change that must
 * not change results (issue 21's speed work). It runs one set of backtests with each checkout — on
 * the same data: the sample market, and the S&P 500 and ORCL fixtures imported once into a temporary
 * folder — and compares every file of each pair of run folders byte for byte; manifest.json without
 * the fields that differ from run to run by nature (its id, when, the command line, the data's location,
 * timings and memory).
 *
 *   git worktree add /tmp/base HEAD~3 && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node scripts/same-outputs.ts /tmp/base
 *
 * Prints each difference and exits 1 when there is one; exits 0 with the count of files compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(HERE, 'test/fixtures');

/** name → arguments after `backtest` (the data folder as {sample}, {sp500} or {orcl}). */
const RUNS: Record<string, string[]> = {
  'vopa': ['2024-01-02', '2025-12-31', '--data', '{sample}', '--signals', '--commission-bps', '1', '--slippage-bps', '2'],
  'vopa-sweep-pinned': ['2024-01-02', '2025-12-31', '2025', '--data', '{sample}', '--grid', 'rebalance=1,3,5,10', '--grid', 'lookback=21,63', '--param', 'bottom=3', '--signals', '--workers', '2'],
  'vopa-close-inverse-vol': ['2024-01-02', '2025-12-31', '--data', '{sample}', '--grid', 'rebalance=5,7', '--param', 'weighting=inverse-vol', '--param', 'skip=2', '--param', 'minPeers=10', '--fill', 'close', '--signals', '--workers', '1'],
  'vopa-walk-forward': ['2023-06-01', '2025-12-31', '--data', '{sample}', '--grid', 'lookback=21,42', '--grid', 'rebalance=5,10', '--walk-forward', 'train=126,test=42', '--workers', '2'],
  'vopa-holdout-capacity': ['2024-01-02', '2025-12-31', '--data', '{sample}', '--grid', 'rebalance=5,10', '--holdout', '100', '--workers', '1', '--capacity', '1e6,1e8'],
  'momentum-sweep': ['2024-01-02', '2025-12-31', '--data', '{sample}', '--strategy', 'momentum', '--grid', 'rebalance=1,5', '--grid', 'lookback=20,63', '--signals', '--workers', '2'],
  'momentum-costs': ['2024-01-02', '2025-12-31', '--data', '{sample}', '--strategy', 'momentum', '--param', 'rebalance=4', '--max-participation', '0.05', '--impact', 'almgren', '--borrow-bps', '50', '--signals'],
  'sp500-sweep': ['2016-10-03', '2017-12-29', '--data', '{sp500}', '--grid', 'rebalance=1,5,21', '--grid', 'lookback=21,63', '--param', 'bottom=5', '--signals', '--workers', '2', '--commission-bps', '1'],
  'sp500-pinned-close': ['2016-10-03', '2017-12-29', '2017', '--data', '{sp500}', '--grid', 'minPeers=3,30', '--param', 'weighting=inverse-vol', '--param', 'skip=5', '--signals', '--workers', '1', '--fill', 'close'],
  'sp500-momentum': ['2016-10-03', '2017-12-29', '--data', '{sp500}', '--strategy', 'momentum', '--grid', 'rebalance=1,5', '--signals', '--workers', '2'],
  'sp500-walk-forward': ['2016-10-03', '2017-12-29', '--data', '{sp500}', '--grid', 'rebalance=5,10', '--grid', 'lookback=21,42', '--walk-forward', 'train=126,test=42', '--workers', '2'],
  'orcl-momentum': ['1996-01-02', '2014-12-31', '--data', '{orcl}', '--strategy', 'momentum', '--param', 'top=1', '--grid', 'rebalance=1,7', '--grid', 'lookback=5,50'],
  'orcl-vopa': ['1996-01-02', '2014-12-31', '--data', '{orcl}', '--param', 'top=1', '--param', 'minPeers=1', '--grid', 'rebalance=3,9', '--signals'],
};

/** Manifest fields that differ between two runs of the same thing. */
const VOLATILE = new Set(['run_id', 'created_at', 'command', 'timings_ms', 'peak_rss_mb', 'location', 'files']);

function backtest(checkout: string, args: string[]): void {
  const r = spawnSync(process.execPath, [join(checkout, 'bin/backtest.js'), ...args], { encoding: 'utf8', cwd: checkout });
  if (r.status !== 0) throw new Error(`${checkout}: backtest ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
}

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, withoutVolatile(v)]));
  return value;
}

/** The one run folder under `parent`. */
function runFolder(parent: string): string {
  const [only, ...more] = readdirSync(parent);
  if (!only || more.length) throw new Error(`${parent}: expected one run folder, found ${more.length + (only ? 1 : 0)}`);
  return join(parent, only);
}

if (import.meta.main) {
  const baseline = process.argv[2];
  if (!baseline) {
    process.stderr.write('usage: node scripts/same-outputs.ts <baseline checkout>\n');
    process.exit(2);
  }
  const dirs = { this: HERE, baseline: resolve(baseline) };
  const work = mkdtempSync(join(tmpdir(), 'same-outputs-'));
  try {
    const data: Record<string, string> = { sample: join(HERE, 'data/sample'), sp500: join(work, 'sp500'), orcl: join(work, 'orcl') };
    backtest(HERE, ['import', join(FIXTURES, 'sp500-4-sectors-2016-2017.csv.gz'), '--universe', join(FIXTURES, 'sp500-4-sectors-universe.csv'), '--data', data.sp500!]);
    backtest(HERE, ['import', join(FIXTURES, 'orcl-1995-2014.txt'), '--data', data.orcl!]);
    let files = 0;
    const differ: string[] = [];
    for (const [name, template] of Object.entries(RUNS)) {
      const args = template.map((a) => a.replace(/^\{(\w+)\}$/, (_, k: string) => data[k]!));
      const folders = Object.fromEntries(Object.entries(dirs).map(([who, checkout]) => {
        const out = join(work, who, name);
        backtest(checkout, [...args, '--out', out, '--no-upload']);
        return [who, runFolder(out)];
      })) as Record<keyof typeof dirs, string>;
      const names = readdirSync(folders.this).sort();
      const theirs = readdirSync(folders.baseline).sort();
      if (names.join() !== theirs.join()) differ.push(`${name}: files ${names.join(', ')} against ${theirs.join(', ')}`);
      for (const file of names.filter((f) => theirs.includes(f))) {
        files++;
        const [a, b] = [folders.this, folders.baseline].map((f) => readFileSync(join(f, file)));
        const same = file === 'manifest.json'
          ? JSON.stringify(withoutVolatile(JSON.parse(a!.toString()))) === JSON.stringify(withoutVolatile(JSON.parse(b!.toString())))
          : a!.equals(b!);
        if (!same) differ.push(`${name}: ${file} differs`);
      }
    }
    for (const line of differ) process.stdout.write(`${line}\n`);
    process.stdout.write(`${files} files of ${Object.keys(RUNS).length} runs compared: ${differ.length ? `${differ.length} differ` : 'all the same'}\n`);
    process.exitCode = differ.length ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
