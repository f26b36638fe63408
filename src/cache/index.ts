export { CacheFileError, type CachedSeries, type EntryData, type EntryHeader } from './entry-file.ts';
export { cacheMaxBytes, cacheRoot, DEFAULT_CACHE_MAX_MB, WindowCache, type CacheListing } from './window-cache.ts';
export { WindowBlock, type BlockFields } from './window-block.ts';
export { UNIVERSE_EXTENSION, type UniverseEntry } from './universe-file.ts';
