import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { METRIC_COLUMNS } from '../../src/supabase/schema.ts';
import { isoDate } from '../../src/util/dates.ts';

/**
 * A finished run folder written directly (no backtest run): manifest.json, summary.csv,
 * equity.csv and trades.csv with as many rows as asked, in the layout src/writers writes.
 * Trades come 50 per (variant, date), five symbols of them twice (a second fill: seq 1), so
 * the upload's `seq` numbering is exercised. Returns the folder and its row counts.
 *
 * @example const { dir, rows } = await writeRunFolder(tempDir(), { trades: 200_000 });
 */
export async function writeRunFolder(parent: string, options: { runId?: string; variants?: number; days?: number; trades?: number } = {}) {
  const runId = options.runId ?? `20250101T000000Z-test-${Math.random().toString(16).slice(2, 6)}`;
  const variants = options.variants ?? 2;
  const days = options.days ?? 30;
  const trades = options.trades ?? 120;
  const dir = join(parent, runId);
  mkdirSync(dir, { recursive: true });
  const first = 20_089; // 2025-01-01

  const summaryHeader = ['variant', 'strategy', 'top', ...METRIC_COLUMNS];
  const summary = Array.from({ length: variants }, (_, k) => [k + 1, 'vopa', 5 * (k + 1), ...METRIC_COLUMNS.map((_, m) => (m % 4 === 3 ? '' : (k + 1) * 10 + m))].join(','));
  writeFileSync(join(dir, 'summary.csv'), `${[summaryHeader.join(','), ...summary].join('\n')}\n`);

  const equity: string[] = ['date,variant,equity,cash,gross,net,return,drawdown'];
  for (let v = 1; v <= variants; v++) {
    for (let d = 0; d < days; d++) equity.push(`${isoDate(first + d)},${v},${1e6 + d},${100 + v},${1e6 - 100},${1e6 - 100},${d ? 0.001 : 0},${-0.01 * (d % 3)}`);
  }
  writeFileSync(join(dir, 'equity.csv'), `${equity.join('\n')}\n`);

  const out = createWriteStream(join(dir, 'trades.csv'));
  out.write('date,variant,symbol,side,quantity,price,notional,cost,reason\n');
  const perVariant = Math.ceil(trades / variants);
  let chunk = '';
  for (let i = 0; i < trades; i++) {
    const v = 1 + Math.floor(i / perVariant);
    const j = i - (v - 1) * perVariant;
    const day = first + Math.floor(j / 50);
    const symbol = `S${String((j % 50) % 45).padStart(3, '0')}`;
    chunk += `${isoDate(day)},${v},${symbol},${j % 2 ? 'sell' : 'buy'},${10 + (j % 7)},${20.5 + (j % 13)},${(10 + (j % 7)) * (20.5 + (j % 13))},0,rebalance\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);

  const params = Array.from({ length: variants }, (_, k) => ({ variant: k + 1, params: { top: 5 * (k + 1) } }));
  const manifest = {
    run_id: runId, status: 'complete', created_at: '2025-01-01T00:00:00.000Z', command: 'backtest (test run folder)',
    strategy: { name: 'vopa' }, range: { start: isoDate(first), end: isoDate(first + days - 1), season: 2025 },
    variants: params, data: { kind: 'local', fingerprint: 'test' },
    files: { 'summary.csv': variants, 'equity.csv': variants * days, 'trades.csv': trades },
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, runId, rows: { variants, equity: variants * days, trades } };
}
