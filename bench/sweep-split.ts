import { buildRunConfig } from '../src/config/run-config.ts';
import { FactorCache } from '../src/runner/factor-cache.ts';
import { LocalSource } from '../src/source/local/local-source.ts';
import { evaluateVariant } from '../src/app/variant.ts';
const cfg = await buildRunConfig({ command: '', start: '1995-01-03', end: '2014-12-31', strategy: 'sma-cross', grid: ['fast=5:50:5', 'slow=20:200:20'], data: '/tmp/orcl', cash: 100000, workers: 1 });
const src = new LocalSource('/tmp/orcl');
const { panel } = await src.loadWindow({ season: 1995, startDay: cfg.startDay, endDay: cfg.endDay, warmupBars: 201 });
await src.close();
const s = cfg.strategy.strategy;
for (let rep = 0; rep < 25; rep++) {
  const cache = new FactorCache(panel);
  let t = performance.now();
  for (const p of cfg.variants) for (const f of Object.values(s.factors!(p as never))) cache.get(f);
  const tf = performance.now() - t;
  t = performance.now();
  cfg.variants.forEach((params, k) => evaluateVariant({ panel, strategy: s, id: k + 1, params, startDay: cfg.startDay, endDay: cfg.endDay, fill: 'open', settings: { cash: 1e5, fractional: false, commissionBps: 0, slippageBps: 0 }, factors: cache }));
  const tv = performance.now() - t;
  console.log(`factors ${tf.toFixed(1)} ms, 90 variants ${tv.toFixed(1)} ms`);
}
