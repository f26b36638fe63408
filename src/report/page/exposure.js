/* Exposure and trading: what the book held (gross, net, long, short; by peer group; positions),
 * how much it traded at each fill, and what a round trip looked like. */
function drawExposure() {
  const x = data.exposure, t = data.trading;
  if (!x && !t.stats && !t.trips) return;
  const { grid } = part('exposure', 'Exposure and trading', x ? 'The book of ' + x.label + ', as fractions of each day\'s equity.' : '');
  if (x) {
    if (x.gross.some(isNum)) chart(grid, 'exposure', 'Exposure and positions: ' + x.label, 'gross = long − short, net = long + short (short ≤ 0); below: positions held', {
      legend: { top: 0 },
      grid: [{ left: 64, right: 24, top: 36, height: '52%' }, { left: 64, right: 24, top: '74%', bottom: 30 }],
      xAxis: [{ type: 'category', data: x.dates, axisLabel: { show: false } }, { type: 'category', gridIndex: 1, data: x.dates }],
      yAxis: [{ type: 'value', axisLabel: { formatter: (v) => pct(v, 0) } }, { type: 'value', gridIndex: 1, name: 'positions', minInterval: 1 }],
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }],
      tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v, s) => (s === 4 ? format('integer', v) : pct(v))) },
      series: [
        { name: 'gross', type: 'line', data: x.gross, showSymbol: false, lineStyle: { width: 2 } },
        { name: 'net', type: 'line', data: x.net, showSymbol: false },
        { name: 'long', type: 'line', data: x.long, showSymbol: false, lineStyle: { width: 1, type: 'dotted' } },
        { name: 'short', type: 'line', data: x.short, showSymbol: false, lineStyle: { width: 1, type: 'dotted' } },
        { name: 'positions', type: 'line', xAxisIndex: 1, yAxisIndex: 1, data: x.positions, showSymbol: false, step: 'end', lineStyle: { width: 1.2, color: '#5c6b7a' }, itemStyle: { color: '#5c6b7a' } },
      ],
    }, { tall: true });
    const g = x.groups;
    if (g) {
      const series = [];
      g.names.forEach((name, k) => {
        const color = PALETTE[k % PALETTE.length];
        series.push({ name: name, type: 'line', stack: 'long', data: g.long[k], showSymbol: false, lineStyle: { width: 0 }, areaStyle: { opacity: 0.85, color: color }, itemStyle: { color: color } });
        if (g.short[k].some((v) => v < 0)) series.push({ name: name, type: 'line', stack: 'short', data: g.short[k], showSymbol: false, lineStyle: { width: 0 }, areaStyle: { opacity: 0.55, color: color }, itemStyle: { color: color } });
      });
      chart(grid, 'exposure-groups', 'Exposure by peer group: ' + x.label, 'longs stacked above 0, shorts below; the ' + g.names.length + ' largest groups by mean gross exposure', {
        legend: { type: 'scroll', top: 0 },
        xAxis: { type: 'category', data: g.dates },
        yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, 0) } },
        tooltip: { trigger: 'axis', confine: true, formatter: groupTip(series) },
        dataZoom: ZOOM,
        series: series,
      }, { tall: true });
    }
    const tv = x.turnover;
    if (tv) {
      chart(grid, 'turnover', 'Turnover per fill day: ' + x.label, 'one-way: traded notional ÷ 2 ÷ that day\'s equity, by the trades\' reason; the first bar builds the book' + (tv.bucket > 1 ? '; each bar sums ' + tv.bucket + ' fill days' : ''), {
        legend: { top: 0 },
        xAxis: { type: 'category', data: tv.dates },
        yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, 0) } },
        tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => pct(v)) },
        dataZoom: ZOOM,
        series: tv.reasons.map((reason, k) => ({ name: reason, type: 'bar', stack: 'turnover', data: tv.values[k], barMaxWidth: 24 })),
      });
    }
  }
  if (t.stats) {
    const s = t.stats;
    card(grid, 'Trade statistics', 'summary.csv\'s round-trip columns: a round trip is a position from flat to flat (FIFO within it); win rate and averages over closed trips', [
      table(['metric'].concat(s.labels.map((l) => [l, 'variant-head'])), s.metrics.map((m, k) => [[m, 'text']].concat(s.values[k].map((v) => format(KIND_OF[m] || 'ratio', v)))), { id: 'trade-stats' }),
    ]);
  }
  if (t.trips) {
    const trips = t.trips;
    const head = ['symbol', 'side', 'opened', 'closed', 'quantity', 'entry', 'exit', 'P&L', 'return', 'days'];
    const row = (r) => [[r[0], 'text'], [r[1], 'text'], r[2], r[3], format('number', r[4]), format('number', r[5]), format('number', r[6]), money(r[7]), pct(r[8]), format('integer', r[9])];
    card(grid, 'Best and worst round trips: ' + trips.label, trips.closed + ' closed, ' + trips.open + ' still open at the end; by P&L', [
      el('h4', {}, ['best ' + trips.best.length]), table(head, trips.best.map(row), { id: 'best-trips' }),
      el('h4', {}, ['worst ' + trips.worst.length]), table(head, trips.worst.map(row), { id: 'worst-trips' }),
    ], true);
  }
}

/** The peer-group tooltip: a group's long and short on one line each, non-zero ones only. */
function groupTip(series) {
  return (params) => {
    const list = (Array.isArray(params) ? params : [params]).filter((p) => isNum(p.value) && p.value !== 0);
    return tip(list.length ? list[0].axisValueLabel : '', list.map((p) => [p.color, p.seriesName + (series[p.seriesIndex].stack === 'short' ? ' (short)' : ''), pct(p.value)]));
  };
}

/** The kind of each trade metric (writers/terminal.ts): how the trade statistics table shows it. */
const KIND_OF = {
  fills: 'integer', round_trips: 'integer', turnover: 'percent', avg_positions: 'number', win_rate: 'percent', profit_factor: 'ratio',
  avg_win: 'percent', avg_loss: 'percent', payoff_ratio: 'ratio', avg_holding_days: 'number', expectancy: 'percent',
};
