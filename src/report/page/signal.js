/* The signal: IC per decision day with its trailing mean, mean IC by peer group, and the mean
 * quintile spread of the best variants. */
function drawSignal() {
  if (!data.ic && !data.icGroups && !data.quintile) return;
  const { grid } = part('signal', 'Signal', 'How well the strategy\'s signal ranked the next period\'s returns (diagnostics.csv, summary.csv).');
  const bar = (v) => ({ value: v, itemStyle: { color: v < 0 ? '#d9534f' : '#3c9d5d' } });
  if (data.ic) chart(grid, 'ic-time', 'IC per decision day: ' + data.ic.label, 'Spearman rank correlation of the signal with the forward return; line: trailing mean of the last ' + data.ic.window + ' decision days', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: data.ic.dates },
    yAxis: { type: 'value' },
    dataZoom: ZOOM,
    series: [
      { name: 'IC', type: 'bar', data: data.ic.ic, itemStyle: { color: '#9db7e8' } },
      { name: 'trailing mean', type: 'line', data: data.ic.mean, showSymbol: false, lineStyle: { width: 2, color: '#2f6fdd' }, itemStyle: { color: '#2f6fdd' } },
    ],
  });
  const g = data.icGroups;
  if (g) chart(grid, 'ic-groups', 'Mean IC by peer group: ' + g.label, 'dashed line: the mean IC over all members', {
    grid: { left: 64, right: 24, top: 24, bottom: 110 },
    xAxis: { type: 'category', data: g.groups, axisLabel: { rotate: 35, interval: 0, width: 150, overflow: 'truncate' } },
    yAxis: { type: 'value' },
    series: [{
      name: 'mean IC', type: 'bar', barMaxWidth: 48, data: g.mean.map(bar),
      markLine: g.icMean === null ? undefined : { symbol: 'none', silent: true, data: [{ yAxis: g.icMean, name: 'all' }], lineStyle: { type: 'dashed', color: '#555' }, label: { position: 'insideEndTop', formatter: (p) => 'all: ' + ratio(p.value) } },
    }],
  });
  const q = data.quintile;
  if (q) chart(grid, 'quintile', 'Mean quintile spread, top ' + q.labels.length + ' by ' + data.rankBy, 'mean forward return of the top fifth of the signal minus the bottom fifth, per decision day', {
    grid: { left: 64, right: 24, top: 24, bottom: 120 },
    xAxis: { type: 'category', data: q.labels, axisLabel: { rotate: 45, interval: 0, fontSize: 10, width: 150, overflow: 'truncate' } },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, 2) } },
    tooltip: { trigger: 'axis', confine: true, formatter: tipAxis((v) => pct(v, 3)) },
    series: [{ name: 'quintile spread', type: 'bar', barMaxWidth: 48, data: q.spread.map(bar) }],
  });
}
