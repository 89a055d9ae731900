// Outage status page: three views (overview, service, incident) over the outage.v1 API's JSON routes (the
// gRPC services themselves, transcoded), kept live by the WatchStatus stream. No framework, no build step.

const LEVEL_RANK = { NORMAL: 0, ELEVATED: 1, DISRUPTED: 2, OUTAGE: 3 };
const LEVEL_WORDS = { NORMAL: 'No problems', ELEVATED: 'Possible problems', DISRUPTED: 'Problems', OUTAGE: 'Outage' };
const REFRESH_MS = 15000; // figures move every minute even when no level changes
const numbers = new Intl.NumberFormat('en-US');
const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

// ---- HTML with escaping -------------------------------------------------------------------------------
class Html { constructor(text) { this.text = text; } toString() { return this.text; } }
const escape = value => value instanceof Html ? value.text
  : Array.isArray(value) ? value.map(escape).join('')
  : String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const html = (strings, ...values) => new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? escape(values[i]) : ''), ''));

// ---- Formatting ---------------------------------------------------------------------------------------
const level = value => (value || 'DISRUPTION_LEVEL_NORMAL').replace('DISRUPTION_LEVEL_', '').replace('UNSPECIFIED', 'NORMAL');
const seconds = duration => duration ? parseFloat(duration) : 0; // proto3 JSON Duration: "900s"
const count = n => numbers.format(Math.round(Number(n) || 0));
const time = ts => ts ? new Date(ts).toISOString().slice(11, 16) + ' UTC' : '';
const dateTime = ts => ts ? new Date(ts).toLocaleString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) + ' UTC' : '';
const regionName = code => !code ? 'Worldwide' : code.includes('-') || !regionNames ? code : `${regionNames.of(code) ?? code} (${code})`;
const minutes = s => {
  const m = Math.round(s / 60);
  return m < 60 ? `${m} minute${m === 1 ? '' : 's'}` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
};
const badge = (lvl, recovering) => html`<span class="badge level-${lvl}">${LEVEL_WORDS[lvl]}</span>${recovering ? html`<span class="recovering">recovering</span>` : ''}`;
const usual = expected => expected < 1 ? 'fewer than 1 is' : `about ${count(expected)} are`;
const ratio = e => e.expected > 0 && e.observed > e.expected ? ` (${e.ratio >= 10 ? count(e.ratio) : e.ratio.toFixed(1)}x)` : '';

/** The verdict in plain words: "1,240 reports in the last 15 minutes where about 35 are usual (35x), from 1,180 devices, since 15:42 UTC." */
function explain(status) {
  const e = status.explanation ?? {};
  const lvl = level(status.level);
  const window = minutes(seconds(e.window) || 900);
  const parts = [`${count(e.observed)} report${Math.round(e.observed) === 1 ? '' : 's'} in the last ${window} where ${usual(e.expected)} usual${ratio(e)}`];
  if (e.distinctReporters) parts.push(`from ${count(e.distinctReporters)} device${e.distinctReporters === 1 ? '' : 's'}`);
  if (lvl !== 'NORMAL' && e.sinceTime) parts.push(`since ${time(e.sinceTime)}`);
  let text = parts.join(', ') + '.';
  if (lvl === 'NORMAL') text += ' No sign of a problem.';
  else if (e.recovering) text += ' Reports are falling back: recovering.';
  return text;
}

// ---- API ----------------------------------------------------------------------------------------------
async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `${response.status} ${response.statusText}`);
  return body;
}
const incidentPath = id => id.split('/').map(encodeURIComponent).join('/');

// ---- Live: the WatchStatus stream, newline-delimited JSON messages ------------------------------------
const live = { sequence: 0, timer: 0, last: 0 };
const MIN_REFRESH_MS = 2000; // during an outage changes come many a second: one refresh every two seconds at most

function setLive(state, label) {
  const el = document.getElementById('live');
  el.dataset.state = state;
  el.querySelector('.label').textContent = label;
}

// A stream that says nothing for this many heartbeat intervals is taken for dead (the server sends a heartbeat every
// interval on a quiet stream, and says how long the interval is with the end of the snapshot): a connection can hang
// without closing, and "Live" must not stay up on a dead one.
const SILENT_HEARTBEATS = 3;

async function watch() {
  let delay = 1000;
  let heartbeatMs = 15000; // until the server says
  for (;;) {
    const abort = new AbortController();
    let watchdog = 0;
    const heard = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(), heartbeatMs * SILENT_HEARTBEATS);
    };
    try {
      heard();
      const response = await fetch(`v1/status:watch?afterSequence=${live.sequence}`, { headers: { accept: 'application/json' }, signal: abort.signal });
      if (!response.ok) throw new Error(`${response.status}`);
      setLive('live', 'Live');
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        heard();
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, end).trim();
          buffer = buffer.slice(end + 1);
          if (!line) continue;
          const message = JSON.parse(line);
          if (message.heartbeatInterval) { heartbeatMs = Math.max(1000, seconds(message.heartbeatInterval) * 1000); heard(); }
          onChange(message);
        }
      }
    } catch { /* reconnect below */ }
    clearTimeout(watchdog);
    abort.abort();
    setLive('reconnecting', 'Reconnecting…');
    await new Promise(resolve => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function onChange(message) {
  live.sequence = Math.max(live.sequence, Number(message.sequence) || 0);
  // The end of the snapshot and the heartbeats carry no status: the stream is alive and nothing changed.
  if (!message.status) { setLive('live', 'Live'); return; }
  // Several changes arrive together: one refresh for them all, a quarter of a second after the first, and
  // not within two seconds of the previous one (every open page is a reader of the API).
  if (live.timer) return;
  live.timer = setTimeout(() => {
    live.timer = 0;
    live.last = Date.now();
    render(false);
  }, Math.max(250, live.last + MIN_REFRESH_MS - Date.now()));
}

// ---- Report a problem (the page's own endpoints: /web/reporter, /web/reports) -------------------------
// The panel is re-rendered with its view every few seconds: what it shows lives here, not in the DOM.
const DEDUPE_MS = 15 * 60 * 1000; // the intake counts one report per device and service in 15 minutes
const reporter = { region: '', source: 'choice', countries: [], chosen: localStorage.getItem('outage-region') || '', service: '', message: null, busy: false, email: false };
const signup = { serviceId: '', message: null, email: '' };
const reported = () => { try { return JSON.parse(localStorage.getItem('outage-reported') || '{}'); } catch { return {}; } };
const words = category => category === 'other' ? 'Something else' : category.replace(/[-_]/g, ' ').replace(/^./, c => c.toUpperCase());
const problem = category => category === 'other' ? 'a problem' : `a ${words(category).toLowerCase()} problem`;

async function loadReporter() {
  try {
    const r = await api('web/reporter');
    Object.assign(reporter, { region: r.region, source: r.source, countries: r.countries ?? [], email: !!r.emailNotifications, unavailable: false });
    // Preset the person's choice from the browser's language ("en-NZ" is NZ) until they pick one.
    if (!reporter.chosen) reporter.chosen = (navigator.language.split('-')[1] || '').toUpperCase();
    if (!reporter.countries.includes(reporter.chosen)) reporter.chosen = '';
  } catch {
    // Reports from the page are not open here (anonymous intake switched off, or the server is unreachable): no panel.
    reporter.unavailable = true;
  }
}

/** "I have a problem with Facebook": the service's categories as buttons, the country when nothing placed the person, the answer. */
function reportHtml(services, serviceId, choosable) {
  if (reporter.unavailable) return '';
  const service = services.find(s => s.serviceId === serviceId) ?? services[0];
  const mine = reported()[service.serviceId];
  const recent = mine && Date.now() - mine.at < DEDUPE_MS;
  const message = reporter.message?.serviceId === service.serviceId ? reporter.message : recent
    ? { kind: 'counted', text: `You reported ${problem(mine.category)} at ${time(new Date(mine.at).toISOString())}: it was counted. Thank you.` } : null;
  const place = reporter.region ? regionName(reporter.region) : '';
  return html`
    <section class="report" id="report" aria-labelledby="report-heading" data-service="${service.serviceId}">
      <h2 id="report-heading">I have a problem with ${choosable ? html`<label class="visually-hidden" for="report-service">Service</label>
        <select id="report-service" data-key="report-service">${services.map(s => html`<option value="${s.serviceId}"${s.serviceId === service.serviceId ? html` selected` : ''}>${s.displayName}</option>`)}</select>` : service.displayName}</h2>
      ${reporter.source === 'choice' ? html`<p><label for="report-region">Your country</label>
        <select id="report-region" data-key="report-region"><option value="">Choose…</option>${reporter.countries.map(c => html`<option value="${c}"${c === reporter.chosen ? html` selected` : ''}>${regionNames?.of(c) ?? c}</option>`)}</select></p>`
        : html`<p class="muted">Counted in ${place}.</p>`}
      <p id="report-question">What is not working?</p>
      <div class="choices" role="group" aria-labelledby="report-question">${service.categories.map(c => html`
        <button type="button" data-key="report-${c}" data-category="${c}"${reporter.busy ? html` disabled` : ''}>${words(c)}</button>`)}</div>
      <p class="hp" aria-hidden="true"><label>Leave this empty <input id="report-website" name="website" tabindex="-1" autocomplete="off"></label></p>
      <p id="report-result" class="report-result${message ? ' ' + message.kind : ''}" role="status" aria-live="polite" data-outcome="${message?.kind ?? ''}">${message?.text ?? ''}</p>
    </section>`;
}

async function sendReport(serviceId, category) {
  const region = reporter.region || reporter.chosen;
  if (!region) {
    reporter.message = { serviceId, kind: 'error', text: 'Choose your country first.' };
    return;
  }
  reporter.busy = true;
  try {
    const response = await fetch('web/reports', {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ serviceId, category, region, website: document.getElementById('report-website')?.value ?? '' }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok && body.outcome === 'ACCEPTED') {
      localStorage.setItem('outage-reported', JSON.stringify({ ...reported(), [serviceId]: { at: Date.now(), category } }));
      reporter.message = { serviceId, kind: 'counted', text: `Counted: your report of ${problem(category)} in ${regionName(body.region)} is in the figures. Thank you.` };
    } else if (response.ok) {
      reporter.message = { serviceId, kind: 'already', text: 'Already counted: this device reported a problem with this service in the last 15 minutes.' };
    } else if (response.status === 429) {
      reporter.message = { serviceId, kind: 'error', text: `Too many reports from this device or network: try again in ${response.headers.get('retry-after') ?? 60} s.` };
    } else {
      const fields = body.errors ? Object.values(body.errors).flat().join('; ') : '';
      reporter.message = { serviceId, kind: 'error', text: `Not sent: ${fields || body.detail || body.title || response.statusText}.` };
    }
  } catch (error) {
    reporter.message = { serviceId, kind: 'error', text: `Not sent: ${error.message}. Check your connection and try again.` };
  } finally {
    reporter.busy = false;
  }
}

document.addEventListener('click', async event => {
  const button = event.target.closest('#report button[data-category]');
  if (!button) return;
  await sendReport(button.closest('#report').dataset.service, button.dataset.category);
  render(false);
});
document.addEventListener('change', event => {
  if (event.target.id === 'report-service') { reporter.service = event.target.value; render(false); }
  if (event.target.id === 'report-region') { reporter.chosen = event.target.value; localStorage.setItem('outage-region', reporter.chosen); }
});

/** "Tell me by e-mail": shown when the server sends e-mail; double opt-in, so the answer asks to confirm. */
function notifyHtml(service) {
  if (!reporter.email) return '';
  const country = reporter.region || reporter.chosen;
  const message = signup.serviceId === service.serviceId ? signup.message : null;
  return html`
    <section class="notify" id="notify" aria-labelledby="notify-heading">
      <h2 id="notify-heading">Tell me by e-mail when ${service.displayName} has problems</h2>
      <form id="notify-form" data-service="${service.serviceId}" novalidate>
        <p><label for="notify-email">Your e-mail address</label><br><input type="email" id="notify-email" name="email" autocomplete="email" required data-key="notify-email" value="${signup.email}"></p>
        <p><label for="notify-where">Where</label><br><select id="notify-where" data-key="notify-where"><option value="">Anywhere in the world (worldwide figures)</option>${country ? html`<option value="${country}" selected>${regionName(country)}</option>` : ''}</select></p>
        <p class="hp" aria-hidden="true"><label>Leave this empty <input id="notify-website" name="website" tabindex="-1" autocomplete="off"></label></p>
        <p><button type="submit" class="more" data-key="notify-submit">Notify me</button></p>
        <p id="notify-result" class="report-result${message ? ' ' + message.kind : ''}" role="status" aria-live="polite" data-outcome="${message?.kind ?? ''}">${message?.text ?? ''}</p>
      </form>
    </section>`;
}

document.addEventListener('submit', async event => {
  const form = event.target.closest('#notify-form');
  if (!form) return;
  event.preventDefault();
  const serviceId = form.dataset.service;
  try {
    const response = await fetch('web/subscriptions', {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: form.email.value, serviceId, region: form.querySelector('#notify-where').value, website: form.website.value }),
    });
    const body = await response.json().catch(() => ({}));
    signup.serviceId = serviceId;
    signup.email = response.ok ? '' : form.email.value; // kept to correct it
    signup.message = response.ok
      ? { kind: 'counted', text: `Almost done: we sent a link to ${form.email.value}. Nothing more is sent until you open it and confirm.` }
      : response.status === 429 ? { kind: 'error', text: `Too many requests from this device or network: try again in ${response.headers.get('retry-after') ?? 60} s.` }
      : { kind: 'error', text: `Not signed up: ${body.errors ? Object.values(body.errors).flat().join('; ') : body.detail || body.title || response.statusText}.` };
  } catch (error) {
    signup.message = { kind: 'error', text: `Not signed up: ${error.message}.` };
  }
  render(false);
});

/** The badge and the feeds of a service, with the snippets to embed them. */
function embedHtml(id, name) {
  const origin = `${location.origin}${location.pathname.replace(/[^/]*$/, '')}`;
  const badgeUrl = `${origin}badges/services/${encodeURIComponent(id)}.svg`;
  return html`
    <details class="embed" id="embed"><summary>Embed a badge, follow a feed</summary>
      <p><img src="badges/services/${encodeURIComponent(id)}.svg" alt="${name} status badge"></p>
      <p><label for="badge-snippet">Badge (HTML)</label><br><input id="badge-snippet" class="snippet" readonly value="${`<img src="${badgeUrl}" alt="${name} status">`}"></p>
      <p>Shields.io endpoint: <code>${origin}badges/services/${encodeURIComponent(id)}.json</code></p>
      <p>Atom feeds: <a href="feeds/services/${encodeURIComponent(id)}.atom">${name}</a> · <a href="feeds/incidents.atom">every service</a></p>
    </details>`;
}

// ---- World map (country shapes vendored by tools/world-map into world-map.json) ------------------------
let worldShapes = null;
const loadWorld = () => (worldShapes ??= api('world-map.json').catch(error => { worldShapes = null; throw error; }));

/**
 * The countries of <paramref name="disruptions"/> (subdivisions count for their country), the worst series of each:
 * { code: { level, observed, expected, withheld, serviceId } }.
 */
function byCountry(disruptions) {
  const countries = {};
  for (const d of disruptions.filter(d => d.region)) {
    const code = d.region.slice(0, 2);
    const lvl = level(d.level);
    const current = countries[code];
    if (!current || LEVEL_RANK[lvl] > LEVEL_RANK[current.level] || (lvl === current.level && d.explanation.observed > current.observed)) {
      // Figures from too few reporters are withheld by the API (the privacy rule): the level stays, the counts are 0.
      countries[code] = { level: lvl, observed: d.explanation.observed, expected: d.explanation.expected,
        withheld: !d.explanation.observed && !d.explanation.distinctReporters, serviceId: d.serviceId };
    }
  }
  return countries;
}

const countryWords = (name, c, names) => !c ? `${name}: no problems reported`
  : `${name}: ${LEVEL_WORDS[c.level]}${names ? ` (${names.get(c.serviceId) ?? c.serviceId})` : ''}, `
    + (c.withheld ? 'figures not shown (too few reporters)' : `${count(c.observed)} reports in 15 minutes where ${usual(c.expected)} usual`);

/**
 * A world map, each country in its level's colour. Countries with problems are links (keyboard-reachable, with their
 * figures as the accessible name and on hover/focus in the line under the map) to the service in that region; the same
 * figures follow as a table. <paramref name="names"/> (overview only) names the worst service of each country.
 */
async function mapHtml(countries, what, href, names) {
  const world = await loadWorld().catch(() => null);
  if (!world) return html`<p class="muted">The map could not be loaded.</p>`;
  const listed = Object.entries(countries).sort((a, b) => LEVEL_RANK[b[1].level] - LEVEL_RANK[a[1].level] || b[1].observed - a[1].observed);
  const shape = c => html`<path d="${c.d}"${c.scale ? html` transform="scale(${world.scale / c.scale})"` : ''}></path>`;
  return html`
    <figure class="map-wrap">
      <svg class="map" id="map" viewBox="${world.viewBox}" role="group" aria-labelledby="map-title">
        <title id="map-title">World map of ${what}: ${listed.length ? `${listed.length} countr${listed.length === 1 ? 'y' : 'ies'} with problems` : 'no country with problems'}</title>
        ${world.countries.map(c => {
          const info = countries[c.id];
          if (!info) return html`<g class="country level-none" data-country="${c.id}" aria-hidden="true">${shape(c)}</g>`;
          const label = countryWords(regionName(c.id), info, names);
          return html`<a class="country level-${info.level}" data-country="${c.id}" data-level="${info.level}" href="${href(c.id, info)}" aria-label="${label}" data-detail="${label}"><title>${label}</title>${shape(c)}</a>`;
        })}
      </svg>
      <figcaption>
        <p id="map-detail" class="map-detail" aria-hidden="true">${listed.length ? 'Point at or tab to a country for its figures.' : ''}</p>
        <ul class="legend">
          <li><span class="key map-key level-ELEVATED"></span>Possible problems</li>
          <li><span class="key map-key level-DISRUPTED"></span>Problems</li>
          <li><span class="key map-key level-OUTAGE"></span>Outage</li>
        </ul>
        ${listed.length ? html`<details><summary>The map's data as a table</summary>
          <table id="map-table"><thead><tr><th scope="col">Country</th><th scope="col">Status</th>${names ? html`<th scope="col">Worst service</th>` : ''}<th scope="col" class="num">Reports, 15 min</th><th scope="col" class="num">Usual</th></tr></thead>
          <tbody>${listed.map(([code, c]) => html`<tr><th scope="row"><a href="${href(code, c)}">${regionName(code)}</a></th><td>${LEVEL_WORDS[c.level]}</td>${names ? html`<td>${names.get(c.serviceId) ?? c.serviceId}</td>` : ''}<td class="num">${c.withheld ? 'not shown' : count(c.observed)}</td><td class="num">${c.withheld ? 'not shown' : count(c.expected)}</td></tr>`)}</tbody></table>
        </details>` : ''}
        <p class="attribution muted">${world.attribution}</p>
      </figcaption>
    </figure>`;
}

// The line under the map follows the pointer and the keyboard focus.
for (const type of ['mouseover', 'focusin']) {
  document.addEventListener(type, event => {
    const country = event.target.closest?.('#map a.country');
    const detail = document.getElementById('map-detail');
    if (country && detail) detail.textContent = country.dataset.detail;
  });
}

// ---- Views --------------------------------------------------------------------------------------------
async function overviewView() {
  const [catalog, disruptions, incidents] = await Promise.all([
    api('v1/services'), api('v1/disruptions'), api('v1/incidents?openOnly=true&pageSize=100')]);
  const names = new Map(catalog.services.map(s => [s.serviceId, s.displayName]));
  const rows = catalog.services.map(service => {
    const mine = disruptions.disruptions.filter(d => d.serviceId === service.serviceId);
    const world = mine.find(d => !d.region);
    const regions = mine.filter(d => d.region).sort((a, b) => LEVEL_RANK[level(b.level)] - LEVEL_RANK[level(a.level)] || b.explanation.observed - a.explanation.observed);
    // The row shows the worst series: worldwide if it is disrupted, else the worst region (a regional outage is diluted worldwide).
    const worst = [world, ...regions].filter(Boolean).sort((a, b) => LEVEL_RANK[level(b.level)] - LEVEL_RANK[level(a.level)])[0];
    const lvl = level(worst?.level);
    return { service, world, regions, worst, lvl, order: [LEVEL_RANK[lvl], LEVEL_RANK[level(world?.level)], worst?.explanation.observed ?? 0] };
  }).sort((a, b) => b.order[0] - a.order[0] || b.order[1] - a.order[1] || b.order[2] - a.order[2] || a.service.displayName.localeCompare(b.service.displayName));

  const troubled = rows.filter(r => r.lvl !== 'NORMAL' || r.regions.length);
  const summary = troubled.length === 0 ? 'All services are working normally.'
    : `${troubled.length} of ${rows.length} services have problems: ${troubled.map(r => r.service.displayName).join(', ')}.`;

  const owners = Map.groupBy ? Map.groupBy(incidents.incidents, i => i.owner)
    : incidents.incidents.reduce((m, i) => m.set(i.owner, [...(m.get(i.owner) ?? []), i]), new Map());

  return {
    title: 'Is it down? Live status',
    body: html`
      <h1>Is it down?</h1>
      <p class="summary" id="summary">${summary}</p>
      ${reportHtml(catalog.services, reporter.service || rows[0].service.serviceId, true)}
      <h2 id="map-heading">Where it hurts</h2>
      ${await mapHtml(byCountry(disruptions.disruptions), 'every service', (code, c) => `#/services/${encodeURIComponent(c.serviceId)}/${encodeURIComponent(code)}`, names)}
      <h2 id="services-heading">Services, worst first</h2>
      <table aria-labelledby="services-heading" id="services">
        <thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Worldwide</th><th scope="col">Regions with problems</th><th scope="col" class="num">Reports, last 15 min</th><th scope="col" class="num">Usual</th><th scope="col">Since</th></tr></thead>
        <tbody>${rows.map(r => html`
          <tr class="row-${r.lvl}" data-service="${r.service.serviceId}" data-level="${r.lvl}" data-world-level="${level(r.world?.level)}" data-recovering="${!!r.worst?.explanation.recovering}">
            <th scope="row"><a href="#/services/${encodeURIComponent(r.service.serviceId)}">${r.service.displayName}</a> <span class="muted">${r.service.owner}</span></th>
            <td>${badge(r.lvl, r.worst?.explanation.recovering)}</td>
            <td>${LEVEL_WORDS[level(r.world?.level)]}</td>
            <td>${r.regions.length ? html`${r.regions.slice(0, 4).map((d, i) => html`${i ? ', ' : ''}<a href="#/services/${encodeURIComponent(r.service.serviceId)}/${encodeURIComponent(d.region)}" title="${LEVEL_WORDS[level(d.level)]}">${d.region}</a>`)}${r.regions.length > 4 ? ` and ${r.regions.length - 4} more` : ''}` : html`<span class="muted">none</span>`}</td>
            <td class="num">${r.worst ? html`${count(r.worst.explanation.observed)}${r.worst.region ? html` <span class="muted">(${r.worst.region})</span>` : ''}` : '–'}</td>
            <td class="num">${r.worst ? count(r.worst.explanation.expected) : '–'}</td>
            <td>${r.worst?.explanation.sinceTime ? time(r.worst.explanation.sinceTime) : ''}</td>
          </tr>`)}
        </tbody>
      </table>
      <h2 id="incidents-heading">Open incidents</h2>
      <div id="incidents">${owners.size === 0 ? html`<p class="muted">None.</p>` : [...owners].map(([owner, list]) => html`
        <section class="owner" aria-label="Incidents of ${owner}">
          <h3>${owner}</h3>
          ${list.map(i => html`
            <article class="incident" data-incident="${i.incidentId}">
              <p>${badge(level(i.peakLevel), !!i.recoveringTime)} <a href="#/incidents/${encodeURIComponent(i.incidentId)}"><strong>${i.serviceIds.map(s => names.get(s) ?? s).join(', ')}</strong></a>
                in ${i.regions.map(regionName).join(', ')}, detected ${dateTime(i.detectedTime)}${i.memberIncidentIds.length ? ` (${i.memberIncidentIds.length} series)` : ''}.
                ${i.acknowledgementLag ? `Acknowledged by ${i.owner} ${minutes(seconds(i.acknowledgementLag))} after detection.` : `No word from ${i.owner} yet.`}</p>
              ${statementsHtml(i.statements.slice(0, 2))}
            </article>`)}
        </section>`)}
      </div>`,
  };
}

/** Official statements; <paramref name="withLag"/> adds the service's acknowledgement lag to the one that has it. */
function statementsHtml(statements, withLag = false) {
  return statements.map(s => html`
    <blockquote class="statement">
      <p>${s.text}</p>
      <p class="meta">Official statement${s.author ? ` by ${s.author}` : ''}, ${dateTime(s.postedTime)}${withLag && s.acknowledgementLag ? `, the first ${minutes(seconds(s.acknowledgementLag))} after the crowd's reports showed the problem` : ''}</p>
    </blockquote>`);
}

async function serviceView(id, region) {
  const query = region ? `?region=${encodeURIComponent(region)}` : '';
  const [catalog, status, timeline, disruptions, incidents, history] = await Promise.all([
    api('v1/services'),
    api(`v1/services/${encodeURIComponent(id)}/status${query}`),
    api(`v1/services/${encodeURIComponent(id)}/timeline${query ? query + '&' : '?'}bucketWidth=900s&window=86400s`),
    api(`v1/disruptions?serviceId=${encodeURIComponent(id)}`),
    api(`v1/incidents?serviceId=${encodeURIComponent(id)}&pageSize=10`),
    api(`v1/services/${encodeURIComponent(id)}/history${query}`)]);
  const service = catalog.services.find(s => s.serviceId === id) ?? { displayName: id, owner: '' };
  const st = status.status;
  const lvl = level(st.level);
  const e = st.explanation;
  const regions = disruptions.disruptions.filter(d => d.region && (!region || d.region.startsWith(region)))
    .sort((a, b) => b.explanation.observed - a.explanation.observed);
  const place = regionName(region);

  return {
    title: `${service.displayName}${region ? ' in ' + region : ''}: ${LEVEL_WORDS[lvl]}`,
    body: html`
      <p class="crumbs"><a href="#/">Overview</a> › ${region ? html`<a href="#/services/${encodeURIComponent(id)}">${service.displayName}</a> › ${region}` : service.displayName}</p>
      <h1>${service.displayName} <span class="muted">${place}</span> ${badge(lvl, e.recovering)}</h1>
      <p class="explanation" id="explanation" data-level="${lvl}">${explain(st)}</p>
      ${catalog.services.some(s => s.serviceId === id) ? reportHtml(catalog.services, id, false) : ''}
      ${st.official ? html`<p class="official" id="official" data-status="${st.official.status}">Official status page: <strong>${st.official.status.replaceAll('_', ' ')}</strong> <span class="muted">(${st.official.source}, checked ${time(st.official.checkedTime)})</span></p>` : ''}
      ${st.statements.length ? html`<h2>Official statements</h2>${statementsHtml(st.statements, true)}` : ''}
      <h2 id="chart-heading">Reports over the last 24 hours</h2>
      ${chartHtml(timeline.buckets, `${service.displayName}, ${place}`)}
      <h2 id="map-heading">Where: ${service.displayName} by country</h2>
      ${await mapHtml(byCountry(disruptions.disruptions), service.displayName, code => `#/services/${encodeURIComponent(id)}/${encodeURIComponent(code)}`)}
      <div class="columns">
        <section aria-labelledby="categories-heading">
          <h2 id="categories-heading">What is broken</h2>
          ${e.topCategories.length ? categoriesHtml(e.topCategories, 'categories') : html`<p class="muted">No recent reports.</p>`}
        </section>
        <section aria-labelledby="regions-heading">
          <h2 id="regions-heading">${region ? 'Within ' + region : 'Where'}: regions with problems</h2>
          ${regions.length ? html`<table id="regions"><thead><tr><th scope="col">Region</th><th scope="col">Status</th><th scope="col" class="num">Reports, 15 min</th><th scope="col" class="num">Usual</th></tr></thead><tbody>
            ${regions.map(d => html`<tr class="row-${level(d.level)}"><th scope="row"><a href="#/services/${encodeURIComponent(id)}/${encodeURIComponent(d.region)}">${regionName(d.region)}</a></th><td>${badge(level(d.level), d.explanation.recovering)}</td><td class="num">${count(d.explanation.observed)}</td><td class="num">${count(d.explanation.expected)}</td></tr>`)}
          </tbody></table>` : html`<p class="muted">No region has problems.</p>`}
        </section>
      </div>
      <h2 id="history-heading">The last ${history.days.length} days</h2>
      ${historyHtml(history.days, `${service.displayName}, ${place}`)}
      <h2 id="incidents-heading">Incidents</h2>
      ${incidentsHtml(id, incidents)}
      ${catalog.services.some(s => s.serviceId === id) ? notifyHtml(service) : ''}
      ${embedHtml(id, service.displayName)}`,
    feed: `feeds/services/${encodeURIComponent(id)}.atom`,
  };
}

/** "3 h 10 min at outage, 20 min at problems" for a day of history. */
function dayWords(d) {
  const parts = [['minutesOutage', 'OUTAGE'], ['minutesDisrupted', 'DISRUPTED'], ['minutesElevated', 'ELEVATED']]
    .filter(([key]) => d[key] > 0).map(([key, lvl]) => `${LEVEL_WORDS[lvl].toLowerCase()} for ${minutes(d[key] * 60)}`);
  const reports = d.reportsWithheld ? 'reports not shown (too few reporters)' : `${count(d.reports ?? 0)} report${Number(d.reports) === 1 ? '' : 's'}`;
  const incidents = d.incidents ? `, ${d.incidents} incident${d.incidents === 1 ? '' : 's'}` : '';
  return `${parts.length ? parts.join(', ') : 'no problems'}; ${reports}${incidents}`;
}
const dayName = ts => new Date(ts).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

/** One bar per day, coloured by the day's worst level, with a tooltip each, a summary and the days with problems as a table. */
function historyHtml(days, what) {
  const W = 900, H = 48, gap = 2, bar = (W - gap * (days.length - 1)) / Math.max(days.length, 1);
  const troubled = days.filter(d => level(d.worstLevel) !== 'NORMAL');
  const desc = troubled.length === 0 ? `No problems in the last ${days.length} days.`
    : `${troubled.length} of the last ${days.length} days had problems: ${troubled.slice(-5).reverse().map(d => `${dayName(d.dayStartTime)} (${LEVEL_WORDS[level(d.worstLevel)]})`).join(', ')}${troubled.length > 5 ? ' and earlier' : ''}.`;
  return html`
    <figure class="history-wrap">
      <svg class="history" id="history" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-labelledby="history-title history-desc">
        <title id="history-title">Daily status over the last ${days.length} days, ${what}</title>
        <desc id="history-desc">${desc}</desc>
        ${days.map((d, i) => html`<rect class="day level-${level(d.worstLevel)}" data-day="${d.dayStartTime.slice(0, 10)}" data-level="${level(d.worstLevel)}" x="${(i * (bar + gap)).toFixed(1)}" y="0" width="${bar.toFixed(1)}" height="${H}" rx="1"><title>${dayName(d.dayStartTime)}: ${dayWords(d)}</title></rect>`)}
      </svg>
      <figcaption>
        <p class="history-axis muted"><span>${days.length ? dayName(days[0].dayStartTime) : ''}</span><span>Today</span></p>
        <p id="history-summary">${desc}</p>
        ${troubled.length ? html`<details><summary>The days with problems as a table</summary>
          <table id="history-table"><thead><tr><th scope="col">Day</th><th scope="col">Worst</th><th scope="col">Time at each level</th><th scope="col" class="num">Reports</th><th scope="col" class="num">Incidents</th></tr></thead>
          <tbody>${troubled.slice().reverse().map(d => html`<tr><th scope="row">${dayName(d.dayStartTime)}</th><td>${LEVEL_WORDS[level(d.worstLevel)]}</td><td>${dayWords(d).split(';')[0]}</td><td class="num">${d.reportsWithheld ? 'not shown' : count(d.reports ?? 0)}</td><td class="num">${d.incidents ?? 0}</td></tr>`)}</tbody></table>
        </details>` : ''}
      </figcaption>
    </figure>`;
}

// Older incidents of the service page, fetched a page at a time (the first page comes with the view).
const olderIncidents = { serviceId: '', items: [], token: null };

function incidentsHtml(id, first) {
  if (olderIncidents.serviceId !== id) Object.assign(olderIncidents, { serviceId: id, items: [], token: null });
  const list = [...first.incidents, ...olderIncidents.items];
  const next = olderIncidents.token ?? first.nextPageToken;
  const item = i => html`<li><a href="#/incidents/${encodeURIComponent(i.incidentId)}">${dateTime(i.detectedTime)}</a>: ${LEVEL_WORDS[level(i.peakLevel)]} in ${i.regions.map(regionName).join(', ')}${i.closedTime ? `, resolved ${dateTime(i.closedTime)}` : ', open'}</li>`;
  return list.length === 0 ? html`<p class="muted">No incident recorded.</p>`
    : html`<ul id="incident-list">${list.map(item)}</ul>${next ? html`<p><button type="button" class="more" id="older-incidents" data-key="older-incidents" data-token="${next}">Older incidents</button></p>` : ''}`;
}

document.addEventListener('click', async event => {
  const button = event.target.closest('#older-incidents');
  if (!button) return;
  button.disabled = true;
  const page = await api(`v1/incidents?serviceId=${encodeURIComponent(olderIncidents.serviceId)}&pageSize=10&pageToken=${encodeURIComponent(button.dataset.token)}`);
  olderIncidents.items.push(...page.incidents);
  olderIncidents.token = page.nextPageToken ?? '';
  render(false);
});

/** Problem categories with their shares of the reports, as labelled bars. */
function categoriesHtml(categories, id) {
  return html`<ul class="bars" id="${id}">${categories.map(c => html`
    <li><span>${c.category}</span><span class="track" aria-hidden="true"><span class="fill" style="display:block;width:${Math.round(c.share * 100)}%"></span></span><span class="num">${Math.round(c.share * 100)}%</span></li>`)}</ul>`;
}

/** A 24-hour chart: reports (line) against the expected level (dashed) and its usual range, over coloured level bands. */
function chartHtml(buckets, what) {
  const W = 960, H = 280, left = 48, right = 12, top = 12, bottom = 28;
  const n = Math.max(buckets.length, 1);
  const spread = e => 2 * Math.sqrt(e); // Poisson-like band: a guide for the eye, not the detector's threshold
  const maxY = Math.max(1, ...buckets.map(b => Number(b.reports)), ...buckets.map(b => b.expected + spread(b.expected))) * 1.1;
  const x = i => left + (i / Math.max(n - 1, 1)) * (W - left - right);
  const y = v => top + (1 - v / maxY) * (H - top - bottom);
  const step = (W - left - right) / n;
  const bands = buckets.map((b, i) => ({ b, i, lvl: level(b.level) })).filter(p => p.lvl !== 'NORMAL')
    .map(p => html`<rect class="band-${p.lvl}" x="${(x(p.i) - step / 2).toFixed(1)}" y="${top}" width="${step.toFixed(1)}" height="${H - top - bottom}"></rect>`);
  const upper = buckets.map((b, i) => `${x(i).toFixed(1)},${y(b.expected + spread(b.expected)).toFixed(1)}`);
  const lower = buckets.map((b, i) => `${x(i).toFixed(1)},${y(Math.max(0, b.expected - spread(b.expected))).toFixed(1)}`).reverse();
  const line = key => buckets.map((b, i) => `${x(i).toFixed(1)},${y(Number(b[key])).toFixed(1)}`).join(' ');
  const ticks = buckets.map((b, i) => ({ b, i })).filter(p => p.i % 16 === 0)
    .map(p => html`<text class="tick" x="${x(p.i).toFixed(1)}" y="${H - 8}" text-anchor="middle">${time(p.b.startTime).replace(' UTC', '')}</text>`);
  const peak = buckets.reduce((best, b) => Number(b.reports) > Number(best?.reports ?? -1) ? b : best, null);
  const typical = buckets.length ? buckets.reduce((s, b) => s + b.expected, 0) / buckets.length : 0;
  const desc = peak ? `Reports per 15 minutes for ${what}: at most ${count(peak.reports)}, at ${time(peak.startTime)}; about ${count(typical)} are usual.` : 'No data.';
  return html`
    <figure class="chart-wrap">
      <svg class="chart" id="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Reports over the last 24 hours, ${what}</title>
        <desc id="chart-desc">${desc}</desc>
        ${bands}
        <polygon class="usual" points="${upper.concat(lower).join(' ')}"></polygon>
        <polyline class="expected" points="${line('expected')}"></polyline>
        <polyline class="reports" points="${line('reports')}"></polyline>
        <line class="axis" x1="${left}" x2="${W - right}" y1="${y(0)}" y2="${y(0)}"></line>
        <text class="tick" x="${left - 6}" y="${y(0) + 4}" text-anchor="end">0</text>
        <text class="tick" x="${left - 6}" y="${top + 10}" text-anchor="end">${count(maxY)}</text>
        ${ticks}
      </svg>
      <figcaption>
        <ul class="legend">
          <li><span class="key" style="background:var(--reports)"></span>Reports per 15 minutes</li>
          <li><span class="key" style="border-top:2px dashed var(--muted)"></span>Usual level</li>
          <li><span class="key" style="background:#8c959f;opacity:.4"></span>Usual range</li>
          <li><span class="key" style="background:var(--disrupted-bg)"></span>Problems</li>
          <li><span class="key" style="background:var(--outage-bg)"></span>Outage</li>
        </ul>
        <details><summary>The chart's data as a table</summary>
          <table><thead><tr><th scope="col">From</th><th scope="col" class="num">Reports</th><th scope="col" class="num">Usual</th><th scope="col">Status</th></tr></thead>
          <tbody>${buckets.map(b => html`<tr><td>${time(b.startTime)}</td><td class="num">${count(b.reports)}</td><td class="num">${count(b.expected)}</td><td>${LEVEL_WORDS[level(b.level)]}</td></tr>`)}</tbody></table>
        </details>
      </figcaption>
    </figure>`;
}

async function incidentView(id) {
  const [catalog, found] = await Promise.all([api('v1/services'), api(`v1/incidents/${incidentPath(id)}`)]);
  const names = new Map(catalog.services.map(s => [s.serviceId, s.displayName]));
  const i = found.incident;
  const services = i.serviceIds.map(s => names.get(s) ?? s).join(', ');
  const state = i.closedTime ? 'Resolved' : i.recoveringTime ? 'Recovering' : 'Ongoing';
  const events = [
    { at: i.onsetTime, kind: 'onset', text: 'Reports started rising (estimated).' },
    { at: i.detectedTime, kind: 'detected', text: 'Detected: reports crossed the usual level by more than chance allows.' },
    i.peakTime && { at: i.peakTime, kind: 'peak', text: `Peak: ${count(i.peakReports)} reports in 15 minutes (${LEVEL_WORDS[level(i.peakLevel)]}).` },
    ...i.statements.map(s => ({ at: s.postedTime, kind: 'statement', text: html`Official statement${s.author ? ` by ${s.author}` : ''}: “${s.text}”` })),
    i.recoveringTime && { at: i.recoveringTime, kind: 'recovering', text: 'Recovering: reports falling back.' },
    i.closedTime && { at: i.closedTime, kind: 'resolved', text: 'Resolved: reports back to the usual level.' },
  ].filter(Boolean).sort((a, b) => new Date(a.at) - new Date(b.at));
  const lag = i.acknowledgementLag
    ? html`<p class="lag" id="lag"><strong>Acknowledgement lag: ${minutes(seconds(i.acknowledgementLag))}.</strong> The first official statement came ${minutes(seconds(i.acknowledgementLag))} after the crowd's reports detected the problem.</p>`
    : html`<p class="lag" id="lag">No official statement on this incident${i.closedTime ? '' : ' yet'}.</p>`;

  return {
    title: `Incident: ${services} (${state})`,
    body: html`
      <p class="crumbs"><a href="#/">Overview</a> › Incident</p>
      <h1>${services} <span class="muted">${i.owner}</span> ${badge(level(i.peakLevel))}</h1>
      <p class="summary">${state}. ${LEVEL_WORDS[level(i.peakLevel)]} in ${i.regions.map(regionName).join(', ')}, detected ${dateTime(i.detectedTime)}.</p>
      ${lag}
      <h2 id="timeline-heading">Timeline</h2>
      <ol class="timeline" id="timeline" aria-labelledby="timeline-heading">${events.map(ev => html`<li class="kind-${ev.kind}"><time datetime="${ev.at}">${dateTime(ev.at)}</time>${ev.text}</li>`)}</ol>
      ${i.topCategories.length ? html`<h2>What was broken</h2>${categoriesHtml(i.topCategories, 'incident-categories')}` : ''}
      ${found.members.length ? html`<h2 id="members-heading">Series hit</h2>
        <table aria-labelledby="members-heading"><thead><tr><th scope="col">Service</th><th scope="col">Region</th><th scope="col">Peak</th><th scope="col">Detected</th><th scope="col">Resolved</th></tr></thead><tbody>
        ${found.members.map(m => html`<tr><th scope="row"><a href="#/services/${encodeURIComponent(m.serviceIds[0])}${m.regions[0] ? '/' + encodeURIComponent(m.regions[0]) : ''}">${names.get(m.serviceIds[0]) ?? m.serviceIds[0]}</a></th><td>${regionName(m.regions[0])}</td><td>${badge(level(m.peakLevel), !!m.recoveringTime && !m.closedTime)}</td><td>${dateTime(m.detectedTime)}</td><td>${m.closedTime ? dateTime(m.closedTime) : 'open'}</td></tr>`)}
        </tbody></table>` : ''}`,
  };
}

// ---- Router -------------------------------------------------------------------------------------------
function currentRoute() {
  const hash = location.hash || '#/';
  let m;
  if ((m = hash.match(/^#\/services\/([^/]+)(?:\/([^/]+))?$/))) return () => serviceView(decodeURIComponent(m[1]), m[2] ? decodeURIComponent(m[2]) : '');
  if ((m = hash.match(/^#\/incidents\/(.+)$/))) return () => incidentView(decodeURIComponent(m[1]));
  return overviewView;
}

let rendering = Promise.resolve();

/** Renders the current view; on navigation moves focus to the new content, on a live refresh keeps it. */
function render(navigated) {
  rendering = rendering.then(async () => {
    const main = document.getElementById('main');
    // A live refresh would wipe what someone is typing: it waits until they leave the form.
    if (!navigated && document.getElementById('notify')?.contains(document.activeElement) && document.activeElement.tagName !== 'BUTTON') return;
    const active = main.contains(document.activeElement) ? document.activeElement : null;
    const focused = active ? (active.getAttribute('href') ? `[href="${CSS.escape(active.getAttribute('href'))}"]` : active.dataset.key ? `[data-key="${CSS.escape(active.dataset.key)}"]` : null) : null;
    try {
      const view = await currentRoute()();
      main.innerHTML = view.body.text;
      document.title = `${view.title} · Outage`;
      serviceFeedLink(view.feed);
    } catch (error) {
      main.innerHTML = html`<p class="notice error" role="alert">Could not load this view: ${error.message}</p><p><a href="#/">Back to the overview</a></p>`.text;
    }
    main.setAttribute('aria-busy', 'false');
    main.dataset.updated = new Date().toISOString();
    if (navigated) main.focus({ preventScroll: false });
    else if (focused) main.querySelector(focused)?.focus();
  });
  return rendering;
}

/** The service page's own feed in the head, for feed readers that look for one; the page-wide feed is in index.html. */
function serviceFeedLink(href) {
  let link = document.getElementById('service-feed');
  if (!href) { link?.remove(); return; }
  if (!link) {
    link = Object.assign(document.createElement('link'), { id: 'service-feed', rel: 'alternate', type: 'application/atom+xml' });
    document.head.append(link);
  }
  link.href = href;
  link.title = `${document.title}: incidents and statements`;
}

window.addEventListener('hashchange', () => { window.scrollTo(0, 0); render(true); });
setInterval(async () => {
  if (reporter.unavailable) await loadReporter(); // the server was unreachable when the page loaded: ask again
  if (!reporter.busy) render(false);
}, REFRESH_MS);
loadReporter().then(() => render(false));
watch();
