import { describe, expect, it } from 'vitest';
import { describeNetworkError, isConnectionFailure, networkCode, parseRetryAfter } from '../../src/supabase/retry-policy.ts';

/** A failure as fetch reports it: `TypeError: fetch failed` caused by the socket's error with its code. */
function fetchFailed(code: string, message = `failed (${code})`): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

/** Every transient network code (Node's and undici's), and whether the socket itself failed. */
const TRANSIENT: ReadonlyArray<[code: string, connection: boolean]> = [
  ['ECONNRESET', true],
  ['ECONNREFUSED', true],
  ['EPIPE', true],
  ['UND_ERR_SOCKET', true],
  ['ETIMEDOUT', false],
  ['ECONNABORTED', false],
  ['EAI_AGAIN', false],
  ['ENETUNREACH', false],
  ['EHOSTUNREACH', false],
  ['UND_ERR_CONNECT_TIMEOUT', false],
  ['UND_ERR_HEADERS_TIMEOUT', false],
  ['UND_ERR_BODY_TIMEOUT', false],
];

describe('transient network failures are retried, each code', () => {
  it.each(TRANSIENT)('%s is retried (connection failure: %s)', (code, connection) => {
    expect(networkCode(fetchFailed(code))).toBe(code);
    expect(networkCode(Object.assign(new Error('raw'), { code }))).toBe(code); // not wrapped by fetch
    expect(isConnectionFailure(code)).toBe(connection);
  });

  it.each(['ENOTFOUND', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED', 'ERR_INVALID_URL', 'EACCES'])('%s is final', (code) => {
    expect(networkCode(fetchFailed(code))).toBeUndefined();
    expect(isConnectionFailure(code)).toBe(false);
  });

  it('a socket closed by the other side is recognised by its message under fetch’s error, not at the top', () => {
    for (const words of ['other side closed', 'socket hang up', 'terminated']) {
      expect(networkCode(new TypeError('fetch failed', { cause: new Error(words) })), words).toBe('UND_ERR_SOCKET');
    }
    expect(networkCode(new Error('terminated'))).toBeUndefined(); // our own abort says so at the top
    // looked for at most five causes deep
    let deep: Error = fetchFailed('ECONNRESET');
    for (let k = 0; k < 3; k++) deep = new Error(`wrap ${k}`, { cause: deep });
    expect(networkCode(deep)).toBe('ECONNRESET');
    deep = new Error('wrap 4', { cause: deep });
    expect(networkCode(deep)).toBeUndefined();
  });

  it('describes a failure by its innermost message and its code', () => {
    expect(describeNetworkError(fetchFailed('ECONNRESET', 'read from socket'))).toBe('read from socket (ECONNRESET)');
    expect(describeNetworkError(fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(describeNetworkError(new Error('plain'))).toBe('plain');
    expect(describeNetworkError('a string')).toBe('a string');
  });

  it('reads Retry-After as seconds or a date, never negative; blank or unreadable is no value', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter('-3')).toBe(0);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 5_000)).toBe(0); // a date in the past
    expect(parseRetryAfter('   ')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
