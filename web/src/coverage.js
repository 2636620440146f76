// coverage.js: service circles on the dashboard. A layer toggle on the area map that colours
// every village covered / outside the circle for the chosen facility types and minutes
// (GET /api/v1/coverage; defaults: the basic-level types, 15 minutes urban and 20 rural as the
// documents say), a coverage card and an EMS response card (GET /api/v1/coverage/ems, against
// the documents' 11- and 14-minute targets), and the siting panel (POST /api/v1/site: type, K,
// minutes -> proposed sites on the map with the residents each brings in). main.js hands over
// its helpers; this file owns only the map series whose ids start with "cov-" and "site-".
import { t, addWords, idLabel, bracket } from './i18n.js';

addWords({
  coverageLayer: '服务圈覆盖', coverageShare: '服务圈覆盖率', outside: '圈外常住人口', inCircle: '圈内村/社区',
  outCircle: '圈外村/社区', urbanMin: '城镇（分钟）', ruralMin: '农村（分钟）', emsTitle: '急救平均响应',
  emsUrban: '城镇', emsRural: '农村', emsTarget: '目标', minutesShort: '分钟', emsModel: '含调度{d}分钟、出车{t}分钟',
  siting: '选址建议', siteType: '类型', siteK: '新增数量', compute: '计算', computing: '计算中…',
  newlyCovered: '新增覆盖人口', before: '现状', after: '建成后', proposed: '建议选址', rank: '序号',
  notStored: '仅为测算方案，不改变已存数据。', nearest: '最近机构', minutesTo: '车程（分钟）', residents: '常住人口',
  coverageUnavailable: '覆盖分析不可用：', outsideScope: '（辖区外）', coveredShareAfter: '覆盖率',
  coverageOf: '覆盖', sitingFor: '服务圈',
}, {
  coverageLayer: 'Service circles', coverageShare: 'Within the service circle', outside: 'Residents outside',
  inCircle: 'Villages inside', outCircle: 'Villages outside', urbanMin: 'Urban (min)', ruralMin: 'Rural (min)',
  emsTitle: 'EMS mean response', emsUrban: 'urban', emsRural: 'rural', emsTarget: 'target', minutesShort: 'min',
  emsModel: 'incl. {d} min dispatch, {t} min turnout', siting: 'Where to build next', siteType: 'Type',
  siteK: 'New sites', compute: 'Compute', computing: 'Computing…', newlyCovered: 'Newly covered',
  before: 'Now', after: 'After', proposed: 'Proposed sites', rank: 'Rank',
  notStored: 'A proposal only: stored data is not changed.', nearest: 'Nearest facility', minutesTo: 'Minutes',
  residents: 'Residents', coverageUnavailable: 'Coverage not available: ', outsideScope: '(outside your area)',
  coveredShareAfter: 'Share covered', coverageOf: 'covered', sitingFor: 'circle',
});

const BASIC = ['township_health_center', 'community_health_center', 'community_health_station', 'village_clinic'];
const BASIC_ZH = { township_health_center: '乡镇卫生院', community_health_center: '社区卫生服务中心',
  community_health_station: '社区卫生服务站', village_clinic: '村卫生室', ems_station: '急救站' };
const SITE_TYPES = ['village_clinic', 'ems_station', 'township_health_center'];

// What stays across re-renders of the same page (language switch, area change).
const opts = { on: false, types: [...BASIC], minutes: 15, rural: 20, siteType: 'village_clinic', k: 3, siteMinutes: 15 };

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const pct = (x) => (x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%');
const num = (x) => (x === null || x === undefined ? '—' : Number(x).toLocaleString());

// Replaces our own series on the chart, keeping main.js's boundary and facility series. With
// `fade`, the facility points (main.js's series) are dimmed so that the village colours read.
function setSeries(chart, prefix, series, fade) {
  if (!chart || chart.isDisposed()) return false;
  const ours = (s) => /^(cov|site)-/.test(String(s.id || ''));
  let kept = (chart.getOption().series || []).filter((s) => !String(s.id || '').startsWith(prefix));
  if (fade !== undefined)
    kept = kept.map((s) => (ours(s) ? s : { ...s, itemStyle: { ...(s.itemStyle || {}), opacity: fade ? 0.3 : 1 } }));
  chart.setOption({ series: [...kept, ...series] }, { replaceMerge: ['series'] });
  return true;
}

// The villages (a city's are 0.6 MB) only when the layer shows them: the card needs the totals.
const coveragePath = (qs, code) => '/coverage' + qs({ under: code, types: opts.types.join(','), minutes: String(opts.minutes),
  rural_minutes: String(opts.rural), villages: opts.on ? '1' : '0' });

// The panel's two answers, asked before the map is drawn (the area page asks everything at once):
// { cov, ems } promises that coveragePanel takes as ctx.early.
export function coverageFetch({ api, qs, code }) {
  return { cov: opts.types.length ? api(coveragePath(qs, code)) : Promise.resolve(null), ems: api('/coverage/ems' + qs({ under: code })) };
}

// ctx: { code, chart, mapBox, cards, box, api, h, qs, early (optional: coverageFetch's answers) }
export function coveragePanel(ctx) {
  const { h, api, qs, code, chart } = ctx;
  const el = ctx.mapBox.querySelector('.map');
  if (!el || !ctx.mapBox.isConnected) return Promise.resolve(); /* a newer page replaced this one */
  const status = h('span', { class: 'muted', id: 'coverage-status' });
  let last = null;
  let seq = 0; /* only the newest request's answer is shown */
  let early = ctx.early || null; /* used once, by the first refresh */
  let layer = false; /* whether our series (or the faded points) are on the chart */

  const typeBoxes = BASIC.map((ty) => h('label', {},
    h('input', { type: 'checkbox', value: ty, checked: opts.types.includes(ty) ? true : null,
      onchange: (ev) => { opts.types = ev.target.checked ? [...opts.types, ty] : opts.types.filter((x) => x !== ty); refresh(); } }),
    idLabel(ty, BASIC_ZH[ty])));
  const minInput = (id, key) => h('input', { type: 'number', id, min: '1', max: '120', step: '1', value: String(opts[key]), class: 'num-input',
    onchange: (ev) => { const v = Number(ev.target.value); if (v >= 1 && v <= 120) { opts[key] = v; refresh(); } } });
  const toggle = h('input', { type: 'checkbox', id: 'coverage-toggle', checked: opts.on ? true : null,
    onchange: (ev) => { opts.on = ev.target.checked; if (opts.on && last && !last.villages) refresh(); else draw(); } });
  ctx.mapBox.insertBefore(h('div', { class: 'filters coverage-controls' },
    h('label', { class: 'toggle' }, toggle, h('strong', {}, t('coverageLayer'))),
    typeBoxes,
    h('label', {}, t('urbanMin'), minInput('coverage-minutes', 'minutes')),
    h('label', {}, t('ruralMin'), minInput('coverage-rural', 'rural')),
    status), el);

  const covCard = h('div', { class: 'card stat coverage-card', id: 'coverage-card' }, h('div', { class: 'num' }, '…'),
    h('div', { class: 'label' }, t('coverageShare')));
  const emsCard = h('div', { class: 'card stat', id: 'ems-card' }, h('div', { class: 'num' }, '…'), h('div', { class: 'label' }, t('emsTitle')));
  ctx.cards.append(covCard, emsCard);

  function draw() {
    if (!opts.on || !last?.villages) {
      /* redrawing the chart costs as much as drawing it: only when there is a layer to take off */
      if (layer) setSeries(chart, 'cov-', [], false);
      layer = false;
      el.dataset.coverage = opts.on ? 'pending' : 'off';
      delete el.dataset.circle;
      return;
    }
    const pts = (cov) => last.villages.features.filter((f) => f.properties.covered === cov).map((f) => ({
      name: f.properties.name, value: f.geometry.coordinates, props: f.properties }));
    const tip = { formatter: (p) => {
      const q = p.data.props;
      return `${esc(q.name)}<br>${t('residents')}: ${num(q.residents)}<br>${t('minutesTo')}: ${q.minutes ?? '—'}` +
        `<br>${t('nearest')}: ${esc(q.nearest_name || q.nearest_facility || (q.nearest_outside_scope ? t('outsideScope') : '—'))}`;
    } };
    const inside = pts(true), outside = pts(false);
    const drawn = setSeries(chart, 'cov-', [
      { id: 'cov-in', type: 'scatter', coordinateSystem: 'geo', name: t('inCircle'), data: inside, symbolSize: 6, z: 3,
        itemStyle: { color: '#1f8a3b', borderColor: '#fff', borderWidth: 0.5 }, tooltip: tip },
      { id: 'cov-out', type: 'scatter', coordinateSystem: 'geo', name: t('outCircle'), data: outside, symbolSize: 9, z: 4,
        symbol: 'diamond', itemStyle: { color: '#d9362b', borderColor: '#fff', borderWidth: 0.5 }, tooltip: tip },
    ], true);
    layer = drawn;
    el.dataset.coverage = drawn ? 'on' : 'lost'; /* 'lost': the chart was replaced */
    el.dataset.covered = String(inside.length);
    el.dataset.uncovered = String(outside.length);
    el.dataset.circle = last.want; /* what the counts above are for: tests wait on it */
  }

  async function refresh() {
    const mine = ++seq, pre = early;
    early = null;
    status.textContent = t('computing');
    covCard.querySelector('.num').textContent = '…';
    try {
      if (!opts.types.length) throw new Error(t('siteType') + '?');
      const want = `${opts.minutes}/${opts.rural}`; /* the circle this answer is for */
      const data = await (pre ? pre.cov : api(coveragePath(qs, code)));
      if (mine !== seq) return;
      if (data.available === false) throw new Error(data.reason);
      last = { ...data, want };
      status.textContent = `${t('coverageOf')} ${pct(last.share)} · ${t('outside')} ${num(last.uncovered)}`;
      covCard.replaceChildren(h('div', { class: 'num' }, pct(last.share)),
        h('div', { class: 'label' }, t('coverageShare') + bracket(`${last.want} ${t('minutesShort')}`)),
        h('div', { class: 'label' }, `${t('outside')}: ${num(last.uncovered)}`));
      covCard.classList.toggle('gap', last.share !== null && last.share < 1);
    } catch (e) {
      if (mine !== seq) return;
      last = null;
      status.textContent = t('coverageUnavailable') + e.message;
      covCard.replaceChildren(h('div', { class: 'label' }, t('coverageUnavailable') + e.message));
    }
    draw();
  }

  async function ems() {
    try {
      const e = await (ctx.early ? ctx.early.ems : api('/coverage/ems' + qs({ under: code })));
      if (e.available === false) throw new Error(e.reason);
      const part = (x, label) => h('div', { class: x.meets_target === false ? 'ems-line fail' : 'ems-line' },
        `${label} ${x.mean ?? '—'} ${t('minutesShort')} / ${t('emsTarget')} <${x.target}`);
      emsCard.replaceChildren(h('div', { class: 'label' }, t('emsTitle')),
        part(e.urban, t('emsUrban')), part(e.rural, t('emsRural')),
        h('div', { class: 'label' }, t('emsModel').replace('{d}', e.dispatch_min).replace('{t}', e.turnout_min)));
      emsCard.classList.toggle('gap', e.urban.meets_target === false || e.rural.meets_target === false);
    } catch (err) {
      emsCard.replaceChildren(h('div', { class: 'label' }, t('emsTitle')), h('div', { class: 'label' }, t('coverageUnavailable') + err.message));
    }
  }

  sitingPanel(ctx);
  return Promise.all([refresh(), ems()]);
}

function sitingPanel(ctx) {
  const { h, api, code, chart, box } = ctx;
  const out = h('div', { id: 'site-result' });
  const busy = h('span', { class: 'muted', id: 'site-busy', hidden: true }, t('computing'));
  const button = h('button', { id: 'site-run', type: 'button', onclick: run }, t('compute'));
  box.replaceChildren(h('h2', {}, t('siting')), h('div', { class: 'filters' },
    h('label', {}, t('siteType'), h('select', { id: 'site-type', onchange: (ev) => { opts.siteType = ev.target.value; } },
      SITE_TYPES.map((ty) => h('option', { value: ty, selected: ty === opts.siteType ? true : null }, idLabel(ty, BASIC_ZH[ty]))))),
    h('label', {}, t('siteK'), h('input', { id: 'site-k', type: 'number', min: '1', max: '20', value: String(opts.k), class: 'num-input',
      onchange: (ev) => { opts.k = Math.max(1, Math.min(20, Number(ev.target.value) || 1)); } })),
    h('label', {}, t('sitingFor') + bracket(t('minutesShort')), h('input', { id: 'site-minutes', type: 'number', min: '1', max: '120',
      value: String(opts.siteMinutes), class: 'num-input', onchange: (ev) => { opts.siteMinutes = Math.max(1, Math.min(120, Number(ev.target.value) || 15)); } })),
    button, busy), out);

  async function run() {
    button.disabled = true;
    busy.hidden = false;
    out.replaceChildren();
    try {
      const r = await api('/site', { method: 'POST', body: { type: opts.siteType, add: opts.k, minutes: opts.siteMinutes, under: code } });
      const s = r.summary;
      out.append(
        h('p', { class: 'site-gain', id: 'site-gain' },
          `${idLabel(r.type, r.type_zh)} ${r.minutes} ${t('minutesShort')} · ${t('before')} ${pct(s.share_before)} (${num(s.covered_before)}) → ${t('after')} ${pct(s.share_after)} (${num(s.covered_after)}) · `,
          h('strong', {}, `+${num(s.covered_after - s.covered_before)}`), ` ${t('newlyCovered')}`),
        h('table', { class: 'grid', id: 'site-table' },
          h('thead', {}, h('tr', {}, [t('rank'), t('name'), t('code'), t('newlyCovered')].map((l) => h('th', {}, l)))),
          h('tbody', {}, r.sites.map((x) => h('tr', {}, h('td', {}, x.rank), h('td', {}, x.name), h('td', {}, x.code),
            h('td', {}, num(x.newly_covered)))))),
        h('p', { class: 'muted' }, t('notStored')));
      const drawn = setSeries(chart, 'site-', [{
        id: 'site-proposed', type: 'scatter', coordinateSystem: 'geo', name: t('proposed'), symbol: 'pin', symbolSize: 26, z: 5,
        itemStyle: { color: '#7b2fbf' }, label: { show: true, formatter: (p) => String(p.data.rank), color: '#fff', fontSize: 10 },
        tooltip: { formatter: (p) => `${esc(p.data.name)}<br>${t('newlyCovered')}: ${num(p.data.newly)}` },
        data: r.sites.map((x) => ({ name: x.name, value: [x.lon, x.lat], rank: x.rank, newly: x.newly_covered })),
      }]);
      const el = ctx.mapBox.querySelector('.map');
      if (el && drawn) el.dataset.sites = String(r.sites.length);
    } catch (e) {
      out.append(h('p', { class: 'error' }, e.message));
    } finally {
      button.disabled = false;
      busy.hidden = true;
    }
  }
}
