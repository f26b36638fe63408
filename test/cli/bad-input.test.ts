import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithBorrow } from '../support/borrow.ts';
import { backtest, entries, tempDir } from '../support/cli.ts';

/**
 * Every bad input exits 2 with one line naming the problem, and writes nothing to results/.
 */
const emptyData = tempDir();
const noRows = join(tempDir(), 'no-rows.csv');
writeFileSync(noRows, 'symbol,date,close\nA,2024-13-01,1\nB,2024-01-02,-1\n');
const runFolder = tempDir();
const aFile = join(tempDir(), 'not-a-folder');
writeFileSync(aFile, 'x\n');
writeFileSync(join(runFolder, 'manifest.json'), '{}\n');
const negativeFee = sampleWithBorrow('symbol,date,fee_bps\nADCO,2025-09-01,-5\n');
const badDate = sampleWithBorrow('symbol,date,fee_bps\nADCO,2025-09-31,40\n');
const noFee = sampleWithBorrow('symbol,date\nADCO,2025-09-01\n');
const noBorrow = sampleWithBorrow(null);

const cases: Array<[string, string[], RegExp]> = [
  ['a date not in YYYY-MM-DD form', ['2025-10-7', '2026-01-03'], /start date "2025-10-7" is not a real date in YYYY-MM-DD form/],
  ['a date that does not exist', ['2025-02-30', '2026-01-03'], /start date "2025-02-30" is not a real date/],
  ['end before start', ['2026-01-03', '2025-10-07'], /end 2025-10-07 is before start 2026-01-03/],
  ['a range with no trading days', ['2025-10-11', '2025-10-12', '2025'], /no trading days between 2025-10-11 and 2025-10-12/],
  ['a season without universe rows', ['2025-10-07', '2026-01-03', '2031'], /season 2031 has no universe rows .*seasons that exist: 2023, 2024, 2025, 2026/],
  ['an unknown strategy', ['2025-10-07', '2026-01-03', '--strategy', 'nope'], /unknown strategy "nope"; available: .*buy-and-hold.*sma-cross/],
  ['an unknown parameter', ['2025-10-07', '2026-01-03', '--strategy', 'sma-cross', '--param', 'fsat=5'], /--param fsat: unknown parameter of strategy sma-cross \(did you mean fast\?\)/],
  ['a parameter of the wrong type', ['2025-10-07', '2026-01-03', '--strategy', 'sma-cross', '--param', 'fast=abc'], /--param fast=abc: fast must be an integer/],
  ['parameters breaking a constraint', ['2025-10-07', '2026-01-03', '--strategy', 'sma-cross', '--param', 'fast=40'], /fast \(40\) must be below slow \(30\)/],
  ['a negative --cash', ['2025-10-07', '2026-01-03', '--cash', '-5'], /--cash -5: must be greater than 0/],
  ['a non-numeric --cash', ['2025-10-07', '2026-01-03', '--cash', 'lots'], /--cash lots: not a number/],
  ['a negative --commission-bps', ['2025-10-07', '2026-01-03', '--commission-bps', '-1'], /--commission-bps -1: must be 0 or more/],
  ['a non-numeric --slippage-bps', ['2025-10-07', '2026-01-03', '--slippage-bps', 'x'], /--slippage-bps x: not a number/],
  ['a --slippage-bps of 100 % or more', ['2025-10-07', '2026-01-03', '--slippage-bps', '20000'], /--slippage-bps 20000: must be below 10,000 bps \(100 %\)/],
  ['a --commission-bps of 100 %', ['2025-10-07', '2026-01-03', '--commission-bps', '10000'], /--commission-bps 10000: must be below 10,000 bps/],
  ['an unknown --universe', ['2025-10-07', '2026-01-03', '--universe', 'floating'], /--universe must be one of rolling, pinned; got "floating"/],
  ['--universe rolling with a season', ['2025-10-07', '2026-01-03', '2025', '--universe', 'rolling'], /--universe rolling takes each day's season from its calendar year: leave out the season \(2025\)/],
  ['a zero --max-leverage', ['2025-10-07', '2026-01-03', '--max-leverage', '0'], /--max-leverage 0: must be greater than 0/],
  ['a negative --max-leverage', ['2025-10-07', '2026-01-03', '--max-leverage', '-2'], /--max-leverage -2: must be greater than 0/],
  ['a --maintenance-margin of 0', ['2025-10-07', '2026-01-03', '--maintenance-margin', '0'], /--maintenance-margin 0: must be between 0 and 1 \(exclusive\)/],
  ['a --maintenance-margin of 1', ['2025-10-07', '2026-01-03', '--maintenance-margin', '1'], /--maintenance-margin 1: must be between 0 and 1/],
  ['--out naming a file', ['2025-10-07', '2026-01-03', '2025', '--out', aFile], /--out .*not-a-folder: is a file, not a folder$/],
  ['--out under a file', ['2025-10-07', '2026-01-03', '2025', '--out', join(aFile, 'results')], /--out .*not-a-folder\/results: .*not-a-folder is a file, not a folder$/],
  ['--out where no folder can be made (/proc)', ['2025-10-07', '2026-01-03', '2025', '--out', '/proc/x/y'], /--out \/proc\/x\/y: cannot (make a folder in \/proc \(ENOENT\)|write in \/proc \(permission denied\))$/],
  ['a --maintenance-margin above 1', ['2025-10-07', '2026-01-03', '--maintenance-margin', '1.5'], /--maintenance-margin 1.5: must be between 0 and 1/],
  // costs, liquidity and capacity (issue 14)
  ['a negative --borrow-bps', ['2025-10-07', '2026-01-03', '--borrow-bps', '-5'], /--borrow-bps -5: must be 0 or more/],
  ['a non-numeric --cash-rate', ['2025-10-07', '2026-01-03', '--cash-rate', '4%'], /--cash-rate 4%: not a number/],
  ['a negative --cash-rate', ['2025-10-07', '2026-01-03', '--cash-rate', '-0.01'], /--cash-rate -0.01: must be from 0 to below 1 \(an annual rate as a fraction: 0\.04 is 4 %\)/],
  ['a --cash-rate given in percent', ['2025-10-07', '2026-01-03', '--cash-rate', '4'], /--cash-rate 4: must be from 0 to below 1 \(an annual rate as a fraction: 0\.04 is 4 %\)/],
  ['a negative --spread-bps', ['2025-10-07', '2026-01-03', '--spread-bps', '-2'], /--spread-bps -2: must be 0 or more/],
  ['a non-numeric --commission-per-share', ['2025-10-07', '2026-01-03', '--commission-per-share', 'half a cent'], /--commission-per-share half a cent: not a number/],
  ['a negative --min-commission', ['2025-10-07', '2026-01-03', '--min-commission', '-1'], /--min-commission -1: must be 0 or more/],
  ['a --max-participation of 0', ['2025-10-07', '2026-01-03', '--max-participation', '0'], /--max-participation 0: must be above 0 and at most 1/],
  ['a --max-participation above 1', ['2025-10-07', '2026-01-03', '--max-participation', '1.5'], /--max-participation 1.5: must be above 0 and at most 1/],
  ['a non-numeric --max-participation', ['2025-10-07', '2026-01-03', '--max-participation', 'five'], /--max-participation five: not a number/],
  ['an unknown --impact model', ['2025-10-07', '2026-01-03', '--impact', 'linear'], /--impact linear: must be one of none, sqrt, almgren/],
  ['an --impact-horizon of 0', ['2025-10-07', '2026-01-03', '--impact', 'almgren', '--impact-horizon', '0'], /--impact-horizon 0: must be above 0 and at most 1/],
  ['a negative --impact-k', ['2025-10-07', '2026-01-03', '--impact', 'sqrt', '--impact-k', '-1'], /--impact-k -1: must be greater than 0/],
  ['an --adv-days of 1', ['2025-10-07', '2026-01-03', '--adv-days', '1'], /--adv-days 1: must be a whole number ≥ 2/],
  ['a --capacity list with a word', ['2025-10-07', '2026-01-03', '--capacity', '1e6,lots'], /--capacity 1e6,lots: "lots" is not a positive number/],
  ['a --capacity list with 0', ['2025-10-07', '2026-01-03', '--capacity', '0,1e6'], /--capacity 0,1e6: "0" is not a positive number/],
  ['a --capacity list with a negative capital', ['2025-10-07', '2026-01-03', '--capacity', '1e6,-1e7'], /--capacity 1e6,-1e7: "-1e7" is not a positive number/],
  ['an empty --capacity entry', ['2025-10-07', '2026-01-03', '--capacity', '1e6,,1e7'], /--capacity 1e6,,1e7: "" is not a positive number/],
  ['a borrow table with a negative fee', ['2025-10-07', '2026-01-03', '2025', '--data', negativeFee, '--borrow-table'], /borrow\.csv: ADCO on 2025-09-01: fee_bps -5 \(a borrow fee must be a number ≥ 0, bps a year\)/],
  ['a borrow table with a bad date', ['2025-10-07', '2026-01-03', '2025', '--data', badDate, '--borrow-table'], /borrow\.csv: ADCO: date "2025-09-31" is not a date \(YYYY-MM-DD\)/],
  ['a borrow table without fee_bps', ['2025-10-07', '2026-01-03', '2025', '--data', noFee, '--borrow-table'], /borrow\.csv: no column fee_bps; a borrow table has columns symbol, date, fee_bps/],
  ['--borrow-table without a borrow file', ['2025-10-07', '2026-01-03', '2025', '--data', noBorrow, '--borrow-table'], /--borrow-table: .* holds no borrow table: expected borrow\.parquet, borrow\.csv or borrow\.csv\.gz with columns symbol, date, fee_bps/],
  ['--data without prices', ['2025-10-07', '2026-01-03', '--data', emptyData], /holds no prices/],
  ['an unknown option', ['2025-10-07', '2026-01-03', '--nope'], /Unknown argument: nope/],
  // yargs' choice errors, whole (they used to be cut to "Invalid values:").
  ['a --fill that is not a choice', ['2025-10-07', '2026-01-03', '--fill', 'middle'], /^backtest: --fill must be one of open, close; got "middle"$/],
  ['a --fill in the wrong case', ['2025-10-07', '2026-01-03', '--fill', 'Open'], /^backtest: --fill must be one of open, close; got "Open"$/],
  ['a --source that is not a choice', ['2025-10-07', '2026-01-03', '--source', 's3'], /^backtest: --source must be one of local, supabase; got "s3"$/],
  ['two bad choices at once', ['2025-10-07', '2026-01-03', '--source', 's3', '--fill', 'noon'], /^backtest: --source must be one of local, supabase; got "s3"; --fill must be one of open, close; got "noon"$/],
  ['an import --to that is not a choice', ['import', noRows, '--to', 'ftp'], /^backtest: --to must be one of folder, supabase; got "ftp"$/],
  ['a missing argument', ['2025-10-07'], /Not enough non-option arguments/],
  ['a grid with a zero step', ['2025-10-07', '2026-01-03', '--strategy', 'sma-cross', '--param', 'symbol=ADCO', '--grid', 'fast=1:10:0'], /--grid fast=1:10:0: the step cannot be 0/],
  ['a grid on an unknown parameter', ['2025-10-07', '2026-01-03', '--grid', 'lookbak=10,20'], /--grid lookbak: unknown parameter of strategy vopa \(did you mean lookback\?\)/],
  ['a grid whose every combination breaks a constraint', ['2025-10-07', '2026-01-03', '--strategy', 'sma-cross', '--grid', 'fast=40,50', '--grid', 'slow=20,30'], /all 4 combinations break a constraint/],
  ['a grid of more than 10,000 variants without --yes', ['2025-10-07', '2026-01-03', '--grid', 'lookback=2:200', '--grid', 'top=1:60'], /the grid has 11,940 variants \(over 10,000\); add --yes/],
  ['an unknown --rank-by metric', ['2025-10-07', '2026-01-03', '--rank-by', 'sharp'], /--rank-by sharp: not a metric of vopa \(did you mean sharpe\?\)/],
  ['zero --workers', ['2025-10-07', '2026-01-03', '--workers', '0'], /--workers 0: must be a whole number ≥ 1/],
  ['a bad --save list', ['2025-10-07', '2026-01-03', '--save', 'equity,orders'], /--save equity,orders: orders is not one of equity, trades, diagnostics/],
  ['a fractional --batch-size for import --to supabase', ['import', noRows, '--to', 'supabase', '--batch-size', '0.5'], /--batch-size 0\.5: must be a whole number ≥ 1/],
  ['a zero --batch-size for upload', ['upload', runFolder, '--batch-size', '0'], /--batch-size 0: must be a whole number ≥ 1/],
  ['a fractional --batch-size for upload', ['upload', runFolder, '--batch-size', '2.5'], /--batch-size 2\.5: must be a whole number ≥ 1/],
  ['an import file with no valid row', ['import', noRows, '--data', join(emptyData, 'store')], /import: no valid row in .*no-rows.csv \(2 rejected; first: .*:2: date "2024-13-01"/],
];

describe('bad input: exit 2, one clear line, nothing written', () => {
  it.each(cases)('%s', (_, args, message) => {
    const out = tempDir();
    const r = backtest(args[0] === 'import' || args.includes('--out') ? args : [...args, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^backtest: /);
    expect(lines[0]).toMatch(message);
    expect(r.stdout).toBe('');
    expect(entries(out)).toEqual([]);
    expect(entries(join(emptyData, 'store'))).toEqual([]);
  });

  it('a strategy that fails at run time exits 1 and leaves no run folder', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'broken.ts');
    writeFileSync(file, `export default { name: 'broken', description: '', params: {}, warmup: () => 0, decide() { throw new Error('kaput'); } };\n`);
    const out = join(dir, 'results');
    const r = backtest(['2025-10-07', '2026-01-03', '--strategy', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backtest: strategy broken failed at the close of 2025-10-06: kaput \[E_STRATEGY\]\n$/);
    expect(entries(out)).toEqual([]);
  });
});
