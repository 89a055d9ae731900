// End to end: the real host (embedded mode, a demonstration clock), the family outage simulated through the
// gRPC API by `outage simulate`, and the status page in headless Chromium (Debian's chromium, driven by
// playwright-core). The page must follow the outage live, without a reload: facebook disrupted on the
// overview, the service page's chart and explanation, the incident page with a statement and its
// acknowledgement lag, then recovery. With OUTAGE_SCREENSHOTS=dir it saves the three views there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const root = path.resolve(import.meta.dirname, '../..');
const hostDll = path.join(root, 'services/Outage.Host/bin/Release/net10.0/Outage.Host.dll');
const cliDll = path.join(root, 'tools/Outage.Cli/bin/Release/net10.0/outage.dll');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.OUTAGE_SCREENSHOTS ? path.resolve(root, process.env.OUTAGE_SCREENSHOTS) : null;

// 240 simulated minutes per real minute: the 7-hour outage plays in under two minutes.
const SPEED = 240;
// Two hours of normal traffic first: every series' baseline is learnt (a series younger than 30 minutes is judged on volume only).
const WARM_UP_MINUTES = 120;
// A fifth of the scenario's volume: worldwide facebook then gets about 100 reports a minute before the outage. (A
// series younger than 30 minutes leaves NORMAL on volume alone, from 300 reports a minute: a new series that busy is
// taken for an outage, which the full volume would show during the warm-up.)
const SCALE = 0.2;
const realSeconds = simulatedMinutes => simulatedMinutes * 60 / SPEED;

const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'outage-e2e-'));
const children = [];
let browser;
let ports;
let hostProcess;
// A real SMTP server (smtp-server, in this process) for the page's "notify me" form: every message it receives.
const mails = [];
let smtp;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

function start(name, args, env) {
  const out = fs.openSync(path.join(logs, `${name}.log`), 'w');
  const child = spawn('dotnet', args, { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}

async function until(what, condition, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (logs in ${logs})`);
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

async function accessibilityViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id}: ${v.help} (${v.nodes.length})`);
}

async function shoot(page, name) {
  if (screenshots) {
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  }
}

const row = (page, service) => page.locator(`#services tr[data-service="${service}"]`);

before(async () => {
  for (const [dll, project] of [[hostDll, 'services/Outage.Host'], [cliDll, 'tools/Outage.Cli']]) {
    if (!fs.existsSync(dll)) {
      const build = spawnSync('dotnet', ['build', path.join(root, project), '-c', 'Release', '--nologo', '-v', 'q'], { stdio: 'inherit' });
      assert.equal(build.status, 0, `dotnet build ${project} failed`);
    }
  }

  ports = { grpc: await freePort(), http: await freePort(), silo: await freePort(), gateway: await freePort(), smtp: await freePort() };
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) { simpleParser(stream).then(mail => { mails.push(mail); callback(); }, callback); },
  });
  await new Promise(resolve => smtp.listen(ports.smtp, '127.0.0.1', resolve));
  hostProcess = start('host', [hostDll], {
    Kestrel__Endpoints__Grpc__Url: `http://127.0.0.1:${ports.grpc}`,
    Kestrel__Endpoints__Http__Url: `http://127.0.0.1:${ports.http}`,
    Orleans__SiloPort: String(ports.silo),
    Orleans__GatewayPort: String(ports.gateway),
    Orleans__ClusterId: `e2e-${process.pid}`,
    Outage__Clock__Speed: String(SPEED),
    // A fresh first-start admin key for this run (the host prints it once; only its hash is kept here).
    Outage__Auth__AdminKeyFile: path.join(logs, 'admin-key.sha256'),
    // Heartbeats every 2 s on a quiet stream (15 s by default): the page takes 3 missed ones for a dead stream.
    Outage__Watch__HeartbeatInterval: '00:00:02',
    Outage__Notifications__Smtp__Host: '127.0.0.1',
    Outage__Notifications__Smtp__Port: String(ports.smtp),
    Outage__Notifications__Smtp__UseStartTls: 'false',
    Outage__Notifications__PublicBaseUrl: `http://127.0.0.1:${ports.http}`,
  });
  await until('the host to be ready', async () => (await fetch(`http://127.0.0.1:${ports.http}/healthz/ready`)).ok, 90_000);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  smtp?.close();
  for (const child of children) child.kill('SIGKILL');
});

test('the status page follows the family outage live, from the overview to the incident, then recovery', async t => {
  const base = `http://127.0.0.1:${ports.http}/`;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('requestfailed', r => { if (!r.url().includes('status:watch')) errors.push(`${r.url()}: ${r.failure()?.errorText}`); });

  await t.test('the overview loads fast, live, accessible, every service normal', async () => {
    await page.goto(base);
    await page.locator('#services').waitFor();
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
    t.diagnostic(`first contentful paint ${paint.toFixed(0)} ms`);
    assert.ok(paint > 0, 'the page painted');
    await until('the live indicator', async () => (await page.locator('#live').getAttribute('data-state')) === 'live', 10_000);
    assert.equal(await row(page, 'facebook').getAttribute('data-level'), 'NORMAL');
    assert.equal(await page.locator('#services tbody tr').count(), 14);
    assert.deepEqual(await accessibilityViolations(page), []);
    // Marks this document: a reload would lose the mark.
    await page.evaluate(() => { window.loadedOnce = true; });
  });

  const simulation = start('simulate', [cliDll, 'simulate', '--scenario', 'family-outage', '--server', `http://127.0.0.1:${ports.grpc}`,
    '--speed', String(SPEED), '--warm-up-minutes', String(WARM_UP_MINUTES), '--scale', String(SCALE)]);
  const simulationStarted = Date.now();
  const exited = new Promise(resolve => simulation.on('exit', code => resolve(code)));

  await t.test('facebook shows as disrupted on the overview within the detection window, without a reload', async () => {
    await until('facebook disrupted on the overview', async () =>
      ['DISRUPTED', 'OUTAGE'].includes(await row(page, 'facebook').getAttribute('data-level', { timeout: 1000 })), realSeconds(WARM_UP_MINUTES) * 1000 + 60_000);
    const afterOnset = (Date.now() - simulationStarted) / 1000 - realSeconds(WARM_UP_MINUTES);
    // Not a false alarm during the normal traffic before the outage (the simulator starts within a second or two).
    assert.ok(afterOnset > -2, `facebook was shown disrupted ${-afterOnset.toFixed(1)} s before the simulated onset`);
    t.diagnostic(`facebook disrupted on the page ${afterOnset.toFixed(1)} s after the simulated onset (${(afterOnset * SPEED / 60).toFixed(1)} simulated minutes)`);
    assert.equal(await page.evaluate(() => window.loadedOnce), true, 'the page was not reloaded');
    assert.match(await page.locator('#summary').innerText(), /Facebook/);
    // The family's incidents, grouped under their owner, once the incident log has them.
    await until('the meta incident', async () => (await page.locator('#incidents section[aria-label="Incidents of meta"] article').count()) > 0, 30_000);
  });

  // The owner speaks through the same API's JSON route (AdminService.PostStatement), once facebook has an open incident.
  await until('an open facebook incident', async () =>
    (await (await fetch(`${base}v1/incidents?serviceId=facebook&openOnly=true`)).json()).incidents.length > 0, 30_000);
  const statement = 'We are aware that some people are having trouble accessing our apps and products.';
  // No key is configured, so the host made an admin key at first start and printed it in its log: the owner uses it.
  const adminKey = fs.readFileSync(path.join(logs, 'host.log'), 'utf8').match(/outage_admin_[A-Za-z0-9_-]{43}/)?.[0];
  assert.ok(adminKey, 'the host printed its first-start admin key');
  const refused = await fetch(`${base}v1/services/facebook/statements`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Not the owner.' }),
  });
  assert.equal(refused.status, 401, 'a statement without the key is refused');
  const posted = await fetch(`${base}v1/services/facebook/statements`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ text: statement }),
  });
  assert.equal(posted.status, 200, await posted.clone().text());
  await until('the statement on the overview', async () => (await page.locator('#incidents').innerText()).includes(statement), 20_000);

  await t.test('the map shows the disrupted countries in their level\'s colour, reachable by keyboard', async () => {
    // The family outage's countries (US, GB, DE, ...) turn up on the map as the feed says so, without a reload.
    await until('the US on the map in a disrupted colour', async () =>
      ['DISRUPTED', 'OUTAGE'].includes(await page.locator('#map a.country[data-country="US"]').getAttribute('data-level', { timeout: 1000 })), 30_000);
    const us = page.locator('#map a.country[data-country="US"]');
    const level = await us.getAttribute('data-level');
    const expected = await page.evaluate(l => getComputedStyle(document.documentElement).getPropertyValue(l === 'OUTAGE' ? '--outage' : '--disrupted').trim(), level);
    const fill = await us.locator('path').first().evaluate(p => getComputedStyle(p).fill);
    const hex = `#${fill.match(/\d+/g).slice(0, 3).map(n => Number(n).toString(16).padStart(2, '0')).join('')}`;
    assert.equal(hex, expected, `the US is drawn in the ${level} colour`);
    assert.equal(await page.locator('#map g.country[data-country="NZ"]').count(), 1, 'a country without problems is drawn but not a link');
    assert.equal(await page.evaluate(() => window.loadedOnce), true, 'the page was not reloaded');
    assert.ok(await page.locator('#map-table tbody tr').count() >= 3, 'the map\'s figures as a table');
    assert.deepEqual(await accessibilityViolations(page), []);

    // Keyboard, in a second tab (this one's focus is for the next test): Tab moves through the countries with
    // problems, each one's figures its link's accessible name and, while it has the focus, the line under the map.
    const keyboard = await browser.newPage();
    await keyboard.goto(base);
    await keyboard.locator('#map a.country').first().waitFor();
    await keyboard.locator('#report-service').focus();
    let reached = null;
    for (let i = 0; i < 40 && !reached; i++) {
      await keyboard.keyboard.press('Tab');
      reached = await keyboard.evaluate(() => document.activeElement?.closest?.('#map a.country')?.dataset.country ?? null);
    }
    assert.ok(reached, 'Tab reaches a country on the map');
    // Both read in one go: the figures move with the live feed between two separate reads.
    const [label, detail] = await keyboard.evaluate(c => [document.querySelector(`#map a.country[data-country="${c}"]`).getAttribute('aria-label'), document.querySelector('#map-detail').innerText], reached);
    assert.match(label, /: (Possible problems|Problems|Outage) \(\w+\), [\d,]+ reports in 15 minutes where/);
    assert.equal(detail, label);
    await keyboard.close();
  });
  await shoot(page, 'overview');

  let incidentHref;
  await t.test('the service page shows the chart and the explanation in plain words', async () => {
    // A country leaves NORMAL first; the worldwide series follows once the roll-ups have shown the surge there too.
    await until('facebook disrupted worldwide', async () =>
      ['DISRUPTED', 'OUTAGE'].includes(await row(page, 'facebook').getAttribute('data-world-level', { timeout: 1000 })), 60_000);
    // By keyboard: the first Tab reaches the skip link; a focused link opens the view, which takes the focus.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
    await row(page, 'facebook').locator('a').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#chart').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'the new view has the focus');
    assert.match(await page.locator('#explanation').innerText(), /^[\d,]+ reports? in the last 15 minutes where (about [\d,]+ are|fewer than 1 is) usual/);
    assert.ok(await page.locator('#chart polyline.reports').count() === 1);
    assert.ok(await page.locator('#chart rect[class^="band-"]').count() > 0, 'the chart shows the disruption as a coloured band');
    assert.ok(await page.locator('#categories li').count() > 0, 'top problem categories');
    assert.ok(await page.locator('#regions tbody tr').count() > 0, 'regions ranked');
    // 90 daily bars, today's in the outage's colour, each with its tooltip; the summary says it in words.
    assert.equal(await page.locator('#history rect.day').count(), 90);
    assert.match(await page.locator('#history rect.day').last().getAttribute('data-level'), /^(DISRUPTED|OUTAGE)$/);
    assert.match(await page.locator('#history rect.day').last().locator('title').textContent(), /: (problems|outage) for \d+/);
    assert.match(await page.locator('#history-summary').innerText(), /^[12] of the last 90 days had problems/);
    assert.ok(await page.locator('#map a.country').count() > 0, 'the service\'s countries on its map');
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot(page, 'service');
    incidentHref = await page.locator('a[href^="#/incidents/"]').first().getAttribute('href');
  });

  await t.test('the incident page shows the timeline, the statement and the acknowledgement lag', async () => {
    await page.locator(`a[href="${incidentHref}"]`).first().click();
    await page.locator('#timeline').waitFor();
    const timeline = await page.locator('#timeline').innerText();
    assert.match(timeline, /Detected/);
    assert.match(timeline, /Peak/);
    assert.ok(timeline.includes(statement), 'the statement is on the timeline');
    assert.match(await page.locator('#lag').innerText(), /Acknowledgement lag: \d+/);
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot(page, 'incident');
  });

  await t.test('the overview shows the recovery as it happens', async () => {
    await page.locator('a.brand').click();
    await page.locator('#services').waitFor();
    const outageEnds = realSeconds(WARM_UP_MINUTES + 8 * 60) * 1000 - (Date.now() - simulationStarted);
    await until('facebook back to normal', async () => (await row(page, 'facebook').getAttribute('data-level', { timeout: 1000 })) === 'NORMAL',
      outageEnds + 120_000, 500);
    t.diagnostic(`facebook back to normal on the page ${((Date.now() - simulationStarted) / 1000).toFixed(0)} s after the simulation started`);
    assert.equal(await page.evaluate(() => window.loadedOnce), true, 'the page was not reloaded');
    assert.equal(await page.locator('#live').getAttribute('data-state'), 'live');
    await until('no country left disrupted on the map', async () =>
      (await page.locator('#map a.country[data-level="OUTAGE"], #map a.country[data-level="DISRUPTED"]').count()) === 0, 60_000, 500);
  });

  assert.equal(await exited, 0, 'the simulation sent every report and none was rejected');
  assert.deepEqual(errors, []);
});

// Runs last, once the simulation has ended: a host with history whose counts move only by this test's own reports (in
// New Zealand, where the scenario sends none). Run first, its stray reports made worldwide series that were no longer
// young when the scenario's warm-up began (0 reports a minute learnt for 40 simulated minutes, then 100): a false alarm.
test('a person reports a problem from the page: counted once, refused from another origin and past the quota', async t => {
  const base = `http://127.0.0.1:${ports.http}/`;
  const observed = async (service, region) =>
    Number((await (await fetch(`${base}v1/services/${service}/status?region=${region}`)).json()).status.explanation?.observed ?? 0);
  // The browser says en-NZ: with no edge header and no country database, the page presets New Zealand.
  const context = await browser.newContext({ locale: 'en-NZ', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));

  await t.test('pressing "Login" counts one report, and the page says so', async () => {
    await page.goto(`${base}#/services/steam`);
    await page.locator('#report').waitFor();
    assert.equal(await page.locator('#report-region').inputValue(), 'NZ');
    assert.equal(await page.locator('#report-heading').innerText(), 'I have a problem with Steam');
    assert.deepEqual(await page.locator('#report .choices button').allInnerTexts(), ['Login', 'Store', 'Downloads', 'Game servers', 'Something else']);
    const before = await observed('steam', 'NZ');
    await page.getByRole('button', { name: 'Login', exact: true }).click();
    await until('the page to say it was counted', async () => (await page.locator('#report-result').getAttribute('data-outcome')) === 'counted', 10_000);
    assert.match(await page.locator('#report-result').innerText(), /Counted: your report of a login problem in New Zealand/);
    await until('the count to rise by one', async () => await observed('steam', 'NZ') === before + 1, 10_000);
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot(page, 'report-counted');

    // Again from the same device: already counted, and the count stays.
    await page.getByRole('button', { name: 'Store', exact: true }).click();
    await until('the page to say it was already counted', async () => (await page.locator('#report-result').getAttribute('data-outcome')) === 'already', 10_000);
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.equal(await observed('steam', 'NZ'), before + 1);

    // A reload remembers it for this device.
    await page.reload();
    await until('the remembered report', async () => /You reported a login problem at/.test(await page.locator('#report-result').innerText()), 10_000);
  });

  await t.test('"notify me" signs up an address, which gets the confirmation e-mail and nothing else', async () => {
    await page.goto(`${base}#/services/steam`);
    await page.locator('#notify-form').waitFor();
    assert.equal(await page.locator('#notify-where').inputValue(), 'NZ');
    await page.locator('#notify-email').fill('gamer@example.org');
    await page.getByRole('button', { name: 'Notify me' }).click();
    await until('the page to ask for the confirmation', async () => (await page.locator('#notify-result').getAttribute('data-outcome')) === 'counted', 10_000);
    assert.match(await page.locator('#notify-result').innerText(), /we sent a link to gamer@example\.org/);
    await until('the confirmation e-mail', async () => mails.some(m => m.to?.value[0]?.address === 'gamer@example.org'), 15_000);
    const mail = mails.find(m => m.to.value[0].address === 'gamer@example.org');
    assert.match(mail.text, new RegExp(`http://127\\.0\\.0\\.1:${ports.http}/notifications/confirm\\?`));
    assert.equal(mails.filter(m => m.to?.value[0]?.address === 'gamer@example.org').length, 1, 'nothing but the confirmation');
    assert.deepEqual(await accessibilityViolations(page), []);
  });

  await t.test('a page of another origin cannot post a report', async () => {
    // localhost and 127.0.0.1 are different origins to the browser.
    const other = await context.newPage();
    await other.goto(`http://localhost:${ports.http}/healthz`);
    const before = await observed('steam', 'FR');
    const outcome = await other.evaluate(async target => {
      const body = JSON.stringify({ serviceId: 'steam', category: 'login', region: 'FR' });
      // JSON needs a CORS preflight, which the host does not grant: the browser refuses to send it.
      const json = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(() => 'sent', e => e.name);
      // A "simple" request is sent without a preflight (as a form could): the host refuses it by its Origin.
      await fetch(target, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body });
      return json;
    }, `${base}web/reports`);
    assert.equal(outcome, 'TypeError');
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.equal(await observed('steam', 'FR'), before);
    await other.close();
  });

  await t.test('a burst past the device quota gets 429 with Retry-After, and nothing beyond the quota is counted', async () => {
    const fresh = await browser.newContext({ locale: 'en-NZ' });
    const burst = await fresh.newPage();
    await burst.goto(`${base}#/`);
    await burst.locator('#report').waitFor();
    const services = ['facebook', 'instagram', 'whatsapp', 'messenger', 'threads', 'x', 'telegram', 'youtube', 'gmail', 'discord'];
    const before = await Promise.all(services.map(s => observed(s, 'NZ')));
    const answers = await burst.evaluate(async list => {
      const catalog = (await (await fetch('v1/services')).json()).services;
      return Promise.all(list.map(async serviceId => {
        const category = catalog.find(s => s.serviceId === serviceId).categories[0];
        const r = await fetch('web/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceId, category, region: 'NZ' }) });
        return { status: r.status, retryAfter: r.headers.get('retry-after') };
      }));
    }, services);
    t.diagnostic(`burst answers: ${answers.map(a => a.status).join(' ')}`);
    assert.equal(answers.filter(a => a.status === 200).length, 6);
    const refused = answers.filter(a => a.status === 429);
    assert.equal(refused.length, 4);
    assert.ok(refused.every(a => Number(a.retryAfter) >= 1 && Number(a.retryAfter) <= 60), 'every 429 says when to retry');
    await new Promise(resolve => setTimeout(resolve, 500));
    const after = await Promise.all(services.map(s => observed(s, 'NZ')));
    assert.equal(after.reduce((sum, a, i) => sum + a - before[i], 0), 6);
    await fresh.close();
  });

  await t.test('a stream that goes silent shows "Reconnecting…", and the page is live again when the server is back', async () => {
    // SIGSTOP freezes the host with its connections open: nothing closes the stream, it just stops talking.
    await page.goto(`${base}#/`);
    await until('live', async () => (await page.locator('#live').getAttribute('data-state')) === 'live', 10_000);
    await new Promise(resolve => setTimeout(resolve, 2500)); // the snapshot's end (with the interval) has arrived
    const stopped = Date.now();
    process.kill(hostProcess.pid, 'SIGSTOP');
    try {
      await until('the page to notice the silence', async () => (await page.locator('#live').getAttribute('data-state')) === 'reconnecting', 20_000, 100);
      const noticed = (Date.now() - stopped) / 1000;
      t.diagnostic(`silence noticed after ${noticed.toFixed(1)} s (3 heartbeats of 2 s)`);
      assert.ok(noticed >= 3 && noticed <= 12, `noticed after ${noticed} s`);
    } finally {
      process.kill(hostProcess.pid, 'SIGCONT');
    }
    await until('live again', async () => (await page.locator('#live').getAttribute('data-state')) === 'live', 30_000, 200);
    await until('the host to answer again', async () => (await fetch(`${base}healthz/ready`)).ok, 30_000);
  });

  assert.deepEqual(errors, []);
  await context.close();
});
