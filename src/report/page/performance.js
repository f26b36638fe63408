/* Performance: equity (log scale on demand) and cumulative return against the benchmark, the
 * underwater curve with the worst drawdowns, rolling statistics, yearly and monthly returns, and the
 * distribution of daily returns with VaR marked. */
function drawPerformance() {
  const p = data.performance;
  if (!p) return;
  const d = data.detail;
  const { grid } = part('performance', 'Performance', 'The top ' + data.top.variants.length + ' variants by ' + data.rankBy + ' and, one variant at a time, the best (' + d.label + '), each beside the benchmark over the same days.');

  // 1. Equity, with a log-scale toggle (a log axis needs positive values: others are left out while it is on).
  const positive = (values) => values.map((v) => (isNum(v) && v > 0 ? v : null));
  const equitySeries = (log) => p.equity.values.map((values, k) => ({
    name: data.top.labels[k], type: 'line', data: log ? positive(values) : values, showSymbol: false, lineStyle: { width: k === 0 ? 2.5 : 1.4 },
  })).concat(p.equity.benchmark ? [benchSeries(log ? positive(p.equity.benchmark) : p.equity.benchmark)] : []);
  const toggle = el('label', { class: 'toggle' }, [el('input', { type: 'checkbox', id: 'equity-log' }), ' log scale']);
  const equity = chart(grid, 'equity', 'Equity', 'dashed: ' + benchName, {
    legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: p.equity.dates },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: money } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis(money) },
    dataZoom: ZOOM,
    series: equitySeries(false),
  }, { tools: [toggle] });
  toggle.querySelector('input').addEventListener('change', (event) => {
    const log = event.target.checked;
    if (equity) equity.setOption({ yAxis: { type: log ? 'log' : 'value', scale: true }, series: equitySeries(log) });
  });

  // 2. Cumulative return of the best against the benchmark.
  const c = p.cumulative;
  chart(grid, 'cumulative', 'Cumulative return: ' + c.label, 'equity ÷ starting cash − 1; dashed: the benchmark', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: c.dates },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, 0) } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => pct(v)) },
    dataZoom: ZOOM,
    series: [{ name: c.label, type: 'line', data: c.strategy, showSymbol: false, lineStyle: { width: 2.2 }, areaStyle: { opacity: 0.08 } }]
      .concat(c.benchmark ? [benchSeries(c.benchmark)] : []),
  });

  // 3. Underwater, its worst periods shaded, and their table.
  const u = p.underwater;
  const shaded = u.worst.map((w) => [{ xAxis: onAxis(u.dates, w.peak || u.dates[0]) }, { xAxis: onAxis(u.dates, w.recovery || u.dates[u.dates.length - 1]) }]);
  chart(grid, 'underwater', 'Underwater: ' + u.label, 'drawdown from the running peak; shaded: its ' + u.worst.length + ' worst periods; dashed: the benchmark', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: u.dates },
    yAxis: { type: 'value', max: 0, axisLabel: { formatter: (v) => pct(v, 0) } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => pct(v)) },
    dataZoom: ZOOM,
    series: [{ name: u.label, type: 'line', data: u.strategy, showSymbol: false, lineStyle: { width: 1.6, color: '#c0392b' }, itemStyle: { color: '#c0392b' }, areaStyle: { opacity: 0.2, color: '#c0392b' },
      markArea: { silent: true, itemStyle: { color: 'rgba(192, 57, 43, 0.07)' }, data: shaded } }]
      .concat(u.benchmark ? [benchSeries(u.benchmark)] : []),
  });
  card(grid, 'Worst drawdowns: ' + u.label, 'peak: the last close at the high before the fall; length: trading days under water (to the last day when not recovered)', [
    table(['', 'peak', 'trough', 'recovery', 'depth', 'length (days)'], u.worst.map((w, k) => [
      String(k + 1), w.peak || 'the starting cash', w.trough, w.recovery || 'not recovered', pct(w.depth), String(w.days),
    ]), { id: 'drawdowns' }),
  ]);

  // 4. Rolling statistics, one grid each, on one date axis.
  const r = p.rolling;
  if (r) {
    const panels = [['Sharpe', r.sharpe, ratio], ['volatility', r.volatility, (v) => pct(v, 0)]].concat(r.beta ? [['beta to the benchmark', r.beta, ratio]] : []);
    const n = panels.length, h = 84 / n;
    chart(grid, 'rolling', 'Rolling ' + r.window + '-day statistics: ' + r.label, 'annualised Sharpe (after the risk-free rate) and volatility, and beta, each over the ' + r.window + ' trading days to the day', {
      grid: panels.map((_, k) => ({ left: 64, right: 24, top: (6 + k * h) + '%', height: (h - 10) + '%' })),
      xAxis: panels.map((_, k) => ({ type: 'category', gridIndex: k, data: r.dates, axisLabel: { show: k === n - 1 } })),
      yAxis: panels.map((pn, k) => ({ type: 'value', gridIndex: k, scale: true, splitNumber: 3, name: pn[0], nameTextStyle: { align: 'left' }, axisLabel: { formatter: pn[2] } })),
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v, s) => panels[s][2](v)) },
      dataZoom: [{ type: 'inside', xAxisIndex: panels.map((_, k) => k) }],
      series: panels.map((pn, k) => ({ name: pn[0], type: 'line', xAxisIndex: k, yAxisIndex: k, data: pn[1], showSymbol: false, lineStyle: { width: 1.5 } })),
    }, { tall: true });
  }

  // 5. Yearly and monthly returns.
  const y = p.yearly;
  if (y.years.length) chart(grid, 'yearly', 'Yearly returns: ' + y.label, 'compounded over each calendar year\'s days in the range' + (y.benchmark ? '; grey: the benchmark' : ''), {
    legend: { top: 0 },
    xAxis: { type: 'category', data: y.years.map(String) },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, 0) } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => pct(v)) },
    series: [{ name: y.label, type: 'bar', data: y.strategy, barMaxWidth: 40 }]
      .concat(y.benchmark ? [{ name: benchName, type: 'bar', data: y.benchmark, barMaxWidth: 40, itemStyle: { color: '#9aa3ad' } }] : []),
  });
  const m = p.monthly;
  if (m.cells.length) heat(grid, 'monthly', 'Monthly returns: ' + m.label, '',
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'], m.years.map(String),
    m.cells, (v) => pct(v, 1), 'month', 'year');

  // 6. The distribution of daily returns, VaR and CVaR marked.
  const dist = p.distribution;
  if (dist) {
    const top = Math.max.apply(null, dist.counts);
    const marks = [];
    if (isNum(dist.var95)) marks.push(vline('VaR 95 % (' + pct(dist.var95) + ')', dist.var95, top, '#c0392b'));
    if (isNum(dist.cvar95)) marks.push(vline('CVaR 95 % (' + pct(dist.cvar95) + ')', dist.cvar95, top, '#8e44ad', true));
    chart(grid, 'distribution', 'Daily returns: ' + dist.label, dist.days + ' days; VaR: the 5th percentile of the days (historical), CVaR: the mean of the days at or below it (summary.csv\'s var_95 and cvar_95)', {
      legend: { top: 0 },
      xAxis: { type: 'value', scale: true, axisLabel: { formatter: (v) => pct(v, 1) } },
      yAxis: { type: 'value', minInterval: 1 },
      tooltip: { trigger: 'item', confine: true },
      series: [histogramSeries('daily returns', dist.edges, dist.counts, '#6f9fe8', (v) => pct(v), 'days')].concat(marks),
    });
  }
}
