/**
 * `npm run bench`: every benchmark, side by side in one run, as one table of medians with the
 * ratio to what each is compared with; also written as JSON to bench/results/.
 *
 * 1. data access: naive per symbol-day requests vs bulk windows, and bulk vs its floor;
 * 2. simulation throughput: momentum (top 10 by 20-day rate of change, daily) and vopa on a
 *    synthetic 500 × 1,000 panel, symbol-days per second; momentum with every cost model on beside it;
 * 3. end to end: the README command as a process, cold;
 * 4. variants: the sma-cross sweep on ORCL and 1,000 VOPA variants on one year;
 * 5. statistics: the overfitting statistics of 1,000 variants × 252 days, and their parts.
 * 6. csv: the CSV encoder on 100,000 trade rows, against its version before formula-like cells were protected.
 * 7. report: report.html of a 1,000-variant VOPA sweep, written and drawn in headless Chromium.
 *
 * `npm run bench -- --only simulation,variants` runs a subset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { csvWriterBench } from './csv-writer.ts';
import { dataAccessBench } from './data-access.ts';
import { endToEndBench } from './end-to-end.ts';
import { fmt, printTable, type Row } from './lib.ts';
import { reportBench } from './report.ts';
import { simulationBench } from './simulation.ts';
import { statisticsBench } from './statistics.ts';
import { variantsBench } from './variants.ts';

const only = (() => {
  const k = process.argv.indexOf('--only');
  return k >= 0 ? new Set(process.argv[k + 1]!.split(',')) : undefined;
})();
const wanted = (name: string) => !only || only.has(name);
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const log = (text: string) => process.stderr.write(`${text}\n`);

if (wanted('data')) {
  log('data access (PostgREST-compatible server, 5 ms per answer)…');
  const d = await dataAccessBench();
  results.data = d;
  const label = `${d.symbols} symbols × ${d.days} days (${d.rows.toLocaleString('en-US')} rows)`;
  rows.push(
    { section: 'data access', name: `naive: requests, ${label}`, value: d.naive.requests.toLocaleString('en-US'), comparison: 'bulk', ratio: fmt.x(d.naive.requests / d.bulk.requests), target: '≥ 100×', met: d.naive.requests / d.bulk.requests >= 100 },
    { section: 'data access', name: 'naive: sockets opened', value: d.naive.socketsOpened.toLocaleString('en-US'), comparison: `bulk: ${d.bulk.socketsOpened}`, ratio: fmt.x(d.naive.socketsOpened / d.bulk.socketsOpened), target: 'bulk ≤ 8', met: d.bulk.socketsOpened <= 8 },
    { section: 'data access', name: `naive: time (measured on ${d.naive.measuredSymbols} symbols, scaled)`, value: fmt.ms(d.naive.ms), comparison: 'bulk', ratio: fmt.x(d.naive.ms / d.bulk.median), target: '≥ 20×', met: d.naive.ms / d.bulk.median >= 20 },
    { section: 'data access', name: `bulk: ${d.bulk.requests} requests, ${(d.bulk.bytes / 1e6).toFixed(1)} MB`, value: fmt.ms(d.bulk.median), comparison: `floor ${fmt.ms(d.floorMs)}`, ratio: fmt.x(d.bulk.median / d.floorMs), target: '≤ 1.5×', met: d.bulk.median / d.floorMs <= 1.5 },
  );
}

if (wanted('simulation')) {
  log('simulation throughput (500 × 1,000 synthetic panel)…');
  const s = await simulationBench();
  results.simulation = s;
  const rate = (ms: number) => s.symbolDays / (ms / 1000);
  rows.push(
    { section: 'simulation', name: 'momentum, top 10 by 20-day ROC, daily', value: fmt.rate(rate(s.momentum.median)), comparison: '', ratio: '', target: '≥ 20 M/s', met: rate(s.momentum.median) >= 20e6 },
    { section: 'simulation', name: 'vopa, defaults', value: fmt.rate(rate(s.vopa.median)), comparison: 'momentum', ratio: fmt.x(s.vopa.median / s.momentum.median), target: '≤ 2×', met: s.vopa.median / s.momentum.median <= 2 },
    { section: 'simulation', name: 'momentum, every cost model on (spread, per-share + minimum, 5 % participation, Almgren impact, borrow, cash interest): CPU time', value: fmt.ms(s.momentumWithCostsCpu.median), comparison: `momentum ${fmt.ms(s.momentumCpu.median)}`, ratio: fmt.x(s.momentumWithCostsCpu.median / s.momentumCpu.median), target: '≤ 1.5×', met: s.momentumWithCostsCpu.median / s.momentumCpu.median <= 1.5 },
    { section: 'simulation', name: 'momentum, every cost model on: wall time', value: fmt.rate(rate(s.momentumWithCosts.median)), comparison: 'momentum', ratio: fmt.x(s.momentumWithCosts.median / s.momentum.median), target: '', met: null },
    { section: 'simulation', name: 'momentum, with signal diagnostics', value: fmt.rate(rate(s.momentumWithDiagnostics.median)), comparison: 'momentum', ratio: fmt.x(s.momentumWithDiagnostics.median / s.momentum.median), target: '', met: null },
    { section: 'simulation', name: 'vopa, with signal diagnostics', value: fmt.rate(rate(s.vopaWithDiagnostics.median)), comparison: 'vopa', ratio: fmt.x(s.vopaWithDiagnostics.median / s.vopa.median), target: '', met: null },
  );
}

if (wanted('e2e')) {
  log('end to end (the README command as a process)…');
  const e = endToEndBench();
  results.endToEnd = e;
  const t = e.timings;
  rows.push(
    { section: 'end to end', name: 'README command, wall (compile cache warm)', value: fmt.ms(e.wall.median), comparison: '1 s', ratio: fmt.x(e.wall.median / 1000), target: '< 1 s', met: e.wall.median < 1000 },
    { section: 'end to end', name: 'first run after install (compile cache cold)', value: fmt.ms(e.firstRunMs), comparison: '1 s', ratio: fmt.x(e.firstRunMs / 1000), target: '', met: null },
    { section: 'end to end', name: `where it goes: start-up ${fmt.ms(t.startup!)}, load ${fmt.ms(t.load!)}, compute ${fmt.ms(t.compute!)}, write ${fmt.ms(t.write!)}`, value: fmt.mb(e.peakRssMb), comparison: 'peak memory', ratio: '', target: '', met: null },
  );
}

if (wanted('variants')) {
  log('variants (sma-cross sweep on ORCL; 1,000 VOPA variants)…');
  const sma = variantsBench('sma');
  const vopa = variantsBench('vopa', 3);
  results.variants = { sma, vopa };
  rows.push(
    { section: 'variants', name: `sma-cross ${sma.variants} variants, ORCL 1995–2014, ${sma.threads} thread(s), after loading`, value: fmt.ms(sma.ms.median), comparison: `${fmt.rate(sma.variants / (sma.ms.median / 1000))} variants; ${fmt.mb(sma.peakRssMb)} peak`, ratio: fmt.x(sma.ms.median / 100), target: '< 100 ms', met: sma.ms.median < 100 },
    { section: 'variants', name: `vopa ${vopa.variants} variants, one year of the sample, ${vopa.threads} thread(s), after loading`, value: fmt.ms(vopa.ms.median), comparison: `${fmt.rate(vopa.variants / (vopa.ms.median / 1000))} variants; ${fmt.mb(vopa.peakRssMb)} peak`, ratio: fmt.x(vopa.ms.median / 10_000), target: '< 10 s', met: vopa.ms.median < 10_000 },
  );
}

if (wanted('statistics')) {
  log('statistics (overfitting statistics of 1,000 variants × 252 days)…');
  const st = await statisticsBench();
  results.statistics = st;
  const part = (name: string, m: { median: number }) => ({ section: 'statistics', name, value: fmt.ms(m.median), comparison: 'all statistics', ratio: fmt.x(m.median / st.all.median), target: '', met: null });
  rows.push(
    { section: 'statistics', name: `all, ${st.variants.toLocaleString('en-US')} variants × ${st.days} days, ${st.reps.toLocaleString('en-US')} resamples, ${st.splits.toLocaleString('en-US')} PBO splits: CPU time (one thread)`, value: fmt.ms(st.allCpu.median), comparison: '1 s', ratio: fmt.x(st.allCpu.median / 1000), target: '< 1 s', met: st.allCpu.median < 1000 },
    { section: 'statistics', name: `all, wall time (load average ${st.loadAverage.toFixed(1)} on ${availableParallelism()} cores)`, value: fmt.ms(st.all.median), comparison: 'CPU time', ratio: fmt.x(st.all.median / st.allCpu.median), target: '', met: null },
    part('PBO (CSCV, block sums)', st.pbo),
    part('bootstrap Sharpe intervals', st.intervals),
    part('SPA and Reality Check', st.spa),
    part('effective trials (N_eff)', st.effectiveTrials),
    { section: 'statistics', name: `naive PBO, raw rows re-summed per split (measured on ${st.naiveSplits} splits, scaled)`, value: fmt.ms(st.naivePbo), comparison: 'PBO from block sums', ratio: fmt.x(st.naivePbo / st.pbo.median), target: '', met: null },
  );
}

if (wanted('csv')) {
  log('csv encoder (100,000 trade rows)…');
  const c = await csvWriterBench();
  results.csv = c;
  rows.push({ section: 'csv', name: `encode ${c.rows.toLocaleString('en-US')} trade rows (formula-like cells protected)`, value: fmt.ms(c.current.median), comparison: `before: ${fmt.ms(c.before.median)}`, ratio: fmt.x(c.current.median / c.before.median), target: '≤ 1.1×', met: c.current.median / c.before.median <= 1.1 });
}

if (wanted('report')) {
  log('report (report.html of a 1,000-variant sweep, written and drawn in Chromium)…');
  const rp = await reportBench();
  results.report = rp;
  const size = `${(rp.bytes / 1_048_576).toFixed(1)} MB, ${rp.charts} charts; load average ${rp.loadAverage.toFixed(1)}`;
  rows.push(
    { section: 'report', name: `write report.html, ${rp.variants.toLocaleString('en-US')} variants (${size}): CPU time`, value: fmt.ms(rp.writeCpu.median), comparison: `wall ${fmt.ms(rp.write.median)}`, ratio: fmt.x(rp.writeCpu.median / 3000), target: '< 3 s', met: rp.writeCpu.median < 3000 },
  );
  if (rp.draw) rows.push(
    { section: 'report', name: 'open it in Chromium until every chart is drawn: wall', value: fmt.ms(rp.draw.wall.median), comparison: `main thread busy ${fmt.ms(rp.draw.busy.median)}`, ratio: fmt.x(rp.draw.busy.median / 5000), target: 'busy < 5 s', met: rp.draw.busy.median < 5000 },
  );
}

const machine = `${cpus()[0]?.model ?? 'unknown cpu'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
const table = printTable(rows);
console.log(`${new Date().toISOString().slice(0, 10)} · ${machine}\n\n${table}`);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ date: new Date().toISOString(), machine, rows, results }, null, 2);
writeFileSync(`${dir}latest.json`, json);
writeFileSync(`${dir}${new Date().toISOString().replace(/[:.]/g, '-')}.json`, json);
