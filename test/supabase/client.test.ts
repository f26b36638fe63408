import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plainLine } from '../../src/supabase/errors.ts';
import { loadSupabaseSettings, SupabaseClosedError, SupabaseHttpError, SupabaseRest, SupabaseUnavailableError } from '../../src/supabase/index.ts';
import { clientFor, seeded, startPostgrest, TRANSIENT_FAULTS, type PostgrestServer } from '../support/postgrest/index.ts';

/** One test per failure our users met, against a server that fails the way real ones do. */
describe('SupabaseRest against a failing PostgREST', () => {
  let server: PostgrestServer;
  let rest: SupabaseRest | undefined;
  const read = (r: SupabaseRest, k = 0) => r.run('read universe', r.client.from('universe').select('symbol,season').eq('season', 2024).gte('symbol', `S${k % 7}`).limit(3));

  beforeAll(async () => {
    server = await startPostgrest();
    const rows = Array.from({ length: 40 }, (_, k) => `(2024, 'S${k}', 'g', null)`).join(',');
    await server.db.exec(`insert into universe values ${rows}`);
  });
  afterEach(async () => {
    await rest?.close();
    rest = undefined;
    server.reset();
  });
  afterAll(async () => server?.close());

  it('socket exhaustion: hundreds of requests open at most `connections` sockets', async () => {
    rest = clientFor(server, 8);
    await Promise.all(Array.from({ length: 400 }, (_, k) => read(rest!, k)));
    const c = rest.snapshot();
    expect(c.requests).toBe(400);
    expect(c.failures).toBe(0);
    expect(c.sockets_opened).toBeLessThanOrEqual(8);
    expect(c.in_flight_peak).toBeLessThanOrEqual(8);
    expect(server.stats.socketsAccepted).toBeLessThanOrEqual(8);
    expect(server.stats.requests).toBe(400);
  });

  it('stale keep-alive: the server closes idle sockets after 200 ms, also as a request arrives; no request fails', async () => {
    server.faults.idleCloseMs = 200;
    server.faults.closeOnArrivalAfterIdleMs = 120;
    rest = clientFor(server, 2);
    const pauses = [150, 250, 140, 260, 180, 230, 130, 210, 160, 300, 145, 190];
    for (const pause of pauses) {
      await read(rest);
      await sleep(pause);
    }
    await read(rest);
    const c = rest.snapshot();
    expect(c.failures).toBe(0);
    expect(c.requests).toBe(pauses.length + 1);
    // The server did drop sockets under requests, and the client retried them.
    expect(server.stats.faults['close-on-arrival'] ?? 0).toBeGreaterThan(0);
    // Each of those is retried; on a busy machine a pause may also outlast the idle timeout just as a
    // request leaves on that socket (the same fault, by the other timer): retried too, never more.
    const onArrival = server.stats.faults['close-on-arrival']!;
    expect(c.retries).toBeGreaterThanOrEqual(onArrival);
    expect(c.retries).toBeLessThanOrEqual(onArrival + (server.stats.faults['idle-close'] ?? 0));
    expect(Object.keys(c.retries_by_reason).every((r) => r.startsWith('network '))).toBe(true);
  });

  it('a server that accepts 5 connections, a client with 8: nothing fails; the client lowers its in-flight limit', async () => {
    server.faults.maxConnections = 5;
    server.faults.latencyMs = 5;
    rest = clientFor(server, 8);
    for (let burst = 0; burst < 5; burst++) await Promise.all(Array.from({ length: 40 }, (_, k) => read(rest!, k)));
    const c = rest.snapshot();
    expect(c.failures).toBe(0);
    expect(c.requests).toBe(200);
    expect(server.stats.socketsPeak).toBeLessThanOrEqual(5);
    expect(server.stats.socketsRefused).toBeGreaterThan(0);
    expect(c.retries).toBeGreaterThan(0);
    expect(rest.concurrency.lowest).toBeLessThanOrEqual(5);
  });

  it('isolated resets (1 request in 40, no connection cap) do not wear the in-flight limit down: it ends at or near 8', async () => {
    server.faults.rate = 1 / 40;
    server.faults.kinds = ['reset-before'];
    server.faults.random = seeded(3);
    rest = clientFor(server, 8);
    for (let burst = 0; burst < 20; burst++) await Promise.all(Array.from({ length: 40 }, (_, k) => read(rest!, k)));
    const c = rest.snapshot();
    expect(c.failures).toBe(0);
    expect(server.stats.faults['reset-before'] ?? 0).toBeGreaterThan(10);
    expect(rest.concurrency.limit).toBeGreaterThanOrEqual(7);
    expect(server.stats.socketsPeak).toBeLessThanOrEqual(8 + 1); // a replaced pool may still be closing a socket
  });

  it('bursts with 10 % transient faults of every kind: every request succeeds, and the counters show the retries', async () => {
    server.faults.rate = 0.1;
    server.faults.kinds = TRANSIENT_FAULTS;
    server.faults.random = seeded(42);
    rest = clientFor(server, 8);
    const results = await Promise.all(Array.from({ length: 300 }, (_, k) => read(rest!, k)));
    expect(results.every((r) => r.data && (r.data as unknown[]).length === 3)).toBe(true);
    const c = rest.snapshot();
    const injected = Object.values(server.stats.faults).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(15);
    expect(c.failures).toBe(0);
    expect(c.retries).toBe(injected);
    expect(Object.keys(c.retries_by_reason).length).toBeGreaterThanOrEqual(6);
  });

  it('honours Retry-After', async () => {
    server.faults.next.push('503');
    server.faults.retryAfter = '1';
    rest = clientFor(server, 2);
    await read(rest);
    expect(rest.snapshot().retries_by_reason).toEqual({ 'http 503': 1 });
    expect(rest.snapshot().retry_wait_ms).toBeGreaterThanOrEqual(1_000);
  });

  it('non-transient errors fail at once, without retry, with a clear message and never the key', async () => {
    const wrongKey = 'sb-wrong-key-0123456789abcdef';
    const bad = SupabaseRest.open(loadSupabaseSettings({ SUPABASE_URL: server.url, SUPABASE_SERVICE_ROLE_KEY: wrongKey }));
    const e401 = await read(bad).catch((e) => e);
    await bad.close();
    expect(e401).toBeInstanceOf(SupabaseHttpError);
    expect(e401.status).toBe(401);
    expect(e401.message).toMatch(/read universe: HTTP 401: Invalid API key/);
    expect(e401.message).not.toContain(wrongKey);

    rest = clientFor(server, 2);
    const e404 = await rest.run('read pricez', rest.client.from('pricez').select('*')).catch((e) => e);
    expect(e404).toMatchObject({ status: 404, pgCode: 'PGRST205' });
    expect(e404.message).toMatch(/apply the migrations/);
    const e400 = await rest.run('read prices', rest.client.from('prices').select('nope')).catch((e) => e);
    expect(e400).toMatchObject({ status: 400, pgCode: '42703' });
    server.faults.next.push('57014');
    const e57014 = await read(rest).catch((e) => e);
    expect(e57014).toMatchObject({ status: 500, pgCode: '57014' });
    // A plain insert is not idempotent: a 503 is returned, not retried.
    server.faults.next.push('503');
    const insert = await rest.run('insert', rest.client.from('universe').insert({ season: 2030, symbol: 'X', peer_group: 'g' })).catch((e) => e);
    expect(insert).toMatchObject({ status: 503, pgCode: 'PGRST001' });
    expect(server.stats.requests).toBe(5); // one each: nothing was retried
    expect(rest.snapshot().retries).toBe(0);
    for (const e of [e404, e400, e57014, insert]) expect(e.message).not.toContain(server.key);
  });

  it('inspecting or serialising the client, its supabase-js client or a query never shows the key; requests still carry it', async () => {
    rest = clientFor(server, 2);
    const shown = [
      inspect(rest, { depth: 10 }),
      inspect(rest, { depth: 10, showHidden: true }),
      JSON.stringify(rest),
      inspect(rest.client, { depth: 10, showHidden: true }),
      inspect(rest.client.from('universe').select('symbol').eq('season', 2024), { depth: 10, showHidden: true }),
      JSON.stringify((rest.client as unknown as { rest: unknown }).rest),
    ];
    for (const text of shown) expect(text).not.toContain(server.key);
    expect(shown[0]).toBe(`SupabaseRest { host: '${new URL(server.url).host}', connections: 2 }`);
    expect(JSON.parse(shown[2]!)).toEqual({ host: new URL(server.url).host, connections: 2 });
    expect(Object.keys(rest)).not.toContain('client');
    expect((await read(rest)).data).toHaveLength(3); // the server took the key
  });

  it('the circuit breaker stops with one message instead of hammering a server that is down', async () => {
    const down = await startPostgrest({ db: server.db });
    const url = down.url;
    await down.close();
    const dead = SupabaseRest.open(loadSupabaseSettings({ SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: server.key }), {
      retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 5 },
      breaker: { threshold: 6, minOutageMs: 0 },
    });
    const errors = await Promise.all(Array.from({ length: 20 }, () => read(dead).catch((e) => e)));
    await dead.close();
    expect(errors.every((e) => e instanceof SupabaseUnavailableError)).toBe(true);
    expect(errors[0].message).toMatch(new RegExp(`Supabase at ${new URL(url).host} kept failing .*ECONNREFUSED.*Check that the project is up`));
    expect(dead.snapshot().attempts).toBeLessThan(40); // not 20 requests × 50 attempts
  });

  it('requests already queued when the breaker opens never go out', async () => {
    server.faults.rate = 1;
    server.faults.kinds = ['503'];
    rest = clientFor(server, 1, { retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { threshold: 3, minOutageMs: 0 } });
    const errors = await Promise.all(Array.from({ length: 20 }, () => read(rest!).catch((e) => e)));
    expect(errors.every((e) => e instanceof SupabaseUnavailableError)).toBe(true);
    expect(server.stats.requests).toBe(3); // the failures that opened it; the other 19 waited in the queue
  });

  it('after the cool-down one probe goes through; once the server answers, the client works again', async () => {
    server.faults.rate = 1;
    server.faults.kinds = ['503'];
    rest = clientFor(server, 2, { retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { threshold: 3, minOutageMs: 0, coolDownMs: 200 } });
    expect(await read(rest).catch((e) => e)).toBeInstanceOf(SupabaseUnavailableError);
    server.faults.rate = 0; // the server is back
    expect(await read(rest).catch((e) => e)).toBeInstanceOf(SupabaseUnavailableError); // still cooling down
    await sleep(250);
    const results = await Promise.all(Array.from({ length: 10 }, () => read(rest!).catch((e) => e)));
    expect(results.filter((r) => !(r instanceof Error)).length).toBeGreaterThanOrEqual(1); // the probe
    const after = await Promise.all(Array.from({ length: 10 }, () => read(rest!)));
    expect(after.every((r) => (r.data as unknown[]).length === 3)).toBe(true);
  });

  it('close() waits for a request that is waiting to retry, then refuses new ones without reopening a socket', async () => {
    server.faults.next.push('503');
    server.faults.retryAfter = '1';
    rest = clientFor(server, 2);
    const pending = read(rest);
    while (server.stats.requests === 0) await sleep(5); // the first attempt got its 503: the request now waits 1 s
    await rest.close();
    expect((await pending).data).toHaveLength(3); // its retry went out before the sockets closed
    expect(server.stats.requests).toBe(2);
    const late = await read(rest).catch((e) => e);
    expect(late).toBeInstanceOf(SupabaseClosedError);
    expect(late.message).toBe('read universe: not sent: the Supabase client is closed');
    expect(server.stats.requests).toBe(2);
    expect(rest.snapshot().sockets_opened).toBe(1);
  });

  it('destroy() (Ctrl-C) fails a request waiting to retry at once instead of waiting', async () => {
    server.faults.next.push('503');
    server.faults.retryAfter = '600'; // 30 s, the longest Retry-After honoured: the test would time out
    rest = clientFor(server, 2);
    const pending = read(rest).catch((e) => e);
    while (server.stats.requests === 0) await sleep(5);
    await rest.destroy();
    expect(await pending).toBeInstanceOf(SupabaseClosedError);
    expect(server.stats.requests).toBe(1);
  });

  describe('bodies other than strings, as a strategy may send through the same fetch', () => {
    /** The fetch supabase-js holds: ours, behind supabase-js's own that adds the (stand-in) key headers. */
    const fetchOf = (r: SupabaseRest) => (r.client as unknown as { rest: { fetch: typeof fetch } }).rest.fetch;
    const upsert = { 'content-type': 'application/json', prefer: 'resolution=merge-duplicates,return=minimal' };
    // 62 characters, 63 bytes: "ü" is two bytes in UTF-8.
    const row = (symbol: string) => new TextEncoder().encode(`{"season":2031,"symbol":"${symbol}","peer_group":"g","name":"Zürich"}`);
    const stored = async (symbol: string) => (await server.db.query<{ name: string }>(`select name from universe where season = 2031 and symbol = $1`, [symbol])).rows;

    it('bytes, an ArrayBuffer and a Blob are sent intact, counted in bytes, and sent again after a 503', async () => {
      rest = clientFor(server, 2);
      const inLargerBuffer = new Uint8Array(100);
      inLargerBuffer.set(row('B1'), 10);
      const bodies: [string, RequestInit['body']][] = [
        ['B1', inLargerBuffer.subarray(10, 73)], // a view that does not start its buffer
        ['B2', row('B2').buffer as ArrayBuffer],
        ['B3', new Blob([row('B3')])],
      ];
      for (const [symbol, body] of bodies) {
        server.faults.next.push('503');
        const before = { ...rest.snapshot(), served: server.stats.requests };
        const res = await fetchOf(rest)(`${server.url}/rest/v1/universe`, { method: 'POST', headers: upsert, body });
        expect(res.status, symbol).toBe(201);
        expect(server.stats.requests - before.served, symbol).toBe(2);
        expect((rest.snapshot().retries_by_reason['http 503'] ?? 0) - (before.retries_by_reason['http 503'] ?? 0), symbol).toBe(1);
        expect(rest.snapshot().bytes_sent - before.bytes_sent, symbol).toBe(63);
        expect(await stored(symbol)).toEqual([{ name: 'Zürich' }]);
      }
    });

    it('form parameters are sent again after a 503 and counted', async () => {
      rest = clientFor(server, 2);
      server.faults.next.push('503');
      const res = await fetchOf(rest)(`${server.url}/rest/v1/universe`, { method: 'POST', headers: { prefer: upsert.prefer }, body: new URLSearchParams({ a: '1', b: 'x y' }) });
      expect(res.status).toBe(400); // the retry reached the table, which wants JSON (a=1&b=x+y is not)
      expect(server.stats.requests).toBe(2);
      expect(rest.snapshot().bytes_sent).toBe(9);
    });

    it('a stream is read once: sent, counted as it flows, never retried', async () => {
      rest = clientFor(server, 2);
      const stream = (symbol: string) => new Blob([row(symbol)]).stream();
      server.faults.next.push('503');
      const refused = await fetchOf(rest)(`${server.url}/rest/v1/universe`, { method: 'POST', headers: upsert, body: stream('S1') });
      expect(refused.status).toBe(503);
      expect(server.stats.requests).toBe(1);
      expect(rest.snapshot().retries).toBe(0);
      expect(rest.snapshot().bytes_sent).toBe(63);
      const res = await fetchOf(rest)(`${server.url}/rest/v1/universe`, { method: 'POST', headers: upsert, body: stream('S2') });
      expect(res.status).toBe(201);
      expect(await stored('S2')).toEqual([{ name: 'Zürich' }]);
    });

    it('a Request gives its method and body', async () => {
      rest = clientFor(server, 2);
      const res = await fetchOf(rest)(new Request(`${server.url}/rest/v1/universe`, { method: 'POST', headers: upsert, body: row('R1') }));
      expect(res.status).toBe(201);
      expect(await stored('R1')).toEqual([{ name: 'Zürich' }]);
      expect(rest.snapshot().bytes_sent).toBe(63);
    });
  });
});

describe('plainLine', () => {
  it('reduces a page of HTML to a short line of its text; a plain text to one line', () => {
    const page = '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title><style>body { color: red }</style></head>\n<body>\n' +
      `  <h1>502   Bad\n Gateway</h1>\n  <script>var s = "<b>not text</b>";</script>\n  <!-- a comment -->\n  <p>Tom &amp; Jerry&nbsp;say ${'x'.repeat(300)}</p>\n</body></html>\n`;
    // "502 Bad Gateway Tom & Jerry say " is 32 characters: 167 more make 199, and the ellipsis 200.
    expect(plainLine(page)).toBe(`502 Bad Gateway Tom & Jerry say ${'x'.repeat(167)}…`);
    expect(plainLine('<html><head><title>503 Service Unavailable</title></head><body></body></html>')).toBe('503 Service Unavailable');
    expect(plainLine('upstream connect error\n  or disconnect')).toBe('upstream connect error or disconnect');
  });
});
