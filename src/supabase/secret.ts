import { inspect } from 'node:util';

/**
 * A secret (the service key) that cannot leak by accident: it prints, serialises and inspects
 * as `[redacted]`; only `reveal()` gives the value, for the request headers.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
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
