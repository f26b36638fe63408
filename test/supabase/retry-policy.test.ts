import { describe, expect, it } from 'vitest';
import { loadSupabaseSettings, parseDotenv } from '../../src/supabase/config.ts';
import { SupabaseConfigError } from '../../src/supabase/errors.ts';
import { backoffDelay, DEFAULT_RETRY, describeNetworkError, isIdempotent, networkCode, parseRetryAfter, transientStatus } from '../../src/supabase/retry-policy.ts';
import { Secret } from '../../src/supabase/secret.ts';

describe('the retry policy', () => {
  it('retries only transient statuses, and 500 only for serialization failures and deadlocks', () => {
    for (const s of [408, 429, 502, 503, 504, 520, 522, 524]) expect(transientStatus(s, ''), String(s)).toBe(`http ${s}`);
    expect(transientStatus(500, '40001')).toBe('http 500 40001');
    expect(transientStatus(500, '40P01')).toBe('http 500 40P01');
    for (const s of [400, 401, 403, 404, 406, 409, 413, 414, 416]) expect(transientStatus(s, ''), String(s)).toBeUndefined();
    expect(transientStatus(500, '57014')).toBeUndefined(); // statement timeout: ask for a smaller page
    expect(transientStatus(500, '')).toBeUndefined();
    // Only a 500 carries a retryable Postgres code: a final status stays final whatever code comes with it.
    expect(transientStatus(409, '40001')).toBeUndefined();
    expect(transientStatus(400, '40P01')).toBeUndefined();
  });

  it('retries reads and merging upserts, nothing else', () => {
    expect(isIdempotent('GET', null)).toBe(true);
    expect(isIdempotent('HEAD', null)).toBe(true);
    expect(isIdempotent('POST', 'resolution=merge-duplicates,return=minimal')).toBe(true);
    expect(isIdempotent('POST', 'return=minimal')).toBe(false);
    expect(isIdempotent('POST', null)).toBe(false);
    expect(isIdempotent('PATCH', 'resolution=merge-duplicates')).toBe(false);
    expect(isIdempotent('DELETE', null)).toBe(false);
  });

  it('finds network codes behind fetch’s TypeError', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(networkCode(reset)).toBe('ECONNRESET');
    const closed = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(networkCode(closed)).toBe('UND_ERR_SOCKET');
    expect(networkCode(new Error('nope'))).toBeUndefined();
    // Only our own close() closes the pool: not a failure of the server, and no retry helps.
    const ours = new TypeError('fetch failed', { cause: Object.assign(new Error('The client is closed'), { code: 'UND_ERR_CLOSED' }) });
    expect(networkCode(ours)).toBeUndefined();
  });

  it('describes a failure by its innermost message and code, looking five causes deep at most', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(describeNetworkError(reset)).toBe('read ECONNRESET'); // the code is in the message already
    // A cause without a message (or an empty one, or one that is not text) keeps the outer message; one without a code, the outer code.
    const bare = Object.assign(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    expect(describeNetworkError(bare)).toBe('fetch failed (ECONNREFUSED)');
    const empty = new TypeError('fetch failed', { cause: { message: '', code: 'EPIPE' } });
    expect(describeNetworkError(empty)).toBe('fetch failed (EPIPE)');
    const numeric = new TypeError('fetch failed', { cause: { message: 42, code: 'EPIPE' } });
    expect(describeNetworkError(numeric)).toBe('fetch failed (EPIPE)');
    const outerCode = Object.assign(new Error('terminated', { cause: new Error('other side closed') }), { code: 'UND_ERR_SOCKET' });
    expect(describeNetworkError(outerCode)).toBe('other side closed (UND_ERR_SOCKET)');
    // Seven causes deep: the first five are read (a cause chain can loop: it must end).
    let chain: Error = new Error('m6');
    for (let k = 5; k >= 0; k--) chain = new Error(`m${k}`, { cause: chain });
    expect(describeNetworkError(chain)).toBe('m4');
    const loop = new Error('outer') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(describeNetworkError(loop)).toBe('outer');
    expect(describeNetworkError('plain text')).toBe('plain text');
  });

  it('waits with full jitter under a capped exponential ceiling, with Retry-After as a floor', () => {
    const o = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, o, undefined, () => 0.999)).toBeCloseTo(99.9); // ceiling 100 × 2⁰
    expect(backoffDelay(3, o, undefined, () => 0.5)).toBe(400); // half of 800
    expect(backoffDelay(10, o, undefined, () => 1)).toBe(1_000); // capped
    expect(backoffDelay(0, o, undefined, () => 0)).toBe(0);
    expect(backoffDelay(0, o, 2_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(0, o, 10 * 60_000, () => 0.5)).toBe(o.maxRetryAfterMs);
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('configuration', () => {
  it('reads .env lines, quoted or not, with comments', () => {
    expect(parseDotenv('# c\nexport SUPABASE_URL="http://x"\nSUPABASE_KEY=abc # note\nBAD LINE\nEMPTY=\n')).toEqual({ SUPABASE_URL: 'http://x', SUPABASE_KEY: 'abc', EMPTY: '' });
  });

  it('a malformed SUPABASE_URL is named without its user, password or query', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadSupabaseSettings({ SUPABASE_SERVICE_ROLE_KEY: 'k', ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(SupabaseConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    // A database connection string pasted by mistake: its password must not be echoed.
    expect(refusal({ SUPABASE_URL: 'postgres://postgres:hunter2-pw@db.abcd.supabase.co:5432/postgres?sslmode=require' })).toBe(
      'SUPABASE_URL "postgres://db.abcd.supabase.co:5432/postgres" (user, password and query not shown) must start with https://: ' +
        'that is a database connection string; use the project URL (Project Settings → API)',
    );
    // Unparsable (a space in the host), a password with "/" and "@" in it, a key in the query.
    expect(refusal({ SUPABASE_URL: 'https://me:pa/ss@word@ab cd.supabase.co/?apikey=sb_secret_xyz#top' })).toBe(
      'SUPABASE_URL "https://ab cd.supabase.co/" (user, password and query not shown) is not a URL (expected https://<project>.supabase.co)',
    );
    // The variable the value came from is the one named; a clean value is shown as it is.
    expect(refusal({ VITE_SUPABASE_URL: 'ftp://files.example.com' })).toBe('VITE_SUPABASE_URL "ftp://files.example.com" must start with https:// (or http:// for a local server)');
    // A usable URL keeps none of them either.
    const settings = loadSupabaseSettings({ SUPABASE_URL: 'https://me:pw-secret@abcd.supabase.co/?apikey=sb_secret_xyz', SUPABASE_SERVICE_ROLE_KEY: 'k' });
    expect(settings.url).toBe('https://abcd.supabase.co');
  });

  it('keeps the key out of every printed and serialised form', () => {
    const secret = new Secret('super-secret-service-key');
    expect(JSON.stringify({ secret })).not.toContain('super');
    expect(String(secret)).toBe('[redacted]');
    expect(secret.scrub('Bearer super-secret-service-key refused')).toBe('Bearer [redacted] refused');
  });
});
