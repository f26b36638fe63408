import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, FIXTURES, tempDir } from '../support/cli.ts';

/**
 * The real ORCL file, imported and traded by sma-cross through the CLI, checked against a
 * second implementation here: moving averages compared exactly in integer arithmetic
 * (prices × 10⁶ as BigInt, so exact ties are ties), all-in at the next open, all out at the next open.
 */
interface Bar { date: string; open: number; close: number; closeMicros: bigint }

function readOrcl(): Bar[] {
  const lines = readFileSync(join(FIXTURES, 'orcl-1995-2014.txt'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [date, open, , , close, adj] = line.split(',');
    const [whole, frac = ''] = adj!.split('.');
    // the import adjusts: close = Adj Close, open scaled by Adj Close ÷ Close
    return { date: date!, open: Number(open) * (Number(adj) / Number(close)), close: Number(adj), closeMicros: BigInt(whole!) * 1_000_000n + BigInt(frac.padEnd(6, '0')) };
  });
}

function referenceTrades(bars: Bar[], fast: number, slow: number, cash: number) {
  const sum = (t: number, len: number) => { let s = 0n; for (let k = t - len + 1; k <= t; k++) s += bars[k]!.closeMicros; return s; };
  // fast mean vs slow mean, exactly: sign of sumF·slow − sumS·fast
  const cmp = (t: number) => { const d = sum(t, fast) * BigInt(slow) - sum(t, slow) * BigInt(fast); return d > 0n ? 1 : d < 0n ? -1 : 0; };
  const trades: { date: string; side: string; quantity: number; price: number }[] = [];
  let shares = 0;
  for (let t = slow; t < bars.length - 1; t++) {
    const now = cmp(t), before = cmp(t - 1);
    const fill = bars[t + 1]!;
    if (shares === 0 && now > 0 && before <= 0) {
      shares = Math.floor(cash / fill.open);
      cash -= shares * fill.open;
      trades.push({ date: fill.date, side: 'buy', quantity: shares, price: fill.open });
    } else if (shares > 0 && now < 0 && before >= 0) {
      cash += shares * fill.open;
      trades.push({ date: fill.date, side: 'sell', quantity: shares, price: fill.open });
      shares = 0;
    }
  }
  return { trades, finalEquity: cash + shares * bars.at(-1)!.close };
}

describe('sma-cross on the real ORCL file', () => {
  const data = tempDir();
  beforeAll(() => {
    const r = backtest(['import', join(FIXTURES, 'orcl-1995-2014.txt'), '--data', data]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported 5,036 price rows of 1 symbol\(s\), 1995-01-03 … 2014-12-31/);
  });

  it.each([[10, 30], [5, 20], [20, 50]])('fast %i / slow %i: every trade as the reference makes it', (fast, slow) => {
    const r = backtest(['1995-01-03', '2014-12-31', '--strategy', 'sma-cross', '--data', data, '--cash', '100000', '--param', `fast=${fast}`, '--param', `slow=${slow}`, '--json', '--out', join(data, 'results')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: the data begin too late for a warm-up of ${slow} bars: the run trades from`));
    const json = JSON.parse(r.stdout);
    const trades = (parse(readFileSync(join(json.folder, 'trades.csv')), { columns: true }) as Record<string, string>[]).map((t) => ({ date: t.date!, side: t.side!, quantity: Number(t.quantity), price: Number(t.price) }));
    const reference = referenceTrades(readOrcl(), fast, slow, 100_000);
    expect(trades.length).toBeGreaterThan(20);
    expect(trades).toEqual(reference.trades);
    expect(json.summary[0].final_equity).toBeCloseTo(reference.finalEquity, 6);
    expect(json.summary[0].round_trips).toBe(Math.floor(reference.trades.length / 2));
  });
});
