import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { applyUniverse, universeColumns, type UniverseRow } from '../../src/panel/universe.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { FillTiming } from '../../src/runner/schedule.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { runSchedule } from '../../src/variants/evaluate.ts';
import { parseWalkForward, planFolds, runOutOfSample } from '../../src/walkforward/index.ts';
import { businessDates } from '../support/panel.ts';

/**
 * The stitched record's own returns and warnings (src/walkforward/oos.ts), on a market made by hand:
 * A falls 1 % a day for 30 days, then jumps by `jump` on day 32 and rises 2 % a day; C never moves.
 * The record holds A at `side` × equity in every fold (chosen here, not by a ranking): side −2 is a
 * short at the leverage limit, which an 80 % jump ruins. A has no open and no close on day 25.
 */
const DAYS = 50;
const dates = businessDates('2025-01-01', DAYS);

const sided: Strategy = {
  name: 'sided',
  description: 'test strategy: A at side × equity',
  params: { side: { type: 'number', default: 1 } },
  warmup: () => 0,
  decide: (_bar, p) => ({ A: Number(p.side) }),
};

function market(jump: number): Panel {
  const rows: UniverseRow[] = [{ season: 2025, symbol: 'A', peer_group: 'g' }, { season: 2025, symbol: 'C', peer_group: 'g' }];
  const columns = universeColumns(rows);
  const p = allocatePanel({ days: dates.map((d) => parseIsoDate(d)!), symbols: columns.map((c) => c.symbol), peerGroups: columns.map((c) => c.peer_group) });
  let a = 100;
  for (let t = 0; t < DAYS; t++) {
    const previous = a;
    a = t === 0 ? 100 : t < 30 ? a * 0.99 : t === 32 ? a * (1 + jump) : a * 1.02;
    const closes = [t === 25 ? NaN : a, 50], opens = [t === 25 ? NaN : previous, 50];
    closes.forEach((c, i) => {
      p.close[t * 2 + i] = c;
      p.open[t * 2 + i] = opens[i]!;
      p.high[t * 2 + i] = c;
      p.low[t * 2 + i] = c;
      p.volume[t * 2 + i] = 1e6;
    });
  }
  return applyUniverse(indexCloses(p), rows, 'pinned', 2025);
}

function record(jump: number, side: number, fill: FillTiming) {
  const panel = market(jump);
  const settings = { cash: 1e5, fractional: true, commissionBps: 0, slippageBps: 0 };
  const schedule = runSchedule(panel, sided, [{ side }], panel.days[1]!, panel.days[DAYS - 1]!, fill);
  const days = schedule.last - schedule.first + 1;
  const folds = planFolds(parseWalkForward('train=20,test=12'), { days, dates: panel.dates.slice(schedule.first, schedule.last + 1), warmup: 0 });
  const oos = runOutOfSample({
    panel, strategy: sided, schedule, settings, factors: new FactorCache(panel), folds,
    chosen: folds.map(() => ({ id: 1, params: { side } })), benchmark: new Float64Array(days).fill(0.001), statistics: null,
  });
  return { oos, folds };
}

describe('the stitched record', () => {
  it('ruined: its returns are the curve\'s up to the ruin and exactly 0 after it (never 0/0)', () => {
    const { oos } = record(0.8, -2, 'close');
    const ruinDay = oos.outcome.result.ruinedAt - oos.outcome.schedule.first;
    expect(ruinDay).toBeGreaterThan(0);
    const e = oos.outcome.result.curve.equity;
    expect(oos.returns.length).toBe(e.length);
    for (let d = 0; d < e.length; d++) {
      if (d <= ruinDay) expect(oos.returns[d], `day ${d}`).toBeCloseTo(e[d]! / (d === 0 ? 1e5 : e[d - 1]!) - 1, 12);
      else expect(oos.returns[d], `day ${d}`).toBe(0);
    }
    expect(oos.outcome.metrics.sharpe).toBeNull(); // a ruined record's ratios are blank
  });

  it('with next-open fills, an order on a day A has no open is not executed, and the record says how many', () => {
    const { oos } = record(0.05, 0.5, 'open'); // half in A: the day's target differs from what is held
    const skipped = oos.outcome.result.skipped.length;
    expect(skipped).toBeGreaterThan(0);
    expect(oos.outcome.warnings).toContain(`${skipped} order(s) not executed: no price on the fill day`);
  });
});
