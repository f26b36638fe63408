/**
 * The floor of JavaScript on the simulation bench's momentum: the same work written as one plain loop
 * over typed arrays, the shape of the numba loop issue 21 compares with — the 20-day rate of change of
 * the whole panel, then for each bar: the orders decided at the last close filled at this open (sells
 * first, whole shares, 1 bp slippage and 1 bp commission, each fill logged in typed columns), equity and
 * cash recorded at the close, and the top 10 of the day's rate of change (src/factors/select.ts's
 * `topK`, the engine's own). Nothing else: no strategy interface, no cash check on buys, no universe,
 * margin, costs beyond those two, financing, trade reasons or metrics. It is a yardstick, not an engine:
 * what a JavaScript program must spend at least, so the engine's distance to compiled code can be told
 * apart from JavaScript's own.
 */
import { topK } from '../src/factors/select.ts';
import type { Panel } from '../src/panel/panel.ts';

export function bareMomentum(panel: Panel, lookback = 20, top = 10): number {
  const n = panel.symbols.length, bars = panel.days.length;
  const { open, close } = panel;
  const roc = new Float64Array(bars * n).fill(NaN);
  for (let c = lookback * n; c < bars * n; c++) roc[c] = close[c]! / close[c - lookback * n]! - 1;
  const quantity = new Float64Array(n), weight = new Float64Array(n), delta = new Float64Array(n);
  const held = new Int32Array(n), active = new Int32Array(n);
  const equity = new Float64Array(bars), cashAt = new Float64Array(bars);
  const log = { bar: new Int32Array(4 * bars * top), column: new Int32Array(4 * bars * top), quantity: new Float64Array(4 * bars * top), price: new Float64Array(4 * bars * top), fee: new Float64Array(4 * bars * top) };
  let trades = 0, cash = 1e7, heldCount = 0;
  let targets: Int32Array = new Int32Array(0);
  for (let t = lookback; t < bars; t++) {
    const row = t * n;
    if (targets.length > 0) {
      let e = cash;
      for (let k = 0; k < heldCount; k++) e += quantity[held[k]!]! * open[row + held[k]!]!;
      let count = 0;
      for (let k = 0; k < heldCount; k++) { active[count++] = held[k]!; weight[held[k]!] = 0; }
      for (let k = 0; k < targets.length; k++) { const i = targets[k]!; if (quantity[i] === 0) active[count++] = i; weight[i] = 1 / top; }
      for (let k = 0; k < count; k++) { const i = active[k]!; delta[i] = Math.trunc((weight[i]! * e) / open[row + i]!) - quantity[i]!; }
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < count; k++) {
          const i = active[k]!, d = delta[i]!;
          if (pass === 0 ? !(d < 0) : !(d > 0)) continue;
          const price = open[row + i]! * (d > 0 ? 1.0001 : 0.9999), fee = Math.abs(d * price) * 1e-4;
          quantity[i] += d;
          cash -= d * price + fee;
          log.bar[trades] = t; log.column[trades] = i; log.quantity[trades] = d; log.price[trades] = price; log.fee[trades] = fee;
          trades++;
        }
      }
      heldCount = 0;
      for (let k = 0; k < count; k++) if (quantity[active[k]!] !== 0) held[heldCount++] = active[k]!;
    }
    let value = 0;
    for (let k = 0; k < heldCount; k++) value += quantity[held[k]!]! * close[row + held[k]!]!;
    equity[t] = cash + value;
    cashAt[t] = cash;
    targets = topK(roc.subarray(row, row + n), top);
  }
  return equity[bars - 1]! + trades;
}
