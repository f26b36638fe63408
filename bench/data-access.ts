/**
 * Data access against the PostgREST-compatible server (PGlite) with 5 ms added to every answer:
 * the panel of 300 symbols × 2 years read
 * (a) the way our users' old tool did: one request per symbol per day, each on a new connection
 *     (the tiny reference below, not in src/); measured on a few symbols and scaled to 300, since
 *     150,000 fresh connections would exhaust the machine's ports (the very failure it caused);
 * (b) by SupabaseRest's bulk windows (SupabaseSource.loadWindow, 8 connections);
 * and (b) against its floor: pages × latency ÷ connections + transfer, where transfer is the same
 * bulk read with no added latency.
 */
import { request } from 'node:http';
import { loadSupabaseSettings, SupabaseRest } from '../src/supabase/index.ts';
import { SupabaseSource } from '../src/source/supabase/supabase-source.ts';
import { parseIsoDate } from '../src/util/dates.ts';
import { sampleServer, serverEnv, type PostgrestServer } from '../test/support/postgrest/index.ts';
import { summarize, time, type Measure } from './lib.ts';

const SEASON = 2900; // a season made for the benchmark: every one of the 300 symbols
const START = '2024-01-02', END = '2025-12-31';
const LATENCY_MS = 5;
const CONNECTIONS = 8;

export interface DataAccessResult {
  readonly symbols: number;
  readonly days: number;
  readonly rows: number;
  readonly bulk: Measure & { requests: number; socketsOpened: number; bytes: number };
  readonly bulkNoLatency: Measure;
  readonly floorMs: number;
  readonly naive: { measuredSymbols: number; measuredRequests: number; measuredMs: Measure; requests: number; socketsOpened: number; ms: number };
}

async function bulkRead(server: PostgrestServer) {
  const rest = SupabaseRest.open(loadSupabaseSettings(serverEnv(server), { connections: CONNECTIONS }));
  try {
    const { panel, info } = await new SupabaseSource(rest).loadWindow({ season: SEASON, startDay: parseIsoDate(START)!, endDay: parseIsoDate(END)!, warmupBars: 0 });
    const c = rest.counters.snapshot();
    return { panel, rows: info.rows, requests: c.requests, socketsOpened: c.sockets_opened, bytes: c.bytes_received };
  } finally {
    await rest.close();
  }
}

/** The old way, for one symbol and day: a new connection, one row, the connection closed. */
function naiveGet(server: PostgrestServer, symbol: string, date: string): Promise<void> {
  const url = new URL(`${server.url}/rest/v1/prices?select=symbol,date,open,high,low,close,volume&symbol=eq.${encodeURIComponent(symbol)}&date=eq.${date}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { apikey: server.key, authorization: `Bearer ${server.key}`, connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function dataAccessBench(runs = 3, naiveSymbols = 2): Promise<DataAccessResult> {
  const server = await sampleServer({ from: START, to: END });
  try {
    await server.db.exec(`insert into universe (season, symbol, peer_group, name)
      select ${SEASON}, symbol, min(peer_group), min(name) from universe group by symbol`);
    server.faults.latencyMs = 0;
    const bulkNoLatency = await time(() => bulkRead(server), runs, 1);
    server.faults.latencyMs = LATENCY_MS;
    let last: Awaited<ReturnType<typeof bulkRead>> | undefined;
    const bulkTimes = await time(async () => { last = await bulkRead(server); }, runs, 1);
    const { panel, rows, requests, socketsOpened, bytes } = last!;
    // Pages in sequence per connection, then the bytes: the best a pool of 8 can do.
    const floorMs = Math.ceil(requests / CONNECTIONS) * LATENCY_MS + bulkNoLatency.median;

    const samples: number[] = [];
    let measuredRequests = 0;
    const accepted = server.stats.socketsAccepted;
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      measuredRequests = 0;
      for (const symbol of panel.symbols.slice(0, naiveSymbols)) {
        for (const date of panel.dates) {
          await naiveGet(server, symbol, date);
          measuredRequests++;
        }
      }
      samples.push(performance.now() - t);
    }
    const naiveSockets = (server.stats.socketsAccepted - accepted) / runs;
    const measuredMs = summarize(samples);
    const scale = panel.symbols.length / naiveSymbols;
    return {
      symbols: panel.symbols.length,
      days: panel.dates.length,
      rows,
      bulk: { ...bulkTimes, requests, socketsOpened, bytes },
      bulkNoLatency,
      floorMs,
      naive: {
        measuredSymbols: naiveSymbols,
        measuredRequests,
        measuredMs,
        requests: Math.round(measuredRequests * scale),
        socketsOpened: Math.round(naiveSockets * scale),
        ms: measuredMs.median * scale,
      },
    };
  } finally {
    await server.close();
  }
}

if (import.meta.main) console.log(JSON.stringify(await dataAccessBench(), null, 2));
