import { inspect } from 'node:util';

/**
 * A secret (the service key) that cannot leak by accident: it prints, serialises and inspects
 * as `[redacted]`; only `revealIn()` gives the value, into one request's headers.
 */
export class Secret {
  readonly #value: string;
  /**
   * What libraries that keep a key in plain fields (supabase-js) are given instead; the
   * transport swaps it for the value in each request's headers. It has the key's format
   * (`sb_secret_…` or not) so the library makes the same header choices.
   */
  readonly placeholder: string;

  constructor(value: string) {
    this.#value = value;
    this.placeholder = value.startsWith('sb_secret_') ? 'sb_secret_redacted' : 'redacted-service-key';
  }

  /** Headers with the placeholder (`apikey`, `Authorization: Bearer …`) given the value; other values are kept. */
  revealIn(headers: Headers): Headers {
    if (headers.get('apikey') === this.placeholder) headers.set('apikey', this.#value);
    if (headers.get('authorization') === `Bearer ${this.placeholder}`) headers.set('authorization', `Bearer ${this.#value}`);
    return headers;
  }

  /** Removes every occurrence of the secret from a text (error bodies may echo a header). */
  scrub(text: string): string {
    return this.#value.length >= 8 ? text.split(this.#value).join('[redacted]') : text;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
