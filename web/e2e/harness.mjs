// The one launcher of `wrangler dev` for the JavaScript tests and benchmarks: the browser tests
// (e2e/*.test.mjs) and the browser benchmark (bench/browser.bench.mjs) start theirs here. Each
// serves the Worker (worker/build) and the playground (web/) as they are when it starts, copied
// to a temporary directory, with a configuration, a .dev.vars (random AUTH_SECRET,
// DEV_TOKENS=1) and a local KV of its own, on free loopback ports, in its own process group.
// Like the Go launcher (internal/testsupport/wrangler), it never touches a developer's
// worker/.dev.vars or worker/.wrangler, and others rebuilding worker/build or web/ meanwhile
// (every wrangler dev watches what it serves) change nothing here.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHTTPServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = fileURLToPath(new URL('..', import.meta.url));
export const root = resolve(webDir, '..');
const workerDir = join(root, 'worker');
const wrangler = join(workerDir, 'node_modules', '.bin', 'wrangler');

// Files of web/ that the page needs; everything else (node_modules, sources, tests) stays out,
// as web/.assetsignore keeps it out of what wrangler serves anyway.
const skip = new Set(['node_modules', '.wrangler', '.dev.vars', '.git']);

/** prerequisites throws a clear error when what `make test-browser` builds is missing. */
export async function prerequisites() {
  const need = [
    [join(workerDir, 'build', 'worker.mjs'), 'the Worker build (make worker)'],
    [join(workerDir, 'build', 'app.wasm'), 'the Worker build (make worker)'],
    [wrangler, 'wrangler (make worker/node_modules/.installed)'],
    [join(webDir, 'insight.wasm'), 'the WebAssembly module (make wasm)'],
    [join(webDir, 'wasm_exec.js'), 'the Go runtime glue (make wasm)'],
    [join(webDir, 'dist', 'playground.js'), 'the page bundle (npm run build in web/, or make web-bundle)'],
    [join(webDir, 'sw-version.js'), 'the service worker\'s build version (make web-sw)'],
  ];
  for (const [path, what] of need) {
    if (!existsSync(path)) {
      throw new Error(`${what} is missing: ${path}`);
    }
  }
  // The service worker's version is a hash of the files it caches: older than one of them, it
  // would name another build (and the worker would refuse to install).
  for (const file of ['index.html', 'insight.wasm', join('dist', 'playground.js'), 'boot.mjs', 'insight.mjs']) {
    if ((await stat(join(webDir, 'sw-version.js'))).mtimeMs < (await stat(join(webDir, file))).mtimeMs) {
      throw new Error(`web/sw-version.js is older than web/${file}: run make web-sw (make test-browser does)`);
    }
  }
  // The Worker sends these files from their compressed copies (worker/precompressed.mjs): a copy
  // older than its file would be an older file.
  for (const file of [join(webDir, 'insight.wasm'), join(webDir, 'dist', 'playground.js')]) {
    for (const copy of [`${file}.br`, `${file}.gz`]) {
      if (existsSync(copy) && (await stat(copy)).mtimeMs < (await stat(file)).mtimeMs) {
        throw new Error(`${copy} is older than ${file}: run make web-precompressed (make test-browser does)`);
      }
    }
  }
}

// stripJSONC removes comments and trailing commas from JSON with comments.
export function stripJSONC(src) {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        j += src[j] === '\\' ? 2 : 1;
      }
      out += src.slice(i, j + 1);
      i = j;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1'); // no string here ends in ", }" in practice
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a wrangler dev serving a snapshot of worker/build and web/.
 * @param {object} [o]
 * @param {Record<string,string>} [o.vars] .dev.vars besides AUTH_SECRET (DEV_TOKENS=1 by default)
 * @param {(assetsDir: string) => Promise<void>} [o.addAssets] adds files to the snapshot of web/
 * @param {'http'|'https'} [o.protocol] 'https' serves with wrangler's local certificate (the process
 *   must trust it: see worker/clienttest/wrangler-cert.mjs)
 * @returns {Promise<{base: string, stop: () => Promise<void>, output: () => string, assets: string}>}
 */
export async function startWrangler({ vars = { DEV_TOKENS: '1' }, addAssets, protocol = 'http' } = {}) {
  await prerequisites();
  const dir = await mkdtemp(join(tmpdir(), 'usedinsight-browser-'));
  const config = JSON.parse(stripJSONC(await readFile(join(workerDir, 'wrangler.jsonc'), 'utf8')));
  const abs = (p) => (isAbsolute(p) ? p : join(workerDir, p));
  const main = abs(config.main);
  await cp(dirname(main), join(dir, 'main'), { recursive: true });
  config.main = join(dir, 'main', main.slice(dirname(main).length + 1));
  const assets = join(dir, 'assets');
  await cp(abs(config.assets.directory), assets, {
    recursive: true,
    filter: (src) => !skip.has(src.slice(src.lastIndexOf('/') + 1)),
  });
  if (addAssets) {
    await addAssets(assets);
  }
  config.assets.directory = assets;
  delete config.dev;
  const configPath = join(dir, 'wrangler.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const secret = randomBytes(32).toString('hex');
  const devVars = { AUTH_SECRET: secret, ...vars };
  await writeFile(join(dir, '.dev.vars'), Object.entries(devVars).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''), { mode: 0o600 });
  const persist = join(dir, 'kv');
  await mkdir(persist);

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const inspector = await freePort();
    const base = `${protocol}://127.0.0.1:${port}`;
    const child = spawn(wrangler, ['dev', '--config', configPath, '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspector), '--inspector-ip', '127.0.0.1', '--local-protocol', protocol,
      '--persist-to', persist, '--show-interactive-dev-session=false'], {
      cwd: dir,
      detached: true, // its own process group, so that stopping it takes workerd too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0',
        XDG_CONFIG_HOME: join(dir, 'xdg'), WRANGLER_LOG_PATH: join(dir, 'logs'),
      },
    });
    let out = '';
    const keep = (b) => {
      out = (out + b).slice(-32768);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch { /* gone */ }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch { /* gone */ }
      }, 10000);
      await exited;
      clearTimeout(t);
      try {
        process.kill(-child.pid, 'SIGKILL'); // a workerd left behind in the group
      } catch { /* none */ }
      await rm(dir, { recursive: true, force: true });
    };
    running.add(stop);
    groups.add(child.pid);
    exited.then(() => groups.delete(child.pid));
    const w = { base, stop: async () => { running.delete(stop); await stop(); }, output: () => out, assets, dir };
    try {
      await waitReady(base, exited);
      return w;
    } catch (e) {
      lastError = new Error(`${e.message}\nwrangler output:\n${out}`);
      if (!/in use|EADDRINUSE/.test(out)) {
        await w.stop();
        throw lastError;
      }
      // another process took the port: try again (keep dir: stop only the process)
      stopped = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch { /* gone */ }
      running.delete(stop);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

// Every wrangler dev not yet stopped, stopped when the process is interrupted; if the process
// ends without stopping them (an uncaught error), their process groups are killed on exit.
const running = new Set();
const groups = new Set();
process.on('exit', () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch { /* gone */ }
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, async () => {
    await Promise.allSettled([...running].map((stop) => stop()));
    process.exit(2);
  });
}

async function waitReady(base, exited) {
  const deadline = Date.now() + 60000;
  let last = '';
  let gone = null;
  exited.then((e) => {
    gone = e;
  });
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(`wrangler dev exited before it served requests (${JSON.stringify(gone)})`);
    }
    try {
      const tok = await fetch(`${base}/dev/token`, { method: 'POST', signal: AbortSignal.timeout(5000) });
      if (tok.ok) {
        const { access_token: token } = await tok.json();
        const r = await fetch(`${base}/me/insights/used/$count`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
        const page = await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) });
        await page.arrayBuffer();
        if (r.ok && page.ok) {
          return;
        }
        last = `last answers ${r.status}, page ${page.status}`;
      } else {
        last = `last answer ${tok.status}`;
        await tok.arrayBuffer();
      }
    } catch (e) {
      last = `last error ${e.message}`;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`wrangler dev at ${base} was not ready within 60 s (${last})`);
}

/** devToken asks POST /dev/token for a token with the given claims. */
export async function devToken(base, claims) {
  const r = await fetch(`${base}/dev/token`, { method: 'POST', body: claims ? JSON.stringify(claims) : undefined, headers: claims ? { 'Content-Type': 'application/json' } : {} });
  if (!r.ok) {
    throw new Error(`POST /dev/token: ${r.status} ${await r.text()}`);
  }
  return (await r.json()).access_token;
}

const mediaTypes = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
};

/**
 * serveStatic serves the files of a directory over plain HTTP on 127.0.0.1, as any static file
 * server would (no _headers, no compression): the playground "as plain static files".
 * @param {() => string} dir the directory, asked for each request
 * @returns {Promise<{base: string, close: () => Promise<void>}>}
 */
export async function serveStatic(dir) {
  const server = createHTTPServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = join(dir(), path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir()) || path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const ext = file.slice(file.lastIndexOf('.'));
    res.writeHead(200, { 'Content-Type': mediaTypes[ext] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
