import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A run folder's manifest.json as read from disk, untrusted: missing, not JSON or not a manifest
 * (no `status`) each say so, and the readers decide what that means for them (inspect refuses the
 * folder, a resumed run does not overwrite it).
 */
export type ManifestFile =
  | { readonly state: 'missing'; readonly file: string }
  | { readonly state: 'broken'; readonly file: string; readonly reason: string }
  | { readonly state: 'read'; readonly file: string; readonly manifest: Readonly<Record<string, unknown>> & { readonly status: string } };

/** Reads `<dir>/manifest.json`; never throws for what the file holds. */
export function readManifestFile(dir: string): ManifestFile {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return { state: 'missing', file };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { state: 'broken', file, reason: `not valid JSON (${(err as Error).message})` };
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as { status?: unknown }).status !== 'string') {
    return { state: 'broken', file, reason: 'not a run manifest (it has no status)' };
  }
  return { state: 'read', file, manifest: parsed as Readonly<Record<string, unknown>> & { status: string } };
}

/** The run's status from its manifest, or undefined when there is no readable manifest. */
export function manifestStatus(dir: string): string | undefined {
  const m = readManifestFile(dir);
  return m.state === 'read' ? m.manifest.status : undefined;
}
