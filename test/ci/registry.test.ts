import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * .ci/run's bootstrap takes packages from the registry npm is configured to use, naming no host:
 * .ci/registry.sh run by bash against a registry on loopback (a real HTTP server answering as the
 * npm registry does), with npm on PATH (`npm pack`) and without it (npm's configuration read as npm
 * would, the version's document, its tarball checked against its shasum).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const lib = join(root, '.ci/registry.sh');

let server: Server;
let registry: string;
let tmp: string;
let noNpmPath: string;
const packages = new Map<string, Buffer>();
const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
const nodeVersion = arch === 'arm64' ? '24.22.0' : '24.9.0';
let corrupt = false;
const requests: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-registry-'));
  // packages as npm packs them (package/…): demo-pkg, and stand-ins for Node and npm
  packages.set('demo-pkg@1.0.0', pack('demo-pkg', '1.0.0', { 'hello.txt': 'from the configured registry\n' }));
  packages.set(`node-linux-${arch}@${nodeVersion}`, pack(`node-linux-${arch}`, nodeVersion, { 'bin/node': '#!/bin/sh\necho "stand-in node $*"\n' }));
  packages.set('npm@11.21.2', pack('npm', '11.21.2', { 'bin/npm-cli.js': '', 'bin/npx-cli.js': '' }));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const doc = (name: string, version: string) => {
      const tgz = packages.get(`${name}@${version}`)!;
      return {
        name, version,
        dist: {
          tarball: `${base}/${name}/-/${name}-${version}.tgz`,
          shasum: corrupt ? '0'.repeat(40) : createHash('sha1').update(tgz).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
        },
      };
    };
    const url = req.url ?? '';
    for (const key of packages.keys()) {
      const [name, version] = key.split('@') as [string, string];
      if (url === `/${name}/${version}`) return json(res, doc(name, version));
      if (url === `/${name}`) return json(res, { name, 'dist-tags': { latest: version }, versions: { [version]: doc(name, version) } });
      if (url === `/${name}/-/${name}-${version}.tgz`) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(packages.get(key));
    }
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  // a PATH with the tools the script uses, and no npm
  noNpmPath = join(tmp, 'bin');
  mkdirSync(noNpmPath);
  for (const tool of ['bash', 'curl', 'tar', 'gzip', 'sed', 'sha1sum', 'mktemp', 'rm', 'mkdir', 'tail', 'tr', 'cut', 'uname', 'ln', 'chmod']) {
    const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(where, join(noNpmPath, tool));
  }
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

/** A package tarball: `files` under package/, with its package.json. */
function pack(name: string, version: string, files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmp, 'pack-'));
  for (const [path, text] of Object.entries({ ...files, 'package.json': JSON.stringify({ name, version }) })) {
    mkdirSync(dirname(join(dir, 'package', path)), { recursive: true });
    writeFileSync(join(dir, 'package', path), text, { mode: 0o755 });
  }
  expect(spawnSync('tar', ['czf', join(dir, 'p.tgz'), '-C', dir, 'package']).status).toBe(0);
  return readFileSync(join(dir, 'p.tgz'));
}

function json(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Runs `script` after sourcing .ci/registry.sh, in an environment built from nothing (no npm_config_*
 * of the test's own npm). Asynchronous: the registry answers from this process.
 */
function run(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const home = join(tmp, `home-${Math.random().toString(36).slice(2)}`);
  mkdirSync(home);
  const child = spawn('bash', ['-c', `. "${lib}"; ${script}`], {
    cwd: tmp,
    env: { HOME: home, NPM_CONFIG_GLOBALCONFIG: join(tmp, 'no-global-npmrc'), CI_PROJECT_DIR: join(tmp, 'project'), ...env },
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('.ci/registry.sh: packages from the registry npm is configured to use', () => {
  it('names no host: neither .ci/run nor .ci/registry.sh has a URL with one', () => {
    for (const file of ['.ci/run', '.ci/registry.sh']) {
      expect(readFileSync(join(root, file), 'utf8'), file).not.toMatch(/https?:\/\/[a-z0-9]/i);
    }
  });

  it('without npm: the registry from npm_config_registry, the version document, the tarball checked and unpacked', async () => {
    requests.length = 0;
    const dest = join(tmp, 'out-env');
    const r = await run(`ci_registry && ci_fetch_package demo-pkg 1.0.0 "${dest}"`, { PATH: noNpmPath, npm_config_registry: registry });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(registry.replace(/\/$/, ''));
    expect(readFileSync(join(dest, 'package/hello.txt'), 'utf8')).toBe('from the configured registry\n');
    expect(requests).toEqual(['/demo-pkg/1.0.0', '/demo-pkg/-/demo-pkg-1.0.0.tgz']);
  });

  it('without npm: the registry from ~/.npmrc (scoped registries are not it), and the project .npmrc before it', async () => {
    const home = join(tmp, 'home-rc');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.npmrc'), `@acme:registry=http://127.0.0.1:1/\nregistry = "${registry}"\n`);
    let r = await run(`ci_registry`, { PATH: noNpmPath, NPM_CONFIG_USERCONFIG: join(home, '.npmrc') });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(registry.replace(/\/$/, ''));
    mkdirSync(join(tmp, 'project'), { recursive: true });
    writeFileSync(join(tmp, 'project/.npmrc'), 'registry=http://127.0.0.2:4873\n');
    r = await run(`ci_registry`, { PATH: noNpmPath, NPM_CONFIG_USERCONFIG: join(home, '.npmrc') });
    expect(r.stdout.trim()).toBe('http://127.0.0.2:4873');
    rmSync(join(tmp, 'project/.npmrc'));
  });

  it('without npm and without a configured registry: one line saying so, nothing fetched', async () => {
    requests.length = 0;
    const dest = join(tmp, 'out-none');
    const r = await run(`ci_fetch_package demo-pkg 1.0.0 "${dest}"`, { PATH: noNpmPath });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("ci: no npm, and no registry in npm's configuration (set npm_config_registry, or registry= in ~/.npmrc)");
    expect(requests).toEqual([]);
    expect(existsSync(join(dest, 'package'))).toBe(false);
  });

  it('without npm: a tarball that does not match its shasum is refused and not unpacked', async () => {
    corrupt = true;
    try {
      const dest = join(tmp, 'out-corrupt');
      const r = await run(`ci_fetch_package demo-pkg 1.0.0 "${dest}"`, { PATH: noNpmPath, npm_config_registry: registry });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('ci: demo-pkg@1.0.0: the tarball does not match its shasum');
      expect(readdirSync(dest)).toEqual([]);
    } finally {
      corrupt = false;
    }
  });

  it('with npm: `npm pack` fetches it through npm\'s own configuration', async () => {
    requests.length = 0;
    const dest = join(tmp, 'out-npm');
    const npmPath = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
    const r = await run(`ci_registry && ci_fetch_package demo-pkg 1.0.0 "${dest}"`, {
      PATH: npmPath,
      npm_config_registry: registry,
      npm_config_cache: join(tmp, 'npm-cache'),
      npm_config_userconfig: join(tmp, 'no-user-npmrc'),
      npm_config_globalconfig: join(tmp, 'no-global-npmrc'),
      npm_config_update_notifier: 'false',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(registry.replace(/\/$/, ''));
    expect(readFileSync(join(dest, 'package/hello.txt'), 'utf8')).toBe('from the configured registry\n');
    expect(requests).toContain('/demo-pkg');
    expect(requests).toContain('/demo-pkg/-/demo-pkg-1.0.0.tgz');
  });

  it('ci_bootstrap_node (without npm): Node and npm from their packages, first on PATH', async () => {
    requests.length = 0;
    const r = await run('ci_bootstrap_node && node --version && npm --version', { PATH: noNpmPath, npm_config_registry: registry });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['stand-in node --version', expect.stringMatching(/^stand-in node \/.*\/npm\/package\/bin\/npm-cli\.js --version$/)]);
    expect(requests).toEqual([`/node-linux-${arch}/${nodeVersion}`, `/node-linux-${arch}/-/node-linux-${arch}-${nodeVersion}.tgz`, '/npm/11.21.2', '/npm/-/npm-11.21.2.tgz']);
  });
});
