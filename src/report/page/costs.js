/* Costs and capacity: where the money went for the top variants, their break-even beside what they
 * paid and their return, and how they do as the starting capital grows (capacity.csv). */
function drawCosts() {
  const c = data.costs;
  if (!c) return;
  const { grid } = part('costs', 'Costs and capacity', 'README, "Costs, liquidity and capacity": each model with its formula and source.');
  const b = c.breakdown;
  if (b) {
    const names = { cost_commission: 'commission', cost_spread: 'spread', cost_slippage: 'slippage', cost_impact: 'impact', cost_borrow: 'borrow' };
    chart(grid, 'costs', 'What the top ' + b.labels.length + ' paid', 'costs over the run by kind (currency), stacked; beside them the interest their cash earned', {
      legend: { top: 0 },
      grid: { left: 80, right: 24, top: 36, bottom: 100 },
      xAxis: { type: 'category', data: b.labels, axisLabel: { rotate: 30, interval: 0, fontSize: 10, width: 150, overflow: 'truncate' } },
      yAxis: { type: 'value', axisLabel: { formatter: money } },
      tooltip: { trigger: 'axis', confine: true, formatter: tipAxis(money) },
      series: b.kinds.map((k, i) => ({ name: names[k] || k, type: 'bar', stack: 'costs', data: b.values[i], barMaxWidth: 36 }))
        .concat(b.interest.some(isNum) ? [{ name: 'cash interest earned', type: 'bar', data: b.interest, barMaxWidth: 36, itemStyle: { color: '#16a2b8' } }] : []),
    });
  }
  const e = c.breakEven;
  if (e) {
    chart(grid, 'break-even', 'Break-even beside cost paid', 'per unit of one-way traded notional: profitable after costs exactly when the break-even is above the cost paid', {
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 36, bottom: 100 },
      xAxis: { type: 'category', data: e.labels, axisLabel: { rotate: 30, interval: 0, fontSize: 10, width: 150, overflow: 'truncate' } },
      yAxis: { type: 'value', name: 'bp', axisLabel: { formatter: (v) => String(v) } },
      tooltip: { trigger: 'axis', confine: true, formatter: (params) => {
        const k = (Array.isArray(params) ? params[0] : params).dataIndex;
        return tip(e.labels[k], [['#e07b39', 'cost paid', bps(e.cost[k])], ['#2f6fdd', 'break-even', bps(e.breakEven[k])], [null, 'total return', pct(e.totalReturn[k])]]);
      } },
      series: [
        { name: 'cost paid (cost_total_bps)', type: 'bar', data: e.cost, itemStyle: { color: '#e07b39' }, barMaxWidth: 28 },
        { name: 'break-even (break_even_bps)', type: 'bar', data: e.breakEven, itemStyle: { color: '#2f6fdd' }, barMaxWidth: 28 },
      ],
    });
    card(grid, 'Break-even and return', '', [table(['variant', 'total return', 'cost paid', 'break-even', 'margin'], e.labels.map((l, k) => [
      [l, 'text'], pct(e.totalReturn[k]), bps(e.cost[k]), bps(e.breakEven[k]), isNum(e.breakEven[k]) && isNum(e.cost[k]) ? bps(e.breakEven[k] - e.cost[k]) : '—',
    ]), { id: 'break-even-table' })]);
  }
  const cap = c.capacity;
  if (cap) {
    const panels = [['Sharpe', 'sharpe', ratio], ['total return', 'totalReturn', (v) => pct(v, 0)], ['unfilled share', 'unfilled', (v) => pct(v, 0)]];
    const series = [];
    panels.forEach((pn, k) => cap.series.forEach((s, i) => series.push({
      name: s.label, type: 'line', xAxisIndex: k, yAxisIndex: k, data: cap.capitals.map((x, j) => [x, s[pn[1]][j]]), symbolSize: 5, color: PALETTE[i % PALETTE.length],
    })));
    chart(grid, 'capacity', 'Capacity: the top ' + cap.series.length + ' at other starting capitals', 'capacity.csv, with the run\'s liquidity and impact models; a participation cap leaves a large book partly unfilled (in cash), which can make it look better at size: read the Sharpe beside the unfilled share, not as capacity alone', {
      legend: { type: 'scroll', top: 0 },
      grid: panels.map((_, k) => ({ left: 64, right: 24, top: (9 + k * 29) + '%', height: '21%' })),
      xAxis: panels.map((_, k) => ({ type: 'log', gridIndex: k, min: cap.capitals[0], max: cap.capitals[cap.capitals.length - 1], axisLabel: { show: k === panels.length - 1, formatter: capital }, name: k === panels.length - 1 ? 'starting capital' : '', nameLocation: 'middle', nameGap: 24 })),
      yAxis: panels.map((pn, k) => ({ type: 'value', gridIndex: k, scale: true, splitNumber: 3, name: pn[0], nameTextStyle: { align: 'left' }, axisLabel: { formatter: pn[2] } })),
      tooltip: { trigger: 'item', confine: true, formatter: (p) => {
        const pn = panels[Math.floor(p.seriesIndex / cap.series.length)];
        return tip(p.seriesName, [[p.color, 'capital', capital(p.value[0])], [p.color, pn[0], pn[2](p.value[1])]]);
      } },
      series: series,
    }, { tall: true, wide: true });
  }
}
