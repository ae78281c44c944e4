// Browser test of the query and config editors: serves harness/dist (built
// by `vite build --config harness/vite.config.ts`) on 127.0.0.1, drives
// Debian's chromium through playwright-core and checks what the editors
// emit. Exits non-zero on the first failed check; a screenshot of the last
// state goes to test-results/.
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, 'dist');
const results = resolve(here, '..', 'test-results');
const executablePath = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;

if (!existsSync(join(root, 'index.html'))) {
  console.error(`browser test: ${root}/index.html missing; run vite build --config harness/vite.config.ts`);
  process.exit(2);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
  const file = join(root, path);
  if (!file.startsWith(root) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

const profile = mkdtempSync(join(tmpdir(), 'talus-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  timeout: 30_000,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(STEP_TIMEOUT);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
// Grafana's global styles reference its own /public assets (fonts), which
// only Grafana serves; every other missing resource is an error.
page.on('response', (r) => {
  if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/public/')) {
    pageErrors.push(`${r.status()} ${r.url()}`);
  }
});
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
    pageErrors.push(m.text());
  }
});

let failed = false;
const started = Date.now();
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${e?.message ?? e}`);
  }
}
function expectEqual(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) {
    throw new Error(`${what}: got ${g}, want ${w}`);
  }
}
const json = async (testId) => JSON.parse(await page.getByTestId(testId).textContent());
// waitFor polls the page until pred holds (bounded by STEP_TIMEOUT).
async function waitFor(testId, pred, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  let last;
  while (Date.now() < deadline) {
    last = await json(testId);
    if (pred(last)) {
      return last;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`${what}: last value ${JSON.stringify(last)}`);
}

try {
  await page.goto(url);
  await page.waitForFunction(() => window.harnessReady === true);
  await page.getByTestId('talus-query-editor').waitFor();

  await check('query type switch emits queryType and runs the query', async () => {
    await page.getByRole('radio', { name: 'Top errors' }).click();
    await waitFor('query-json', (q) => q.queryType === 'topErrors' && q.limit === 20, 'queryType after click');
    await waitFor('runs', (n) => n >= 1, 'runs after type switch');
    await page.getByRole('radio', { name: 'Error trend' }).click();
    await page.getByLabel('Group by').waitFor();
    await page.getByRole('radio', { name: 'Logs', exact: true }).click();
    await waitFor('query-json', (q) => q.queryType === 'logs', 'back to logs');
  });

  await check('selector input edits the query and runs on blur', async () => {
    const runsBefore = await json('runs');
    const input = page.getByTestId('talus-query-input');
    await input.fill('{k8s.job.name="etl-nightly"} |= "timeout"');
    await input.blur();
    await waitFor('query-json', (q) => q.query === '{k8s.job.name="etl-nightly"} |= "timeout"', 'query text');
    await waitFor('runs', (n) => n > runsBefore, 'runs after blur');
  });

  await check('attribute browser adds a matcher from the autocompletion lists', async () => {
    await page.getByLabel('Attribute name').click();
    await page.getByRole('option', { name: 'service.name' }).click();
    await page.getByLabel('Attribute value').click();
    await page.getByRole('option', { name: 'payments' }).click();
    await waitFor(
      'query-json',
      (q) => q.query === '{k8s.job.name="etl-nightly", service.name="payments"} |= "timeout"',
      'query with matcher'
    );
  });

  await check('line limit accepts a number', async () => {
    await page.getByTestId('talus-limit').fill('250');
    await waitFor('query-json', (q) => q.limit === 250, 'limit');
  });

  await check('config editor writes url, jsonData.instance and secureJsonData.token', async () => {
    await page.getByTestId('talus-config-url').fill('http://127.0.0.1:7070');
    await page.getByTestId('talus-config-instance').fill('team-a');
    await page.getByTestId('talus-config-token').fill('s3cret');
    const o = await waitFor('options-json', (o) => o.secureJsonData?.token === 's3cret', 'options');
    expectEqual(o, { url: 'http://127.0.0.1:7070', jsonData: { instance: 'team-a' }, secureJsonData: { token: 's3cret' } }, 'options');
    expectEqual(await page.getByTestId('talus-config-token').getAttribute('type'), 'password', 'token input type');
  });

  await check('no page errors', async () => {
    expectEqual(pageErrors, [], 'page errors');
  });
} finally {
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: join(results, 'editors.png'), fullPage: true }).catch(() => {});
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`browser test ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
