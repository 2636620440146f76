// main.js: the HSS dashboard. A small single-page app over /api/v1: login, area tree and
// breadcrumbs, a map of boundaries with facilities by type (Apache ECharts), headline-gap cards,
// the findings table with filters and the cited sentence, the facility list and detail page,
// CSV/XLSX export, and a progress bar for anything slow. DOM is built with textContent only
// (never innerHTML with data), and no script or style is inline, so the strict CSP holds.
import * as echarts from 'echarts/core';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { t, toggleLang, idLabel, getLang, dataLang, switchLang } from './i18n.js';
import { searchBox } from './search.js';
import { renderIndicators } from './indicators.js';
import { renderAlerts } from './alerts.js';
import { careRoute, careNav } from './care.js';
import { coveragePanel, coverageFetch } from './coverage.js';
import { renderEms } from './ems.js';
import { renderPlan } from './plan.js';
import { renderRounds } from './rounds.js';

echarts.use([ScatterChart, GeoComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

// session: bumped when a user logs out or is logged out; an answer to a request sent in an earlier
// session is dropped (see api), so a page still loading for the last user never draws.
const state = { session: 0, names: {}, me: null, csrf: null, area: null, findings: null, findingsError: null, measures: [], filters: {}, findOffset: 0, facOffset: 0, facType: '' };
let chart = null;
let pending = 0;

// ---- helpers ---------------------------------------------------------------------------------
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}
const $ = (id) => document.getElementById(id);
// Stored data as it is (see dataLang): a span marked Chinese when it is Chinese.
const nm = (text) => h('span', { lang: dataLang(text) }, text ?? '');
const fmt = (v) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'number' ? v.toLocaleString() : v);

function progress(delta) {
  pending += delta;
  const p = $('progress');
  p.hidden = pending <= 0;
  $('progress-text').textContent = pending > 0 ? t('loading') : '';
}

// Ends the session in this tab: what was loading for the user is dropped when it arrives.
function endSession() {
  state.session += 1;
  state.me = null;
  state.csrf = null;
}

async function api(path, opts = {}) {
  const session = state.session;
  progress(1);
  try {
    const headers = { ...(opts.headers || {}) };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.method && opts.method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    headers['X-HSS-Lang'] = getLang(); /* API errors in the user's language */
    const res = await fetch('/api/v1' + path, {
      method: opts.method || 'GET', headers, credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const data = await res.json().catch(() => ({}));
    // an answer for a user who has since logged out: the page waiting for it never draws
    if (state.session !== session) return new Promise(() => {});
    if (res.status === 401 && path !== '/login') { endSession(); renderLogin(); throw new Error(data.error || 'login'); }
    if (!res.ok) { const e = new Error(data.error || res.statusText); e.status = res.status; throw e; }
    return data;
  } finally {
    progress(-1);
  }
}

function qs(params) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) s.set(k, v);
  const str = s.toString();
  return str ? '?' + str : '';
}

// ---- login -------------------------------------------------------------------------------------
function renderLogin(message) {
  const app = $('app');
  app.replaceChildren();
  const err = h('p', { class: 'error', id: 'login-error' }, message || '');
  const form = h('form', { class: 'login', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const me = await api('/login', { method: 'POST', body: { username: $('username').value, password: $('password').value } });
      state.me = me; state.csrf = me.csrf;
      /* a new hash routes by itself (hashchange); routing here too would load the page twice */
      const home = '#/area/' + me.scope;
      if (location.hash === home) route(); else location.hash = home;
    } catch (e) { err.textContent = t('loginFailed') + ': ' + e.message; }
  } },
    h('h1', {}, 'HSS · ' + t('title')),
    h('label', {}, t('username'), h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, t('password'), h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', id: 'login-button' }, t('login')),
    err,
    h('button', { type: 'button', class: 'link', lang: switchLang(), onclick: () => { toggleLang(); renderLogin(); } }, t('lang')));
  app.append(form);
}

// ---- layout --------------------------------------------------------------------------------------
function shell(crumbs) {
  const app = $('app');
  app.replaceChildren();
  const header = h('header', {},
    h('div', { class: 'brand' }, 'HSS · ' + t('title')),
    h('nav', { class: 'crumbs', id: 'crumbs' }, crumbs.map((c, i) => [i ? h('span', { class: 'sep' }, '›') : null,
      h('a', { href: '#/area/' + c.code, lang: dataLang(c.name) }, c.name)])),
    state.me.role === 'resident' ? null : searchBox({ h, api, qs }),
    state.me.role === 'resident' ? null : h('nav', { class: 'screens', id: 'screens' },
      h('a', { href: '#/area/' + ((state.area && state.area.area.code) || state.me.scope), id: 'nav-area' }, t('navArea')),
      h('a', { href: '#/indicators/' + ((state.area && state.area.area.code) || state.me.scope), id: 'nav-indicators' }, t('navIndicators')),
      h('a', { href: '#/alerts', id: 'nav-alerts' }, t('navAlerts')),
      h('a', { href: '#/ems', id: 'nav-ems' }, t('navEms')),
      h('a', { href: '#/plan', id: 'nav-plan' }, t('navPlan')),
      h('a', { href: '#/rounds/' + ((state.area && state.area.area.code) || state.me.scope), id: 'nav-rounds' }, t('navRounds'))),
    h('div', { class: 'user' },
      careNav(h, state.me),
      h('span', {}, h('span', { 'data-ident': '' }, state.me.user), ` (${t('role_' + state.me.role)})`),
      h('button', { class: 'link', id: 'lang', lang: switchLang(), onclick: () => { toggleLang(); route(); } }, t('lang')),
      h('button', { class: 'link', id: 'logout', onclick: async () => {
        await api('/logout', { method: 'POST', body: {} }).catch(() => {});
        endSession(); renderLogin();
      } }, t('logout'))));
  const side = h('aside', { id: 'tree' }, h('h2', {}, t('areas')));
  const main = h('main', { id: 'main' });
  app.append(header, h('div', { class: 'body' }, side, main));
  return { side, main };
}

// `early`: the answer when the caller asked for it already (the area page asks everything at once).
async function renderTree(side, current, base = '#/area/', early = null) {
  const data = await (early || api('/areas' + qs({ under: state.me.scope })));
  const byParent = {};
  for (const a of data.areas) { (byParent[a.parent_code] ||= []).push(a); state.names[a.code] = a.name; }
  const root = data.areas.find((a) => a.code === state.me.scope) || data.areas[0];
  const build = (a, depth) => h('li', {},
    h('a', { href: base + a.code, class: a.code === current ? 'current' : null, 'data-code': a.code, lang: dataLang(a.name) }, a.name),
    depth < 2 && byParent[a.code] ? h('ul', {}, byParent[a.code].map((c) => build(c, depth + 1))) : null);
  if (root) side.append(h('ul', { class: 'tree' }, build(root, 0)));
}

// ---- area page -------------------------------------------------------------------------------------
// Every request of the page starts at once, before the area's own answer (its name, breadcrumbs
// and children) arrives: none of them needs it, and waiting for it added a round trip to the
// first screen after login. Each panel is drawn as its own answer comes.
async function renderArea(code) {
  state.filters = {}; state.findOffset = 0; state.facOffset = 0; state.facType = '';
  const early = {
    area: api('/areas/' + code), tree: api('/areas' + qs({ under: state.me.scope })), map: mapData(code),
    summary: api('/summary' + qs({ under: code })), findings: loadFindings(code), facilities: api(facilitiesPath(code)),
    ...coverageFetch({ api, qs, code }),
  };
  for (const p of Object.values(early)) p.catch(() => {}); /* a refusal is shown once, by the area's answer */
  let area;
  try { area = await early.area; } catch (e) { return renderMessage(e.message); }
  state.area = area;
  const { side, main } = shell(area.path);
  const title = h('h1', {}, nm(area.area.name), area.area.generated ? h('small', {}, ' ' + t('generated')) : null);
  const cards = h('section', { class: 'cards', id: 'cards' });
  const mapBox = h('section', { class: 'panel map-panel' }, h('h2', {}, t('map')), h('div', { id: 'map', class: 'map' }));
  const summary = h('section', { class: 'panel', id: 'summary' }, h('h2', {}, t('summary')));
  const findings = h('section', { class: 'panel', id: 'findings' }, h('h2', {}, t('findings')));
  const facilities = h('section', { class: 'panel', id: 'facilities' }, h('h2', {}, t('facilities')));
  const siting = h('section', { class: 'panel', id: 'siting' });
  main.append(title, cards, h('div', { class: 'row' }, mapBox, summary), siting, findings, facilities);
  // What the planner reads first, the figures and the tables, is drawn first; the map (ECharts'
  // first drawing is the costliest step of the screen) after the browser has shown them.
  const tables = Promise.all([
    renderTree(side, code, '#/area/', early.tree).catch((e) => console.error(e)),
    renderSummary(code, summary, cards, early.summary),
    early.findings.then(() => { renderCards(cards); renderFindings(findings); }),
    renderFacilities(facilities, early.facilities),
  ]).then(() => {
    if (!main.isConnected) return;
    main.dataset.usable = '1'; /* figures and tables shown and clickable (bench/first_screen.sh) */
    performance.mark('hss-usable');
  });
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  await Promise.all([
    tables,
    tables.then(painted).then(() => renderMap(code, early.map)).then(() => coveragePanel({ code, chart, mapBox, cards, box: siting, api, h, qs, early })),
  ]).catch((e) => console.error(e));
}

const mapData = (code) => Promise.all([api('/geo/boundaries' + qs({ under: code })), api('/geo/facilities' + qs({ under: code }))]);

// A type with more facilities than this is drawn as one shape (ECharts' large mode: a city's
// 1,487 points as single symbols took most of the first screen's drawing); hover and click still
// find the point.
const LARGE_SERIES = 200;

async function renderMap(code, early) {
  const [bounds, points] = await early;
  const el = $('map');
  if (!el || state.area?.area.code !== code) return; /* another area's page replaced this one meanwhile */
  const drawStart = performance.now();
  if (chart) chart.dispose();
  chart = echarts.init(el);
  const mapName = 'area-' + code;
  echarts.registerMap(mapName, bounds);
  const byType = {};
  for (const f of points.features) {
    const p = f.properties;
    (byType[p.type] ||= { name: idLabel(p.type, p.type_zh), data: [] }).data.push({
      name: p.name, value: f.geometry.coordinates, code: p.code,
    });
  }
  const series = Object.values(byType).map((s) => ({
    type: 'scatter', coordinateSystem: 'geo', name: s.name, data: s.data, symbolSize: 7,
    emphasis: { scale: 1.6 }, large: s.data.length > LARGE_SERIES, largeThreshold: LARGE_SERIES,
  }));
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'item', formatter: (p) => p.seriesType === 'scatter' ? `${p.seriesName}<br>${escapeHtml(p.name)}` : escapeHtml(p.name) },
    legend: { type: 'scroll', orient: 'vertical', left: 0, top: 0, textStyle: { fontSize: 11 } },
    geo: { map: mapName, roam: true, label: { show: true, fontSize: 11 }, itemStyle: { areaColor: '#e8f1fb', borderColor: '#5b84b1' },
           emphasis: { itemStyle: { areaColor: '#c6dcf3' } } },
    series,
  });
  performance.measure('hss-map-draw', { start: drawStart }); /* the e2e reports it beside the first screen's time */
  chart.on('click', (p) => {
    if (p.seriesType === 'scatter' && p.data.code) location.hash = '#/facility/' + encodeURIComponent(p.data.code);
    else if (p.componentType === 'geo') {
      const f = bounds.features.find((x) => x.properties.name === p.name);
      if (f && f.properties.code !== code) location.hash = '#/area/' + f.properties.code;
    }
  });
  el.dataset.features = String(bounds.features.length);
  el.dataset.points = String(points.features.length);
  el.dataset.area = code; /* whose map this is: a reader can tell it from the page before */
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

async function renderSummary(code, box, cards, early) {
  const data = await (early || api('/summary' + qs({ under: code })));
  const cols = [['name', t('name')], ['population', t('population')], ['facilities', t('facilitiesN')],
    ['beds_approved', t('bedsApproved')], ['beds_open', t('bedsOpen')], ['staff', t('staff')], ['ambulances', t('ambulances')]];
  box.append(h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, cols.map(([, l]) => h('th', {}, l)))),
    h('tbody', {}, [...data.rows, { ...data.total, total: true }].map((r) => h('tr', { class: r.total ? 'total' : null, 'data-code': r.total ? 'total' : r.code },
      cols.map(([k]) => h('td', {}, k === 'name' && r.total ? t('total')
        : k === 'name' && r.code === code ? nm(r.name) /* what is sited at the area itself (本级) */
        : k === 'name' ? h('a', { href: '#/area/' + r.code, lang: dataLang(r.name) }, r.name) : fmt(r[k]))))))));
  /* the cards show the same total as the table's last row, and as this area's row one level up */
  const total = data.total;
  for (const [k, l] of [['population', t('population')], ['facilities', t('facilitiesN')], ['beds_open', t('bedsOpen')], ['staff', t('staff')]])
    cards.append(h('div', { class: 'card stat' }, h('div', { class: 'num' }, fmt(total[k])), h('div', { class: 'label' }, l)));
}

// The server counts the findings per rule and sends one page of rows: a city has thousands.
const FINDINGS_PAGE = 50;
async function loadFindings(code) {
  try {
    const f = state.filters;
    const data = await api('/findings' + qs({ under: code, status: f.status, measure: f.measure, area: f.area,
      limit: String(FINDINGS_PAGE), offset: String(state.findOffset) }));
    state.findings = data; state.findingsError = null;
    if (!f.status && !f.measure && !f.area) {
      const seen = new Map();
      for (const r of data.by_rule) if (!seen.has(r.measure)) seen.set(r.measure, getLang() === 'en' ? (r.title_en || r.measure.replace(/_/g, ' ')) : (r.measure_zh || r.title || r.measure));
      state.measures = [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'));
    }
  } catch (e) {
    if (e.message === 'login') throw e;
    state.findings = { count: 0, offset: 0, rows: [], by_rule: [] }; state.findingsError = e.message;
  }
}

function renderCards(cards) {
  const fails = {};
  for (const r of state.findings.by_rule) if (r.fail > 0)
    (fails[r.measure] ||= { title: (getLang() === 'en' && r.title_en) || r.title || r.measure, n: 0 }).n += r.fail;
  const top = Object.entries(fails).sort((a, b) => b[1].n - a[1].n).slice(0, 6);
  if (state.findingsError) cards.append(h('div', { class: 'card warn' }, h('div', { class: 'label' }, t('noFindings') + state.findingsError)));
  for (const [measure, v] of top)
    cards.append(h('a', { class: 'card gap', href: '#', onclick: (ev) => { ev.preventDefault(); state.filters = { status: 'fail', measure }; state.findOffset = 0; refreshFindings(); } },
      h('div', { class: 'num' }, v.n), h('div', { class: 'label' }, `${v.title} · ${t('failuresFor')}`)));
}

async function refreshFindings() {
  await loadFindings(state.area.area.code);
  renderFindings($('findings'));
}

function exportLinks(kind, params) {
  return h('span', { class: 'exports' },
    /* a link sends no X-HSS-Lang: the headings' language goes in the query */
    h('a', { class: 'button', id: `export-${kind}-csv`, href: `/api/v1/export/${kind}.csv` + qs({ ...params, lang: getLang() }), download: '' }, t('exportCsv')),
    h('a', { class: 'button', id: `export-${kind}-xlsx`, href: `/api/v1/export/${kind}.xlsx` + qs({ ...params, lang: getLang() }), download: '' }, t('exportXlsx')));
}

function select(id, value, options, onchange) {
  return h('select', { id, onchange: (ev) => onchange(ev.target.value) },
    options.map(([v, l, data]) => h('option', { value: v, selected: v === (value || '') ? true : null, lang: data ? dataLang(l) : null }, l)));
}

function renderFindings(box) {
  const code = state.area.area.code;
  const f = state.filters;
  box.replaceChildren(h('h2', {}, t('findings')));
  const set = (k) => (v) => { state.filters = { ...state.filters, [k]: v }; state.findOffset = 0; refreshFindings(); };
  box.append(h('div', { class: 'filters' },
    h('label', {}, t('status'), select('f-status', f.status, [['', t('all')], ['fail', t('fail')], ['pass', t('pass')], ['unknown', t('unknown')]], set('status'))),
    h('label', {}, t('measure'), select('f-measure', f.measure, [['', t('all')], ...state.measures], set('measure'))),
    h('label', {}, t('area'), select('f-area', f.area, [['', t('all')], ...state.area.children.map((a) => [a.code, a.name, true])], set('area'))),
    exportLinks('findings', { under: code, status: f.status, measure: f.measure, area: f.area })));
  if (state.findingsError) { box.append(h('p', { class: 'warn' }, t('noFindings') + state.findingsError)); return; }
  const data = state.findings, rows = data.rows;
  const end = data.offset + rows.length;
  const pager = () => h('div', { class: 'pager' },
    h('button', { class: 'find-prev', disabled: data.offset === 0 ? true : null,
      onclick: () => { state.findOffset = Math.max(0, data.offset - FINDINGS_PAGE); refreshFindings(); } }, t('prev')),
    h('span', { class: 'find-range' }, `${t('shown')} ${data.count ? data.offset + 1 : 0}–${end} ${t('of')} ${data.count.toLocaleString()}`),
    h('button', { class: 'find-next', disabled: end >= data.count ? true : null,
      onclick: () => { state.findOffset = data.offset + FINDINGS_PAGE; refreshFindings(); } }, t('next')));
  const en = getLang() === 'en';
  box.append(pager());
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid findings', id: 'findings-table' },
    h('thead', {}, h('tr', {}, [t('rule'), t('area'), t('facility'), t('status'), t('observed'), t('target'), t('gap'), t('source')].map((l) => h('th', {}, l)))),
    h('tbody', {}, rows.map((r) => h('tr', { class: 'st-' + r.status },
      h('td', {}, h('div', {}, (en && r.title_en) || r.title || r.rule)),
      h('td', {}, r.area ? nm(r.area_name || state.names[r.area] || r.area) : ''),
      h('td', {}, r.facility ? h('a', { href: '#/facility/' + encodeURIComponent(r.facility), lang: dataLang(r.facility_name) }, r.facility_name || r.facility) : ''),
      h('td', {}, h('span', { class: 'badge ' + r.status }, t(r.status))),
      h('td', {}, fmt(r.observed), ((en && r.unit_en) || r.unit) ? ' ' + ((en && r.unit_en) || r.unit) : ''),
      h('td', {}, fmt(r.target)),
      h('td', {}, ((en && r.gap_text_en) || r.gap_text) || fmt(r.gap)),
      /* the cited sentence is quoted verbatim, in the document's language, and the document is named by its own title */
      h('td', { class: 'quote' }, h('q', { lang: dataLang(r.quote) }, r.quote || ''),
        h('div', { class: 'muted', lang: dataLang(r.document_title) }, r.document_title || r.document || ''))))))));
  box.append(pager());
}

const facilitiesPath = (code) => '/facilities' + qs({ under: code, type: state.facType, limit: '20', offset: String(state.facOffset) });

async function renderFacilities(box, early) {
  const code = state.area.area.code;
  const data = await (early || api(facilitiesPath(code)));
  box.replaceChildren(h('h2', {}, t('facilities')));
  const types = (state.area.facilities_by_type || []).map((x) => [x.type, `${idLabel(x.type, x.type_zh)} (${x.count})`]);
  box.append(h('div', { class: 'filters' },
    h('label', {}, t('type'), select('fac-type', state.facType, [['', t('all')], ...types], (v) => { state.facType = v; state.facOffset = 0; renderFacilities(box); })),
    exportLinks('facilities', { under: code, type: state.facType })));
  box.append(h('table', { class: 'grid', id: 'facility-table' },
    h('thead', {}, h('tr', {}, [t('name'), t('type'), t('grade'), t('area'), t('beds')].map((l) => h('th', {}, l)))),
    h('tbody', {}, data.items.map((f) => h('tr', {},
      h('td', {}, h('a', { href: '#/facility/' + encodeURIComponent(f.code), lang: dataLang(f.name) }, f.name)),
      h('td', {}, idLabel(f.type, f.type_zh)), h('td', {}, f.grade === 'none' ? '' : f.grade), h('td', {}, nm(f.area_name || f.area_code)),
      h('td', {}, `${fmt(f.beds_approved)} / ${fmt(f.beds_open)}`))))));
  const end = Math.min(data.offset + data.items.length, data.total);
  box.append(h('div', { class: 'pager' },
    h('button', { disabled: data.offset === 0 ? true : null, onclick: () => { state.facOffset = Math.max(0, data.offset - 20); renderFacilities(box); } }, t('prev')),
    h('span', {}, `${data.total ? data.offset + 1 : 0}–${end} ${t('of')} ${data.total}`),
    h('button', { disabled: end >= data.total ? true : null, onclick: () => { state.facOffset = data.offset + 20; renderFacilities(box); } }, t('next'))));
}

// ---- facility page ----------------------------------------------------------------------------------
async function renderFacility(code) {
  let f;
  try { f = await api('/facilities/' + encodeURIComponent(code)); } catch (e) { return renderMessage(e.message); }
  let path = [];
  try { path = (await api('/areas/' + f.area_code)).path; } catch (e) { /* outside the tree */ }
  const { side, main } = shell(path);
  renderTree(side, f.area_code).catch(() => {});
  const row = (l, v) => h('tr', {}, h('th', {}, l), h('td', {}, v));
  main.append(
    h('p', {}, h('a', { href: '#/area/' + f.area_code, id: 'back' }, '← ' + t('back'))),
    h('h1', { id: 'facility-name' }, nm(f.name), f.generated ? h('small', {}, ' ' + t('generated')) : null),
    h('section', { class: 'panel' }, h('h2', {}, t('facilityDetail')), h('table', { class: 'kv' },
      row(t('code'), h('span', { 'data-ident': '' }, f.code)), row(t('type'), idLabel(f.type, f.type_zh)), row(t('grade'), idLabel(f.grade, f.grade_zh)),
      row(t('ownership'), idLabel(f.ownership, f.ownership_zh)), row(t('area'), [nm(f.area_name), ` (${f.area_code})`]),
      row(t('beds'), `${fmt(f.beds_approved)} / ${fmt(f.beds_open)}`), row(t('medcom'), f.medcom_name ? nm(f.medcom_name) : t('none')),
      row(t('services'), f.services_text || t('none')))),
    h('div', { class: 'row' },
      h('section', { class: 'panel' }, h('h2', {}, t('staff')), counts(f.staff)),
      h('section', { class: 'panel' }, h('h2', {}, t('vehicles')), counts(f.vehicles))));
}

function counts(list) {
  if (!list.length) return h('p', { class: 'muted' }, t('none'));
  return h('table', { class: 'grid' }, h('tbody', {}, list.map((x) => h('tr', {}, h('td', {}, idLabel(x.id, x.zh)), h('td', {}, fmt(x.count))))));
}

function renderMessage(msg) {
  const { main } = shell([]);
  main.append(h('p', { class: 'error', id: 'message' }, msg), h('p', {}, h('a', { href: '#/area/' + state.me.scope }, t('back'))));
}

// ---- routing -------------------------------------------------------------------------------------------
async function route() {
  document.title = 'HSS · ' + t('title');
  if (!state.me) {
    try { const me = await api('/me'); state.me = me; state.csrf = me.csrf; } catch (e) { return renderLogin(); }
  }
  // residents only ever see their own record: the care routes come first
  if (await careRoute({ h, api, shell, qs, fmt, state })) return;
  const rounds = location.hash.match(/^#\/rounds\/([^?]+)(?:\?(.*))?$/);
  if (rounds) return renderRounds({ h, api, qs, shell, renderTree, renderMessage, state }, decodeURIComponent(rounds[1]), new URLSearchParams(rounds[2] || ''));
  const screen = location.hash.match(/^#\/(indicators\/([^?]+)|alerts|ems|plan)(?:\?(.*))?$/);
  if (screen) {
    const ctx = { h, api, qs, shell, renderTree, renderMessage, state };
    const params = new URLSearchParams(screen[3] || '');
    if (screen[2]) return renderIndicators(ctx, decodeURIComponent(screen[2]), params);
    if (screen[1] === 'ems') return renderEms(ctx, params);
    if (screen[1] === 'plan') return renderPlan(ctx, params);
    return renderAlerts(ctx, params);
  }
  const m = location.hash.match(/^#\/(area|facility)\/(.+)$/);
  if (!m) { location.hash = '#/area/' + state.me.scope; return; }
  if (m[1] === 'area') await renderArea(decodeURIComponent(m[2]));
  else await renderFacility(decodeURIComponent(m[2]));
}

window.addEventListener('hashchange', () => route());
window.addEventListener('resize', () => chart && chart.resize());
document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
route();
