export { SupabaseRest, type RestResult, type RestTuning } from './client.ts';
export { effectiveEnv, hasSupabaseCredentials, loadSupabaseSettings, parseDotenv, DEFAULT_CONNECTIONS, type SupabaseSettings, type SupabaseTables } from './config.ts';
export { formatCounters, type CounterSnapshot } from './counters.ts';
export { SupabaseClosedError, SupabaseConfigError, SupabaseHttpError, SupabaseNetworkError, SupabaseUnavailableError } from './errors.ts';
export { Secret } from './secret.ts';
