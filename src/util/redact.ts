/**
 * What the program must never show or write, removed in one place:
 * - passwords in URLs on a command line (`redactCommandLine`);
 * - the Supabase service key, whole or in part (`scrubSecrets`), in every line printed, every
 *   error, manifest, upload.json, journal and CSV cell.
 */

/**
 * A command line safe to record: passwords in URLs (`redis://:s3cret@host`, `postgres://user:pw@host`)
 * are replaced by `***`. The manifest, the Supabase run row, inspect, report and resume hints all
 * show the command as typed, so it is redacted once, where it is read.
 * @example redactCommandLine('backtest … --queue redis://:pw@q:6379') // 'backtest … --queue redis://:***@q:6379'
 */
export function redactCommandLine(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]*)@/gi, '$1$2:***@');
}

/** A run of this many characters of a secret (or of an encoding of it) is removed; shorter runs say too little to matter. */
export const SECRET_MIN_MATCH = 12;
/** Length of the grams looked up while scanning: a match of SECRET_MIN_MATCH holds a gram at every SCAN_STEP-th position. */
const GRAM = 8;
const SCAN_STEP = SECRET_MIN_MATCH - GRAM + 1;
/** What a removed run is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Finds and removes every run of ≥ 12 characters that a secret shares with a text, in the
 * secret's own spelling and in the forms a server or proxy may echo it in:
 * 1. the forms: the secret, URL-encoded, and base64 (standard and URL-safe) at each of the three
 *    byte alignments (a key encoded after `Bearer ` or any prefix shifts its base64), their
 *    characters that depend on the neighbouring bytes dropped;
 * 2. every 8-character gram of every form goes into one Map (gram → where it occurs) — for a
 *    ~200-character key, about 2,000 grams, built once;
 * 3. a text is scanned at every 5th position only: a shared run of ≥ 12 characters covers at least
 *    5 consecutive starting positions of an 8-gram, so one of them is looked up; a hit is
 *    extended character by character both ways, and kept when it reaches 12;
 * 4. the runs found are merged and each replaced by `[redacted]`.
 * Cost: about n / 5 Map lookups for a text of n characters (linear, never n × key length).
 *
 * @example new SecretScrubber('sb_secret_abcdefghijklmnop').scrub('echo: sb_secret_abcdefgh…') // 'echo: [redacted]…'
 */
export class SecretScrubber {
  private readonly forms: string[];
  private readonly grams = new Map<string, Array<[form: number, at: number]>>();

  constructor(secret: string) {
    this.forms = secretForms(secret).filter((f) => f.length >= SECRET_MIN_MATCH);
    this.forms.forEach((form, f) => {
      for (let at = 0; at + GRAM <= form.length; at++) {
        const gram = form.slice(at, at + GRAM);
        const list = this.grams.get(gram);
        if (list) list.push([f, at]);
        else this.grams.set(gram, [[f, at]]);
      }
    });
  }

  /** The runs of `text` (start, end) shared with the secret's forms, merged, in order. */
  find(text: string): Array<[number, number]> {
    const found: Array<[number, number]> = [];
    if (!this.grams.size || text.length < SECRET_MIN_MATCH) return found;
    let j = 0;
    while (j + GRAM <= text.length) {
      const hits = this.grams.get(text.slice(j, j + GRAM));
      let end = -1;
      if (hits) {
        for (const [f, at] of hits) {
          const form = this.forms[f]!;
          let left = 0;
          while (j - left > 0 && at - left > 0 && text.charCodeAt(j - left - 1) === form.charCodeAt(at - left - 1)) left++;
          let right = GRAM;
          while (j + right < text.length && at + right < form.length && text.charCodeAt(j + right) === form.charCodeAt(at + right)) right++;
          if (left + right >= SECRET_MIN_MATCH) {
            found.push([j - left, j + right]);
            end = Math.max(end, j + right);
          }
        }
      }
      // After a run, scanning resumes where a longer run overlapping its end would still be seen whole.
      j = end > 0 ? Math.max(j + SCAN_STEP, end - SECRET_MIN_MATCH + 1) : j + SCAN_STEP;
    }
    return merge(found);
  }

  scrub(text: string): string {
    const runs = this.find(text);
    if (!runs.length) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of runs) {
      out += text.slice(from, start) + REDACTED;
      from = end;
    }
    return out + text.slice(from);
  }
}

/** Runs sorted by start, overlapping or touching ones joined. */
function merge(runs: Array<[number, number]>): Array<[number, number]> {
  if (runs.length < 2) return runs;
  runs.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [runs[0]!];
  for (const [start, end] of runs.slice(1)) {
    const last = out[out.length - 1]!;
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * The spellings of a secret worth scrubbing: itself, URL-encoded, and base64 / base64url at each
 * byte alignment. At alignment p (p bytes before the secret) the first characters mix in those
 * bytes and the last group mixes in what follows, so they are dropped (at most 3 characters at
 * either end); the unshifted encoding is also kept whole, padding included (an echo of exactly it).
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  for (let p = 0; p < 3; p++) {
    const b64 = Buffer.concat([Buffer.alloc(p), bytes]).toString('base64');
    const head = Math.ceil((p * 8) / 6);
    const tail = Math.floor(((p + bytes.length) * 8) / 6);
    const stable = b64.slice(head, tail);
    const variants = p === 0 ? [b64, stable] : [stable];
    for (const v of variants) {
      forms.add(v);
      forms.add(v.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
      forms.add(encodeURIComponent(v));
    }
  }
  return [...forms];
}

/** Every secret the process holds (the Supabase service key, once read), for `scrubSecrets`. */
const registered: SecretScrubber[] = [];
const registeredValues = new Set<string>();

/** Registers a secret: from now on `scrubSecrets` removes it, whole or in part, from any text. */
export function registerSecret(secret: string): SecretScrubber {
  const scrubber = new SecretScrubber(secret);
  if (secret.length >= SECRET_MIN_MATCH && !registeredValues.has(secret)) {
    registeredValues.add(secret);
    registered.push(scrubber);
  }
  return scrubber;
}

/** True when some secret is registered (a fast path for writers of many small texts). */
export function hasSecrets(): boolean {
  return registered.length > 0;
}

/**
 * A text with every run of ≥ 12 characters of a registered secret (in its forms, see
 * `secretForms`) replaced by `[redacted]`. The one place output is scrubbed: printing, errors,
 * manifests, upload.json, journals and CSV cells all go through it.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const s of registered) out = s.scrub(out);
  return out;
}
