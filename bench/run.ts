/**
 * `npm run bench`: every benchmark, side by side in one run, as one table of medians with the
 * ratio to what each is compared with; also written as JSON to bench/results/.
 *
 * 1. data access: naive per symbol-day requests vs bulk windows, and bulk vs its floor;
 * 2. simulation throughput: momentum (top 10 by 20-day rate of change, daily) and vopa on a
 *    synthetic 500 × 1,000 panel, symbol-days per second;
 * 3. end to end: the README command as a process, cold;
 * 4. variants: the sma-cross sweep on ORCL and 1,000 VOPA variants on one year;
 * 5. supabase at scale: 3,000 symbols × 2,520 days through keyset pages, the compact read and
 *    the cache, and the compact format against JSON arrays.
 *
 * `npm run bench -- --only simulation,variants` runs a subset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dataAccessBench } from './data-access.ts';
import { endToEndBench } from './end-to-end.ts';
import { fmt, printTable, type Row } from './lib.ts';
import { simulationBench } from './simulation.ts';
import { supabaseScaleBench } from './supabase-scale.ts';
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

if (wanted('supabase')) {
  log('supabase at scale (3,000 × 2,520 days; 40 ms per answer; a server process of its own; a few minutes)…');
  const r = await supabaseScaleBench();
  results.supabaseScale = r;
  const { keyset: k, compact: c, cached, changed, prime, keysetSlice: ks, compactSlice: cs } = r;
  const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e6 ? 2 : 0)} MB`;
  const scaled = r.keysetScaled ? ' (keyset: the slice ×10)' : '';
  const label = `${r.symbols.toLocaleString('en-US')} × ${r.days.toLocaleString('en-US')} days (${r.rows.toLocaleString('en-US')} rows)${scaled}`;
  rows.push(
    { section: 'supabase at scale', name: `slice, 300 × ${r.days.toLocaleString('en-US')} days: keyset pages, requests / wall`, value: `${ks.requests.toLocaleString('en-US')} / ${fmt.ms(ks.ms)}`, comparison: `compact: ${cs.requests} / ${fmt.ms(cs.ms)}`, ratio: `${fmt.x(ks.requests / cs.requests)} / ${fmt.x(ks.ms / cs.ms)}`, target: '', met: null },
    { section: 'supabase at scale', name: 'slice: keyset pages, bytes as sent / on the wire', value: `${mb(ks.bytesReceived)} / ${mb(ks.bytesWire)}`, comparison: `compact: ${mb(cs.bytesReceived)} / ${mb(cs.bytesWire)}`, ratio: `${fmt.x(ks.bytesReceived / cs.bytesReceived)} / ${fmt.x(ks.bytesWire / cs.bytesWire)}`, target: '', met: null },
    { section: 'supabase at scale', name: `keyset pages: requests, ${label}`, value: k.requests.toLocaleString('en-US'), comparison: `compact: ${c.requests}`, ratio: fmt.x(k.requests / c.requests), target: '≥ 10×', met: k.requests / c.requests >= 10 },
    { section: 'supabase at scale', name: 'keyset pages: bytes as sent (before gzip)', value: mb(k.bytesReceived), comparison: `compact: ${mb(c.bytesReceived)}`, ratio: fmt.x(k.bytesReceived / c.bytesReceived), target: '≥ 2×', met: k.bytesReceived / c.bytesReceived >= 2 },
    { section: 'supabase at scale', name: 'keyset pages: bytes on the wire (gzip on JSON only, as Cloudflare)', value: mb(k.bytesWire), comparison: `compact: ${mb(c.bytesWire)}`, ratio: fmt.x(k.bytesWire / c.bytesWire), target: '≥ 2×', met: k.bytesWire / c.bytesWire >= 2 },
    { section: 'supabase at scale', name: 'keyset pages: wall, window in memory', value: fmt.ms(k.ms), comparison: `compact: ${fmt.ms(c.wall.median)}`, ratio: fmt.x(k.ms / c.wall.median), target: '≥ 4×', met: k.ms / c.wall.median >= 4 },
    { section: 'supabase at scale', name: `peak memory: keyset ${fmt.mb(k.peakRssMb)}${r.keysetScaled ? ' (slice)' : ''}, compact`, value: fmt.mb(c.peakRssMb), comparison: '2 GB', ratio: fmt.x(c.peakRssMb / 2048), target: '< 2 GB', met: c.peakRssMb < 2048 },
    { section: 'supabase at scale', name: `compact: ${c.calls} calls; the largest (${(100_000).toLocaleString('en-US')} rows) on the test server`, value: fmt.ms(r.largestCallMs), comparison: 'statement timeout 8 s', ratio: fmt.x(r.largestCallMs / 8000), target: '', met: null },
    { section: 'supabase at scale', name: `cache: first run (reads and writes ${mb(prime.bytesReceived)})`, value: fmt.ms(prime.ms), comparison: 'compact', ratio: fmt.x(prime.ms / c.wall.median), target: '', met: null },
    { section: 'supabase at scale', name: `cache: re-run, data unchanged: ${cached.requests} requests (${cached.priceRequests} for prices), ${mb(cached.bytesWire)}`, value: fmt.ms(cached.wall.median), comparison: '1 s', ratio: fmt.x(cached.wall.median / 1000), target: '≤ 2 requests, < 1 s', met: cached.priceRequests <= 2 && cached.wall.median < 1000 },
    { section: 'supabase at scale', name: `cache: re-run after 1 symbol changed: ${changed.cache.symbols_read} symbol(s) read, ${changed.cache.rows_read.toLocaleString('en-US')} rows`, value: fmt.ms(changed.ms), comparison: `${changed.requests} requests`, ratio: '', target: 'that symbol only', met: changed.cache.symbols_read === 1 },
    { section: 'supabase at scale', name: `cache: peak memory of a re-run`, value: fmt.mb(cached.peakRssMb), comparison: '2 GB', ratio: fmt.x(cached.peakRssMb / 2048), target: '< 2 GB', met: cached.peakRssMb < 2048 },
  );
  for (const f of r.formats) {
    const per = (x: number) => `${(x / f.rows).toFixed(1)} B/row`;
    const per100k = (ms: number) => fmt.ms((ms * 100_000) / f.rows);
    rows.push(
      { section: 'supabase at scale', name: `format, ${f.prices}: JSON arrays (chosen), sent / gzipped`, value: `${per(f.arrays.bytes)} / ${per(f.arrays.gzipBytes)}`, comparison: `packed bytea: ${per(f.packed.bytes)} / ${per(f.packed.gzipBytes)}`, ratio: `${fmt.x(f.packed.bytes / f.arrays.gzipBytes)} vs packed as sent`, target: '', met: null },
      { section: 'supabase at scale', name: `format, ${f.prices}: JSON arrays, server / decode per 100,000 rows`, value: `${per100k(f.arrays.serverMs)} / ${per100k(f.arrays.decodeMs)}`, comparison: `packed: ${per100k(f.packed.serverMs)} / ${per100k(f.packed.decodeMs)}`, ratio: fmt.x((f.arrays.serverMs + f.arrays.decodeMs) / (f.packed.serverMs + f.packed.decodeMs)), target: '', met: null },
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
