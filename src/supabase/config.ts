import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SupabaseConfigError } from './errors.ts';
import { Secret } from './secret.ts';

/** Table names, overridable from the environment (a project may prefix or rename them). */
export interface SupabaseTables {
  readonly prices: string;
  readonly universe: string;
  readonly runs: string;
  readonly variants: string;
  readonly equity: string;
  readonly trades: string;
  readonly diagnostics: string;
  /** Optional: per-symbol borrow fees, read with `--borrow-table`. */
  readonly borrow: string;
  readonly capacity: string;
}

/** How to reach a Supabase project. `key` is a `Secret`, kept out of every serialised form. */
export interface SupabaseSettings {
  /** The project URL (https://<ref>.supabase.co), without a trailing slash. */
  readonly url: string;
  readonly tables: SupabaseTables;
  /** Sockets in the pool, and so requests in flight at most. */
  readonly connections: number;
  readonly key: Secret;
}

export const DEFAULT_CONNECTIONS = 8;

/** Variables read, first match wins within each line. */
const URL_VARS = ['SUPABASE_URL', 'VITE_SUPABASE_URL'] as const;
const KEY_VARS = ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_KEY'] as const;

/**
 * The environment as a run sees it: `.env` in the working directory under the real
 * environment (a variable set in the environment wins over the file; an empty one counts as unset).
 */
export function effectiveEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...fromFile, ...set };
}

/** `KEY=value` lines; `#` comments, `export ` prefixes, single or double quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    out[m[1]!] = value;
  }
  return out;
}

/** True when a URL and a key are configured (environment or .env). */
export function hasSupabaseCredentials(env: Record<string, string | undefined>): boolean {
  return Boolean(first(env, URL_VARS) && first(env, KEY_VARS));
}

/** Reads the settings; a missing or malformed value is a `SupabaseConfigError` naming the variable. */
export function loadSupabaseSettings(env: Record<string, string | undefined>, options: { connections?: number } = {}): SupabaseSettings {
  const urlVar = firstSet(env, URL_VARS);
  const url = urlVar && env[urlVar]!.trim();
  const key = first(env, KEY_VARS);
  if (!url || !key) {
    const missing = [!url && 'SUPABASE_URL', !key && 'SUPABASE_SERVICE_ROLE_KEY'].filter(Boolean).join(' and ');
    throw new SupabaseConfigError(`Supabase is not configured: set ${missing} in the environment or in .env (see README, "Supabase")`);
  }
  // A malformed value may be a connection string with a password in it: messages show it without.
  const shown = withoutCredentials(url);
  const named = `${urlVar} "${shown}"${shown === url ? '' : ' (user, password and query not shown)'}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SupabaseConfigError(`${named} is not a URL (expected https://<project>.supabase.co)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    const hint = parsed.protocol.startsWith('postgres') ? ': that is a database connection string; use the project URL (Project Settings → API)' : ' (or http:// for a local server)';
    throw new SupabaseConfigError(`${named} must start with https://${hint}`);
  }
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  if (!Number.isInteger(connections) || connections < 1 || connections > 64) {
    throw new SupabaseConfigError(`--connections ${connections}: must be a whole number from 1 to 64`, 'E_BAD_OPTION');
  }
  const table = (name: string, fallback: string) => {
    const value = env[name]?.trim() || fallback;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new SupabaseConfigError(`${name} "${value}" is not a table name`);
    return value;
  };
  const prefix = env.SUPABASE_RESULTS_PREFIX?.trim() ?? 'backtest_';
  const settings = {
    url: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
    tables: Object.freeze({
      prices: table('SUPABASE_PRICES_TABLE', 'prices'),
      universe: table('SUPABASE_UNIVERSE_TABLE', 'universe'),
      runs: table('SUPABASE_RUNS_TABLE', `${prefix}runs`),
      variants: table('SUPABASE_VARIANTS_TABLE', `${prefix}variants`),
      equity: table('SUPABASE_EQUITY_TABLE', `${prefix}equity`),
      trades: table('SUPABASE_TRADES_TABLE', `${prefix}trades`),
      diagnostics: table('SUPABASE_DIAGNOSTICS_TABLE', `${prefix}diagnostics`),
      borrow: table('SUPABASE_BORROW_TABLE', 'borrow'),
      capacity: table('SUPABASE_CAPACITY_TABLE', `${prefix}capacity`),
    }),
    connections,
  };
  // The key rides along non-enumerable: JSON.stringify, spreads and Object.keys never see it.
  Object.defineProperty(settings, 'key', { value: new Secret(key), enumerable: false });
  return Object.freeze(settings) as SupabaseSettings;
}

/**
 * A URL as it may be shown: without user, password, query or fragment. Done on the text, not
 * by parsing (the value may not parse): everything up to the last `@` after the scheme goes,
 * so a password holding `/`, `?`, `#` or `@` never shows, even if a little more goes with it.
 */
function withoutCredentials(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  return scheme + rest.slice(rest.lastIndexOf('@') + 1).replace(/[?#][\s\S]*$/, '');
}

/** The first of `names` set (not blank) in `env`. */
function firstSet(env: Record<string, string | undefined>, names: readonly string[]): string | undefined {
  return names.find((name) => env[name]?.trim());
}

/** Its value, trimmed. */
function first(env: Record<string, string | undefined>, names: readonly string[]): string | undefined {
  const name = firstSet(env, names);
  return name && env[name]!.trim();
}
