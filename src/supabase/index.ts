export { SupabaseRest, type RestTuning } from './client.ts';
export { loadSupabaseSettings } from './config.ts';
export { SupabaseClosedError, SupabaseHttpError, SupabaseUnavailableError } from './errors.ts';
