import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

/**
 * The Chromium the browser tests drive through playwright-core: `CHROMIUM_PATH` when set (only it),
 * else Debian's `chromium` package (installed by .ci/run). playwright-core never downloads a browser.
 */
const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM: string | undefined = candidates.find((p) => existsSync(p));

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to
 * reach its services. Playwright gives each launch a fresh temporary profile (--user-data-dir).
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Where browser tests save screenshots (git-ignored; docs/report.png is a copy of one). */
export function screenshotPath(name: string): string {
  const dir = join(ROOT, 'test/report/__screenshots__');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
