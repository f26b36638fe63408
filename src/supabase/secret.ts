import { inspect } from 'node:util';
import { registerSecret, type SecretScrubber } from '../util/redact.ts';

/**
 * A secret (the service key) that cannot leak by accident: it prints, serialises and inspects
 * as `[redacted]`; only `revealIn()` gives the value, into one request's headers. Made, it is
 * registered with `scrubSecrets` (util/redact.ts), which every printed line and written file goes
 * through: any 12 characters or more of it, or of its base64 or URL-encoded forms, are removed.
 */
export class Secret {
  readonly #value: string;
  readonly #scrubber: SecretScrubber;
  /**
   * What libraries that keep a key in plain fields (supabase-js) are given instead; the
   * transport swaps it for the value in each request's headers. It has the key's format
   * (`sb_secret_…` or not) so the library makes the same header choices.
   */
  readonly placeholder: string;

  constructor(value: string) {
    this.#value = value;
    this.#scrubber = registerSecret(value);
    this.placeholder = value.startsWith('sb_secret_') ? 'sb_secret_redacted' : 'redacted-service-key';
  }

  /** Headers with the placeholder (`apikey`, `Authorization: Bearer …`) given the value; other values are kept. */
  revealIn(headers: Headers): Headers {
    if (headers.get('apikey') === this.placeholder) headers.set('apikey', this.#value);
    if (headers.get('authorization') === `Bearer ${this.placeholder}`) headers.set('authorization', `Bearer ${this.#value}`);
    return headers;
  }

  /**
   * Removes the secret from a text, whole or in part: every run of 12 characters or more of it,
   * of its base64 or of its URL-encoded form (error bodies may echo a header, or a piece of one).
   * A secret shorter than 12 characters is removed where it appears whole.
   */
  scrub(text: string): string {
    if (this.#value.length < 12) return this.#value.length >= 8 ? text.split(this.#value).join('[redacted]') : text;
    return this.#scrubber.scrub(text);
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
