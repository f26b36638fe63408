/**
 * `npm run bench`: every benchmark, side by side in one run, as one table of medians with the
 * ratio to what each is compared with; also written as JSON to bench/results/.
 *
 * 1. data access: naive per symbol-day requests vs bulk windows, and bulk vs its floor;
 * 2. simulation throughput: momentum (top 10 by 20-day rate of change, daily) and vopa on a
 *    synthetic 500 × 1,000 panel, each in a process of its own, symbol-days per second of CPU time
 *    against issue 21's targets; momentum with every cost model on beside it; `--baseline DIR` adds
 *    another checkout's engine, its processes alternated with this one's;
 * 3. end to end: the README command as a process, cold;
 * 4. variants: the sma-cross sweep on ORCL and 1,000 VOPA variants on one year;
 * 5. statistics: the overfitting statistics of 1,000 variants × 252 days, and their parts.
 * 6. csv: the CSV encoder on 100,000 trade rows, against its version before formula-like cells were protected.
 * 7. walkforward: 1,000 VOPA variants × 12 folds, a whole run against the same run without it, and the
 *    walk-forward step against the sweep.
 * 8. scale: `backtest import` of 25 M and 5 M rows of CSV (a whole market), time and peak memory.
 * 9. load: a 5,000-symbol × 20-year local folder (25.2 M rows of Parquet) read whole into the panel,
 *    each load in its own process: time and peak memory.
 * 10. report: report.html of a 1,000-variant VOPA sweep, written and drawn in headless Chromium.
 * 11. supabase at scale: 3,000 symbols × 2,520 days through keyset pages, the compact read and
 *    the cache, and the compact format against JSON arrays.
 *
 * `npm run bench -- --only simulation,variants` runs a subset; each target is shown ✓ or ✗.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { csvWriterBench } from './csv-writer.ts';
import { dataAccessBench } from './data-access.ts';
import { endToEndBench } from './end-to-end.ts';
import { fmt, printTable, type Row } from './lib.ts';
import { scaleBench } from './scale.ts';
import { loadBench } from './load.ts';
import { reportBench } from './report.ts';
import { simulationBench } from './simulation.ts';
import { statisticsBench } from './statistics.ts';
import { supabaseScaleBench, type FormatMeasure } from './supabase-scale.ts';
import { smaSideBySide, variantsBench } from './variants.ts';
import { walkForwardBench } from './walk-forward.ts';

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
  const baseline = (() => {
    const k = process.argv.indexOf('--baseline');
    return k >= 0 ? process.argv[k + 1] : undefined;
  })();
  const s = await simulationBench(6, baseline);
  results.simulation = s;
  const rate = (ms: number) => s.symbolDays / (ms / 1000);
  const m = s.momentum, v = s.vopa;
  // Issue 21: the numba loop of the same momentum ran 137 M symbol-days/s on the reviewer's machine. The
  // bench runs that loop itself (bench/numba-momentum.py, the same fills as bench/bare-momentum.ts, checked)
  // in the same rounds when numba is installed, and the target is its speed there and then. Judged on CPU
  // time: on a machine shared with other jobs the wall time measures the queue for the cores as much as the work.
  const REVIEWER = 137e6;
  const numba = 'unavailable' in s.numbaLoop ? undefined : rate(s.numbaLoop.cpu.median);
  const yardstick = numba === undefined ? `numba loop 137.0 M/s (the issue's figure: ${(s.numbaLoop as { unavailable: string }).unavailable})` : `numba loop, same rounds ${fmt.rate(numba)}`;
  const target = numba ?? REVIEWER;
  rows.push(
    { section: 'simulation', name: 'momentum, top 10 by 20-day ROC, daily: CPU time', value: fmt.rate(rate(m.cpu.median)), comparison: yardstick, ratio: fmt.x(target / rate(m.cpu.median)), target: numba === undefined ? '≥ 137 M/s' : '≥ the numba loop', met: rate(m.cpu.median) >= target },
    { section: 'simulation', name: 'the same momentum as one bare JavaScript loop (bench/bare-momentum.ts: no strategy interface, cost models, checks or metrics): CPU time', value: fmt.rate(rate(s.bareLoop.cpu.median)), comparison: yardstick, ratio: fmt.x(target / rate(s.bareLoop.cpu.median)), target: '', met: null },
  );
  if (numba !== undefined) {
    rows.push(
      { section: 'simulation', name: 'momentum against the issue\'s figure for numba (137 M/s, measured on the reviewer\'s machine)', value: fmt.rate(rate(m.cpu.median)), comparison: 'numba loop 137.0 M/s', ratio: fmt.x(REVIEWER / rate(m.cpu.median)), target: '≥ 137 M/s', met: rate(m.cpu.median) >= REVIEWER },
      { section: 'simulation', name: 'the same loop compiled by numba (bench/numba-momentum.py, same fills as the JavaScript loop, checked): CPU time', value: fmt.rate(numba), comparison: 'the issue\'s 137 M/s', ratio: fmt.x(numba / REVIEWER), target: '', met: null },
    );
  }
  rows.push(
    { section: 'simulation', name: 'momentum: wall time', value: fmt.rate(rate(m.wall.median)), comparison: 'CPU time', ratio: fmt.x(m.wall.median / m.cpu.median), target: '', met: null },
    { section: 'simulation', name: 'vopa, defaults: CPU time', value: fmt.rate(rate(v.cpu.median)), comparison: 'momentum', ratio: fmt.x(v.cpu.median / m.cpu.median), target: '≤ 1.5×', met: v.cpu.median / m.cpu.median <= 1.5 },
    { section: 'simulation', name: 'vopa: wall time', value: fmt.rate(rate(v.wall.median)), comparison: 'momentum', ratio: fmt.x(v.wall.median / m.wall.median), target: '', met: null },
  );
  if (s.baseline) {
    const b = s.baseline;
    rows.push(
      { section: 'simulation', name: `momentum against the baseline (${b.dir}), same rounds: CPU time`, value: fmt.ms(b.current.momentum.cpu.median), comparison: `baseline ${fmt.ms(b.momentum.cpu.median)}`, ratio: fmt.x(b.current.momentum.cpu.median / b.momentum.cpu.median), target: '', met: null },
      { section: 'simulation', name: 'vopa against the baseline, same rounds: CPU time', value: fmt.ms(b.current.vopa.cpu.median), comparison: `baseline ${fmt.ms(b.vopa.cpu.median)}`, ratio: fmt.x(b.current.vopa.cpu.median / b.vopa.cpu.median), target: '', met: null },
    );
  }
  const c = s.momentumWithCosts;
  rows.push(
    { section: 'simulation', name: 'momentum, every cost model on (spread, per-share + minimum, 5 % participation, Almgren impact, borrow, cash interest): CPU time', value: fmt.ms(c.cpu.median), comparison: `momentum ${fmt.ms(m.cpu.median)}`, ratio: fmt.x(c.cpu.median / m.cpu.median), target: '≤ 1.5×', met: c.cpu.median / m.cpu.median <= 1.5 },
    { section: 'simulation', name: 'momentum, with signal diagnostics: CPU time', value: fmt.rate(rate(s.momentumWithDiagnostics.cpu.median)), comparison: 'momentum', ratio: fmt.x(s.momentumWithDiagnostics.cpu.median / m.cpu.median), target: '≤ 1.5×', met: s.momentumWithDiagnostics.cpu.median / m.cpu.median <= 1.5 },
    { section: 'simulation', name: 'vopa, with signal diagnostics: CPU time', value: fmt.rate(rate(s.vopaWithDiagnostics.cpu.median)), comparison: 'vopa', ratio: fmt.x(s.vopaWithDiagnostics.cpu.median / v.cpu.median), target: '≤ 1.5×', met: s.vopaWithDiagnostics.cpu.median / v.cpu.median <= 1.5 },
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
  const sma = variantsBench('sma', 15);
  const vopa = variantsBench('vopa', 3);
  const k = process.argv.indexOf('--baseline');
  const side = k >= 0 ? smaSideBySide(process.argv[k + 1]!) : undefined;
  results.variants = { sma, vopa, ...(side ? { smaBaseline: side } : {}) };
  rows.push(
    { section: 'variants', name: `sma-cross ${sma.variants} variants, ORCL 1995–2014, ${sma.threads} thread(s), after loading`, value: fmt.ms(sma.ms.median), comparison: `20 ms; ${fmt.ms(sma.cpuMs.median)} CPU; ${fmt.mb(sma.peakRssMb)} peak`, ratio: fmt.x(sma.ms.median / 20), target: '< 20 ms', met: sma.ms.median < 20 },
    ...(side ? [
      { section: 'variants', name: `sma-cross sweep, side by side (${side.rounds} alternating rounds): wall`, value: fmt.ms(side.current.ms), comparison: `baseline ${fmt.ms(side.baseline.ms)}`, ratio: fmt.x(side.current.ms / side.baseline.ms), target: '', met: null },
      { section: 'variants', name: 'sma-cross sweep, side by side: CPU time', value: fmt.ms(side.current.cpuMs), comparison: `baseline ${fmt.ms(side.baseline.cpuMs)}`, ratio: fmt.x(side.current.cpuMs / side.baseline.cpuMs), target: '', met: null },
    ] : []),
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

if (wanted('walkforward')) {
  log('walk-forward (1,000 VOPA variants × 12 folds)…');
  const wf = walkForwardBench(3);
  results.walkForward = wf;
  rows.push(
    { section: 'walk-forward', name: `run of ${wf.variants.toLocaleString('en-US')} vopa variants × ${wf.folds} folds (${wf.spec}), ${wf.threads} thread(s), --save none`, value: fmt.ms(wf.walkForward.median), comparison: `the same run without: ${fmt.ms(wf.plain.median)}`, ratio: fmt.x(wf.walkForward.median / wf.plain.median), target: '< 1.5×', met: wf.walkForward.median / wf.plain.median < 1.5 },
    { section: 'walk-forward', name: 'the walk-forward step alone (the folds\' rankings, the stitched record\'s simulation)', value: fmt.ms(wf.step.median), comparison: `the sweep alone: ${fmt.ms(wf.sweep.median)}`, ratio: fmt.x(wf.step.median / wf.sweep.median), target: '', met: null },
  );
}

if (wanted('scale')) {
  log('scale (backtest import of 25 M and 5 M CSV rows, each in its own process)…');
  const s = await scaleBench(log);
  results.scale = s;
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
  const cpu = (r: { cpuMs: { median: number }; load: number }) => `${fmt.ms(r.cpuMs.median)} CPU, load ${r.load.toFixed(1)}`;
  const targets: Row[] = [
    { section: 'scale', name: `import 25 M rows (5,000 symbols × 5,000 days, ${gb(s.big.bytes)} CSV): time`, value: fmt.ms(s.big.ms.median), comparison: `30 s; ${cpu(s.big)}`, ratio: fmt.x(s.big.ms.median / 30_000), target: '< 30 s', met: s.big.ms.median < 30_000 },
    { section: 'scale', name: 'import 25 M rows: peak memory', value: fmt.mb(s.big.peakRssMb), comparison: '1.5 GB', ratio: fmt.x(s.big.peakRssMb / 1536), target: '< 1.5 GB', met: s.big.peakRssMb < 1536 },
    { section: 'scale', name: `import 5 M rows (1,000 symbols × 5,000 days, ${gb(s.medium.bytes)} CSV): time`, value: fmt.ms(s.medium.ms.median), comparison: `8 s; ${cpu(s.medium)}; ${fmt.mb(s.medium.peakRssMb)} peak`, ratio: fmt.x(s.medium.ms.median / 8000), target: '< 8 s', met: s.medium.ms.median < 8000 },
  ];
  const base = s.baseline;
  rows.push(
    ...targets,
    { section: 'scale', name: 'import 5 M rows written by date (sorted by the import)', value: fmt.ms(s.dateMajor.ms.median), comparison: `5 M by symbol; ${cpu(s.dateMajor)}; ${fmt.mb(s.dateMajor.peakRssMb)} peak`, ratio: fmt.x(s.dateMajor.ms.median / s.medium.ms.median), target: '', met: null },
    { section: 'scale', name: 'baseline: 5 M rows through the row-by-row import it replaced', value: fmt.ms(base.ms.median), comparison: `5 M now; ${cpu(base)}; ${fmt.mb(base.peakRssMb)} peak`, ratio: `${fmt.x(base.ms.median / s.medium.ms.median)} time, ${fmt.x(base.cpuMs.median / s.medium.cpuMs.median)} CPU, ${fmt.x(base.peakRssMb / s.medium.peakRssMb)} memory`, target: '', met: null },
    { section: 'scale', name: 'import 5 M rows with one refused row (the file read again for its line)', value: fmt.ms(s.oneRefused.ms.median), comparison: `5 M clean; ${cpu(s.oneRefused)}; ${fmt.mb(s.oneRefused.peakRssMb)} peak`, ratio: fmt.x(s.oneRefused.ms.median / s.medium.ms.median), target: '', met: null },
  );
  for (const t of targets) log(`  ${t.met ? '✓' : '✗'} ${t.name}: ${t.value} (target ${t.target})`);
}

if (wanted('load')) {
  log('load (a 5,000-symbol × 20-year Parquet folder into the panel, each load in its own process)…');
  const l = await loadBench(log);
  results.load = l;
  const label = `${l.symbols.toLocaleString('en-US')} symbols × ${l.days.toLocaleString('en-US')} days (${(l.rows / 1e6).toFixed(1)} M rows, ${(l.bytes / 1e6).toFixed(0)} MB of Parquet)`;
  rows.push(
    { section: 'load', name: `local window into the panel, ${label}: wall`, value: fmt.ms(l.ms.median), comparison: `${fmt.ms(l.cpuMs.median)} CPU (main thread ${fmt.ms(l.mainCpuMs.median)}), load ${l.load.toFixed(1)}`, ratio: fmt.x(l.ms.median / 5000), target: '< 5 s', met: l.ms.median < 5000 },
    { section: 'load', name: 'local window into the panel: peak memory', value: fmt.mb(l.peakRssMb), comparison: '2.5 GB (2,384 MB)', ratio: fmt.x((l.peakRssMb * 2 ** 20) / 2.5e9), target: '< 2.5 GB', met: l.peakRssMb * 2 ** 20 < 2.5e9 },
  );
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

if (wanted('supabase')) {
  log('supabase at scale (3,000 × 2,520 days; 40 ms per answer; a server process of its own; a few minutes)…');
  const r = await supabaseScaleBench();
  results.supabaseScale = r;
  const { keyset: k, compact: c, cached, changed, prime, keysetSlice: ks, compactSlice: cs } = r;
  const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e6 ? 2 : 0)} MB`;
  const scaled = r.keysetScaled ? ' (keyset: the slice ×10)' : '';
  const label = `${r.symbols.toLocaleString('en-US')} × ${r.days.toLocaleString('en-US')} days (${r.rows.toLocaleString('en-US')} rows, server over ${r.server})${scaled}`;
  rows.push(
    { section: 'supabase at scale', name: `slice, 300 × ${r.days.toLocaleString('en-US')} days: keyset pages, requests / wall`, value: `${ks.requests.toLocaleString('en-US')} / ${fmt.ms(ks.ms)}`, comparison: `compact: ${cs.requests} / ${fmt.ms(cs.ms)}`, ratio: `${fmt.x(ks.requests / cs.requests)} / ${fmt.x(ks.ms / cs.ms)}`, target: '', met: null },
    { section: 'supabase at scale', name: 'slice: keyset pages, bytes as sent / on the wire', value: `${mb(ks.bytesReceived)} / ${mb(ks.bytesWire)}`, comparison: `compact: ${mb(cs.bytesReceived)} / ${mb(cs.bytesWire)}`, ratio: `${fmt.x(ks.bytesReceived / cs.bytesReceived)} / ${fmt.x(ks.bytesWire / cs.bytesWire)}`, target: '', met: null },
    ...(r.gzipSlice ? [{ section: 'supabase at scale', name: 'slice, from a server offering gzip only (as Cloudflare compresses JSON itself): keyset pages, bytes on the wire / wall', value: `${mb(r.gzipSlice.keyset.bytesWire)} / ${fmt.ms(r.gzipSlice.keyset.ms)}`, comparison: `compact: ${mb(r.gzipSlice.compact.bytesWire)} / ${fmt.ms(r.gzipSlice.compact.ms)}`, ratio: `${fmt.x(r.gzipSlice.keyset.bytesWire / r.gzipSlice.compact.bytesWire)} / ${fmt.x(r.gzipSlice.keyset.ms / r.gzipSlice.compact.ms)}`, target: '', met: null }] : []),
    { section: 'supabase at scale', name: `keyset pages: requests, ${label}`, value: k.requests.toLocaleString('en-US'), comparison: `compact: ${c.requests}`, ratio: fmt.x(k.requests / c.requests), target: '≥ 10×', met: k.requests / c.requests >= 10 },
    { section: 'supabase at scale', name: 'keyset pages: bytes as sent (before compression)', value: mb(k.bytesReceived), comparison: `compact: ${mb(c.bytesReceived)}`, ratio: fmt.x(k.bytesReceived / c.bytesReceived), target: '≥ 2×', met: k.bytesReceived / c.bytesReceived >= 2 },
    { section: 'supabase at scale', name: 'keyset pages as the issue measured them (no compression asked) / compact on the wire', value: mb(k.bytesReceived), comparison: `compact: ${mb(c.bytesWire)}`, ratio: fmt.x(k.bytesReceived / c.bytesWire), target: '', met: null },
    { section: 'supabase at scale', name: 'keyset pages: bytes on the wire (brotli, as the Envoy in front of Supabase answers a client asking for it first)', value: mb(k.bytesWire), comparison: `compact: ${mb(c.bytesWire)}`, ratio: fmt.x(k.bytesWire / c.bytesWire), target: '≥ 2×', met: k.bytesWire / c.bytesWire >= 2 },
    { section: 'supabase at scale', name: 'keyset pages: wall, window in memory', value: fmt.ms(k.ms), comparison: `compact: ${fmt.ms(c.wall.median)}`, ratio: fmt.x(k.ms / c.wall.median), target: '≥ 4×', met: k.ms / c.wall.median >= 4 },
    { section: 'supabase at scale', name: `peak memory: keyset ${fmt.mb(k.peakRssMb)}${r.keysetScaled ? ' (slice)' : ''}, compact`, value: fmt.mb(c.peakRssMb), comparison: '2 GB', ratio: fmt.x(c.peakRssMb / 2048), target: '< 2 GB', met: c.peakRssMb < 2048 },
    { section: 'supabase at scale', name: `compact: ${c.calls} calls; the largest (${(100_000).toLocaleString('en-US')} rows) on the test server`, value: fmt.ms(r.largestCallMs), comparison: 'statement timeout 8 s', ratio: fmt.x(r.largestCallMs / 8000), target: '', met: null },
    { section: 'supabase at scale', name: `compact: one call of ${(100_000).toLocaleString('en-US')} rows on ${r.bodyCallMs.server}, the ORDER BY body (six sorts per symbol below Postgres 16) / the one-sort body`, value: fmt.ms(r.bodyCallMs.ordered), comparison: `one sort: ${fmt.ms(r.bodyCallMs.oneSort)}`, ratio: fmt.x(r.bodyCallMs.ordered / r.bodyCallMs.oneSort), target: '', met: null },
    { section: 'supabase at scale', name: `compact: the same call as scaled integers (vopa-window-3, what the client reads) / the one-sort body`, value: fmt.ms(r.bodyCallMs.scaled), comparison: `one sort: ${fmt.ms(r.bodyCallMs.oneSort)}; vopa-window-2: ${fmt.ms(r.bodyCallMs.scaledFirst)}`, ratio: fmt.x(r.bodyCallMs.scaled / r.bodyCallMs.oneSort), target: '', met: null },
    { section: 'supabase at scale', name: `cache: first run (reads and writes ${mb(prime.bytesReceived)})`, value: fmt.ms(prime.ms), comparison: 'compact', ratio: fmt.x(prime.ms / c.wall.median), target: '', met: null },
    { section: 'supabase at scale', name: `cache: re-run, data unchanged: ${cached.requests} request(s) in all (universe: ${cached.universeRead}), ${mb(cached.bytesWire)}`, value: fmt.ms(cached.wall.median), comparison: '1 s', ratio: fmt.x(cached.wall.median / 1000), target: '≤ 2 requests, < 1 s', met: cached.requests <= 2 && cached.wall.median < 1000 },
    { section: 'supabase at scale', name: 'cache: re-run, the window file to the panel in memory (no request) / CPU time of the whole re-run', value: cached.fileToPanelMs === undefined ? '–' : fmt.ms(cached.fileToPanelMs), comparison: `CPU ${fmt.ms(cached.cpuMs)}`, ratio: '', target: '', met: null },
    { section: 'supabase at scale', name: `cache: re-run after 1 symbol changed: ${changed.cache.symbols_read} symbol(s) read, ${changed.cache.rows_read.toLocaleString('en-US')} rows`, value: fmt.ms(changed.ms), comparison: `${changed.requests} requests`, ratio: '', target: 'that symbol only', met: changed.cache.symbols_read === 1 },
    { section: 'supabase at scale', name: `cache: peak memory of a re-run`, value: fmt.mb(cached.peakRssMb), comparison: '2 GB', ratio: fmt.x(cached.peakRssMb / 2048), target: '< 2 GB', met: cached.peakRssMb < 2048 },
  );
  for (const f of r.formats) {
    const per = (x: number) => `${(x / f.rows).toFixed(1)} B/row`;
    const per100k = (ms: number) => fmt.ms((ms * 100_000) / f.rows);
    const sizes = (m: FormatMeasure) => `${per(m.bytes)} / ${per(m.brotliBytes)} / ${per(m.gzipBytes)}`;
    rows.push(
      { section: 'supabase at scale', name: `format, ${f.prices}: scaled integers (vopa-window-3, read), sent / brotli / gzipped`, value: sizes(f.scaled), comparison: `doubles (vopa-window-1): ${sizes(f.arrays)}; vopa-window-2: ${sizes(f.scaledFirst)}`, ratio: `${fmt.x(f.arrays.brotliBytes / f.scaled.brotliBytes)} brotli`, target: '', met: null },
      { section: 'supabase at scale', name: `format, ${f.prices}: packed bytea (not compressed by Supabase's Envoy), sent / brotli / gzipped`, value: sizes(f.packed), comparison: `doubles: ${sizes(f.arrays)}`, ratio: `${fmt.x(f.packed.bytes / f.scaled.brotliBytes)} the scaled answer on the wire`, target: '', met: null },
      { section: 'supabase at scale', name: `format, ${f.prices}: server / decode per 100,000 rows (${f.symbols} symbols a call, median of 3), scaled integers`, value: `${per100k(f.scaled.serverMs)} / ${per100k(f.scaled.decodeMs)}`, comparison: `doubles: ${per100k(f.arrays.serverMs)} / ${per100k(f.arrays.decodeMs)}; packed: ${per100k(f.packed.serverMs)} / ${per100k(f.packed.decodeMs)}`, ratio: fmt.x((f.scaled.serverMs + f.scaled.decodeMs) / (f.arrays.serverMs + f.arrays.decodeMs)), target: '', met: null },
      { section: 'supabase at scale', name: `format, ${f.prices}: server / decode per 100,000 rows, vopa-window-2 (the migration before)`, value: `${per100k(f.scaledFirst.serverMs)} / ${per100k(f.scaledFirst.decodeMs)}`, comparison: `vopa-window-3: ${per100k(f.scaled.serverMs)} / ${per100k(f.scaled.decodeMs)}`, ratio: fmt.x((f.scaled.serverMs + f.scaled.decodeMs) / (f.scaledFirst.serverMs + f.scaledFirst.decodeMs)), target: '', met: null },
    );
  }
}

const machine = `${cpus()[0]?.model ?? 'unknown cpu'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
const table = printTable(rows);
console.log(`${new Date().toISOString().slice(0, 10)} · ${machine}\n\n${table}`);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ date: new Date().toISOString(), machine, rows, results }, null, 2);
writeFileSync(`${dir}latest.json`, json);
writeFileSync(`${dir}${new Date().toISOString().replace(/[:.]/g, '-')}.json`, json);
