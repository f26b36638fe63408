import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateVariant, runSchedule, type VariantOutcome } from '../../src/variants/evaluate.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { chunkRanges, chunkSize, MAX_CHUNK } from '../../src/distributed/chunks.ts';
import { jobId } from '../../src/distributed/payload.ts';
import { parseQueueUrl } from '../../src/distributed/queue-url.ts';
import { decodeChunk, decodeWire, encodeWire, restoreOutcome, WIRE_VERSION, wireOutcome, type ChunkResult, type WireOutcome } from '../../src/distributed/wire.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { parseIsoDate } from '../../src/util/dates.ts';

/** Bytes of a typed array, for bit-for-bit comparison (NaN payloads and −0 included). */
const bytes = (a: Float64Array | Int32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('wire encoding', () => {
  it('round-trips typed arrays bit for bit and the numbers JSON cannot hold', () => {
    const f = Float64Array.from([0.1 + 0.2, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, 1e308, -1 / 3]);
    const value = { f, i: Int32Array.from([-1, 0, 2 ** 31 - 1]), u: Uint8Array.from([0, 255]), n: [NaN, -0, -Infinity, 1.5], s: 'x' };
    const back = decodeWire<typeof value>(encodeWire(value));
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(bytes(back.f)).toBe(bytes(f));
    expect(Array.from(back.i)).toEqual([-1, 0, 2 ** 31 - 1]);
    expect(Array.from(back.u)).toEqual([0, 255]);
    expect(Object.is(back.n[1], -0)).toBe(true);
    expect(back.n[0]).toBeNaN();
    expect(back.n.slice(2)).toEqual([-Infinity, 1.5]);
    expect(back.s).toBe('x');
  });

  it('refuses a result that belongs to another run, chunk or configuration, or lacks one of the chunk\'s variants', () => {
    const outcome = (id: number) => ({ id }) as unknown as WireOutcome;
    const plan = 'sha256:' + 'a'.repeat(64);
    const result: ChunkResult = { v: WIRE_VERSION, runId: 'r1', plan, chunk: 3, worker: { name: 'h:1', threads: 1 }, ms: 1, outcomes: [7, 8, 9].map(outcome) };
    const range = { chunk: 3, from: 6, to: 9 };
    expect(decodeChunk(encodeWire(result), 'r1', plan, range).chunk).toBe(3);
    expect(() => decodeChunk(encodeWire(result), 'r2', plan, range)).toThrow(/belongs to another run/);
    expect(() => decodeChunk(encodeWire(result), 'r1', plan, { chunk: 4, from: 9, to: 12 })).toThrow(/belongs to another run/);
    expect(() => decodeChunk(encodeWire({ ...result, v: 1 }), 'r1', plan, range)).toThrow(/belongs to another run or wire version/);
    expect(() => decodeChunk('{', 'r1', plan, range)).toThrow(/not valid JSON/);
    // The same run id and chunk, computed for another configuration (another coordinator with this id), or for none.
    const other = 'sha256:' + 'b'.repeat(64);
    expect(() => decodeChunk(encodeWire(result), 'r1', other, range)).toThrow(`chunk 3 of run r1: the result was computed for another configuration (plan ${plan}, this run's ${other}): another coordinator uses this run id`);
    const { plan: _, ...planless } = result;
    expect(() => decodeChunk(encodeWire(planless), 'r1', plan, range)).toThrow(/computed for another configuration \(plan undefined/);
    const short = { ...result, outcomes: [7, 9].map(outcome) };
    expect(() => decodeChunk(encodeWire(short), 'r1', plan, range)).toThrow(/^chunk 3 of run r1: its result holds variant\(s\) 7, 9, not variants 7–9$/);
    expect(() => decodeChunk(encodeWire({ ...result, outcomes: [] }), 'r1', plan, range)).toThrow(/its result holds no variant, not variants 7–9/);
    expect(() => decodeChunk(encodeWire({ ...result, outcomes: [7, 8, 9, 10].map(outcome) }), 'r1', plan, range)).toThrow(/holds variant\(s\) 7, 8, 9, 10, not variants 7–9/);
    expect(() => decodeChunk(encodeWire({ ...result, outcomes: [7, 9, 8].map(outcome) }), 'r1', plan, range)).toThrow(/not variants 7–9/);
  });

  describe('a real VOPA outcome', () => {
    let panel: Panel;
    let source: LocalSource;
    beforeAll(async () => {
      source = new LocalSource(SAMPLE_DATA_DIR);
      ({ panel } = await source.loadWindow({ season: 2025, startDay: parseIsoDate('2025-06-02')!, endDay: parseIsoDate('2025-09-30')!, warmupBars: 64 }));
    });
    afterAll(() => source.close());

    it('comes back as the outcome evaluated here, with its signal values from the coordinator\'s factors', async () => {
      const { strategy } = await loadStrategy('vopa');
      const params = { ...Object.fromEntries(Object.entries(strategy.params).map(([k, s]) => [k, s.default])), lookback: 42, bottom: 3 };
      const job = (factors: FactorCache) => ({
        panel, strategy, id: 7, params, schedule: runSchedule(panel, strategy, [params], parseIsoDate('2025-06-02')!, parseIsoDate('2025-09-30')!, 'open'),
        settings: { cash: 1e6, fractional: false, commissionBps: 2, slippageBps: 1 }, factors,
      });
      const here = evaluateVariant(job(new FactorCache(panel)));
      const there = evaluateVariant(job(new FactorCache(panel))); // a worker's own cache
      const coordinator = new FactorCache(panel);
      const all = { equity: true, trades: true, days: true };
      const back: VariantOutcome = restoreOutcome(decodeWire(encodeWire(wireOutcome(there, all))), params, strategy, coordinator, true);
      expect(back.metrics).toEqual(here.metrics);
      expect(back.schedule).toEqual(here.schedule);
      expect(back.warnings).toEqual(here.warnings);
      for (const k of ['equity', 'cash', 'gross', 'net'] as const) expect(bytes(back.result.curve[k])).toBe(bytes(here.result.curve[k]));
      for (const k of ['bar', 'column', 'quantity', 'price', 'fee', 'reason'] as const) expect(bytes(back.result.trades[k])).toBe(bytes(here.result.trades[k]));
      expect(back.result.trades.length).toBe(here.result.trades.length);
      expect(bytes(back.result.decisions)).toBe(bytes(here.result.decisions));
      expect(back.signal!.days).toEqual(here.signal!.days);
      expect(back.signal!.summary).toEqual(here.signal!.summary);
      expect(Object.keys(back.signal!.values)).toEqual(Object.keys(here.signal!.values)); // value, then vopa
      for (const name of Object.keys(here.signal!.values)) expect(bytes(back.signal!.values[name]!)).toBe(bytes(here.signal!.values[name]!));
      // --save none ships no trades or days and of the curve only the equity (the run's statistics need every
      // variant's returns): far smaller, and the summary is still whole.
      const small = encodeWire(wireOutcome(there, { equity: false, trades: false, days: false }));
      expect(small.length).toBeLessThan(encodeWire(wireOutcome(there, all)).length / 3);
      const light = restoreOutcome(decodeWire(small), params, strategy, coordinator, false);
      expect(bytes(light.result.curve.equity)).toBe(bytes(here.result.curve.equity));
      expect(light.result.curve.cash).toHaveLength(0);
      expect(light.result.trades.length).toBe(0);
      expect(light.signal!.days).toEqual([]);
      expect(light.signal!.summary).toEqual(here.signal!.summary);
      expect(light.metrics).toEqual(here.metrics);
    });
  });
});

describe('chunk sizing', () => {
  it('aims at seconds per job, spreads short runs, and stays within bounds', () => {
    expect(chunkSize({ variants: 1000, msPerVariant: 20, bytesPerVariant: 30_000 })).toBe(31); // 20 s of work: 32 jobs of ~0.6 s
    expect(chunkSize({ variants: 100_000, msPerVariant: 20, bytesPerVariant: 30_000 })).toBe(150); // 3 s a job
    expect(chunkSize({ variants: 1000, msPerVariant: 0.5, bytesPerVariant: 1_000 })).toBe(MAX_CHUNK);
    expect(chunkSize({ variants: 10, msPerVariant: 5_000, bytesPerVariant: 1_000 })).toBe(1);
    expect(chunkSize({ variants: 100_000, msPerVariant: 1, bytesPerVariant: 1_000_000 })).toBe(16); // 16 MB a job at most
  });

  it('covers every variant once, in order', () => {
    const ranges = chunkRanges(11, 4);
    expect(ranges).toEqual([{ chunk: 0, from: 0, to: 4 }, { chunk: 1, from: 4, to: 8 }, { chunk: 2, from: 8, to: 11 }]);
    expect(jobId('20261122T100239Z-vopa-3f9a0c41d2e87b5a6c1f0e9d', 2)).toBe('20261122T100239Z-vopa-3f9a0c41d2e87b5a6c1f0e9d.chunk-00002'); // no ':' (BullMQ refuses it)
  });
});

describe('queue URLs', () => {
  it('parses host, port, database, credentials and TLS, and never shows the password', () => {
    const t = parseQueueUrl('rediss://worker:p%40ss@queue.example:6380/2');
    expect(t.display).toBe('rediss://queue.example:6380/2');
    expect(t.connection()).toEqual({ host: 'queue.example', port: 6380, db: 2, username: 'worker', password: 'p@ss', tls: {} });
    expect(JSON.stringify({ t })).not.toContain('p@ss');
    expect(String(t)).not.toContain('p@ss');
    expect(parseQueueUrl('redis://127.0.0.1').connection()).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(parseQueueUrl('redis://[::1]:7000').display).toBe('redis://[::1]:7000/0');
  });

  it.each([
    ['redis://host:0', /port 0 is not a TCP port/],
    ['redis://host:6379?family=6', /options after \? or #/],
    ['redis://', /no host/],
    ['redis://u:pw-secret@host:70000', /^--queue redis:\/\/\*\*\*@host:70000: not a URL/],
    ['user:pw-secret@host:6379', /^--queue \*\*\*@host:6379: /],
  ])('refuses %s', (text, message) => {
    expect(() => parseQueueUrl(text)).toThrow(message);
    try {
      parseQueueUrl(text);
    } catch (err) {
      expect((err as Error).message).not.toContain('pw-secret');
      expect((err as { code: string }).code).toBe('E_QUEUE_URL');
    }
  });
});
