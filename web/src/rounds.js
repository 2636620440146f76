// rounds.js: the 巡回诊疗 (mobile clinic, 智慧流动医院) screen. For an area (GET /api/v1/rounds):
// cards with the villages served and not served; a map drawn as SVG from the stored coordinates
// (villages coloured by how they are served, unserved ones larger and red, each round of the
// chosen weekday as a line from its home through its stops and back); the day's rounds as a list;
// the villages nobody serves; and a village's schedule as its residents read it (GET
// /api/v1/rounds/schedule: date, arrival and departure time, place). One column on a phone.
// DOM built with textContent only; SVG through createElementNS (no inline style, strict CSP).
import { addWords, t, dataLang, bracket, colon } from './i18n.js';

addWords({
  roundsTitle: '巡回诊疗（智慧流动医院）', navRounds: '巡回诊疗', roundsDay: '星期', roundsAll: '全部',
  villagesTotal: '村(社区)', villagesServed: '已覆盖', villagesUnserved: '未覆盖', roundsCount: '巡诊线路',
  roundsOfDay: '当日线路', unservedList: '未覆盖的村', noneUnserved: '所有村均已覆盖', byClinic: '20分钟内有卫生机构',
  byStationed: '派驻医生', byRounds: '巡回诊疗', notServed: '未覆盖', route: '线路', departs: '出发',
  stops: '停靠', schedule: '村民查询：巡诊时间', pickVillage: '选择村', visitsNone: '近两周无巡诊',
  arrive: '到达', leave: '离开', place: '地点', from: '出发机构', noRounds: '当日无巡诊', generatedRound: '（生成数据）',
  perWeek: '次/周', mapTitle: '巡诊地图', coverageOff: '覆盖分析不可用：', home: '出发机构',
  wd1: '周一', wd2: '周二', wd3: '周三', wd4: '周四', wd5: '周五', wd6: '周六', wd7: '周日', minutes: '分钟', vehicleN: '{n}号车',
}, {
  roundsTitle: 'Mobile clinic rounds', navRounds: 'Mobile clinics', roundsDay: 'Day', roundsAll: 'All',
  villagesTotal: 'Villages', villagesServed: 'Served', villagesUnserved: 'Not served', roundsCount: 'Rounds',
  roundsOfDay: 'Rounds of the day', unservedList: 'Villages nobody serves', noneUnserved: 'Every village is served',
  byClinic: 'clinic within 20 minutes', byStationed: 'stationed doctor', byRounds: 'mobile clinic', notServed: 'not served',
  route: 'Round', departs: 'leaves', stops: 'stops', schedule: 'For residents: when the clinic comes',
  pickVillage: 'Village', visitsNone: 'No visit in the next two weeks', arrive: 'arrives', leave: 'leaves',
  place: 'place', from: 'from', noRounds: 'No round on this day', generatedRound: '(generated)', perWeek: 'a week',
  mapTitle: 'Map of the rounds', coverageOff: 'Coverage not available: ', home: 'Home',
  wd1: 'Mon', wd2: 'Tue', wd3: 'Wed', wd4: 'Thu', wd5: 'Fri', wd6: 'Sat', wd7: 'Sun', minutes: 'min', vehicleN: 'vehicle {n}',
});

const SVG = 'http://www.w3.org/2000/svg';
const view = { code: null, day: '' };
let renders = 0; /* only the newest render may draw: an older one still loading must not win */
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const servedLabel = (v) => ({ clinic: t('byClinic'), stationed: t('byStationed'), rounds: t('byRounds') }[v.served_by] || t('notServed'));
const weekdays = (s) => [...s].map((d) => t('wd' + d)).join('、');
// Planned vehicles are stored as COUNTY-N: shown as the pool number, never as a code.
const vehicleName = (s) => { const m = /^\d{6}-(\d+)$/.exec(s); return m ? t('vehicleN').replace('{n}', m[1]) : s; };
const runsOn = (r, day) => !day || r.weekdays.includes(day);

// Projects lon/lat into a box 1000 wide and at most 700 high, keeping the aspect at the area's
// latitude; the function's `height` is the box's height.
function projector(points) {
  const lons = points.map((p) => p[0]), lats = points.map((p) => p[1]);
  const x0 = Math.min(...lons), x1 = Math.max(...lons), y0 = Math.min(...lats), y1 = Math.max(...lats);
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
  const w = Math.max((x1 - x0) * k, 1e-6), hgt = Math.max(y1 - y0, 1e-6);
  const s = Math.min(960 / w, 660 / hgt);
  const project = ([lon, lat]) => [20 + (lon - x0) * k * s, 20 + (y1 - lat) * s];
  project.height = Math.max(120, Math.ceil(hgt * s + 40)); /* a flat area gets a flat map */
  return project;
}

function drawMap(box, data, day) {
  const pts = [...data.villages.map((v) => [v.lon, v.lat]),
    ...data.rounds.filter((r) => r.home_lon !== null).map((r) => [r.home_lon, r.home_lat])];
  box.replaceChildren();
  if (!pts.length) return;
  const p = projector(pts);
  const map = svg('svg', { viewBox: `0 0 1000 ${p.height}`, class: 'rounds-map', id: 'rounds-map', role: 'img' });
  let lines = 0;
  data.rounds.forEach((r, i) => {
    if (!runsOn(r, day) || r.home_lon === null) return;
    const path = [[r.home_lon, r.home_lat], ...r.stops.filter((s) => s.lon !== null).map((s) => [s.lon, s.lat]), [r.home_lon, r.home_lat]];
    map.append(svg('polyline', { points: path.map((q) => p(q).map((x) => x.toFixed(1)).join(',')).join(' '),
      fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 3, class: 'round-line' }));
    const [hx, hy] = p([r.home_lon, r.home_lat]);
    map.append(svg('rect', { x: hx - 7, y: hy - 7, width: 14, height: 14, fill: '#333', class: 'round-home' }));
    lines++;
  });
  let served = 0, unserved = 0;
  for (const v of data.villages) {
    const [x, y] = p([v.lon, v.lat]);
    const c = svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: v.served ? 5 : 8,
      fill: v.served ? (v.served_by === 'rounds' ? '#1f77b4' : v.served_by === 'stationed' ? '#9467bd' : '#2ca02c') : '#d62728',
      class: v.served ? 'village served' : 'village unserved' });
    const title = svg('title', {});
    title.textContent = `${v.name}: ${servedLabel(v)}`;
    c.append(title);
    map.append(c);
    if (v.served) served++; else unserved++;
  }
  map.dataset.day = day || 'all'; /* which day these lines are for */
  map.dataset.lines = String(lines);
  map.dataset.served = String(served);
  map.dataset.unserved = String(unserved);
  box.append(map);
}

// The map's key: one coloured dot or square per meaning.
function legend(h) {
  const item = (shape, fill, label) => {
    const key = svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16' });
    key.append(shape === 'rect' ? svg('rect', { x: 2, y: 2, width: 12, height: 12, fill }) : svg('circle', { cx: 8, cy: 8, r: 6, fill }));
    return h('span', { class: 'legend-item' }, key, label);
  };
  return h('div', { class: 'rounds-legend', id: 'rounds-legend' },
    item('circle', '#2ca02c', t('byClinic')), item('circle', '#1f77b4', t('byRounds')),
    item('circle', '#9467bd', t('byStationed')), item('circle', '#d62728', t('notServed')), item('rect', '#333', t('home')));
}

function dayList(h, data, day) {
  const rounds = data.rounds.filter((r) => runsOn(r, day));
  if (!rounds.length) return h('p', { class: 'muted', id: 'rounds-none' }, t('noRounds'));
  return h('ol', { class: 'rounds-list', id: 'rounds-list' }, rounds.map((r, i) => h('li', { class: 'round-item' },
    h('div', { class: 'round-head' }, h('strong', {}, `${t('route')} ${i + 1}`), ' · ', h('span', { lang: dataLang(r.home_name) }, r.home_name), ' · ', vehicleName(r.vehicle),
      r.generated ? h('small', {}, ' ' + t('generatedRound')) : null),
    h('div', { class: 'muted' }, `${weekdays(r.weekdays)} · ${t('departs')} ${r.start}`),
    h('div', { lang: dataLang(r.stops.map((s) => s.name).join('')) }, r.stops.map((s) => s.name).join(' → ')))));
}

async function showSchedule(ctx, out, code) {
  const { h, api, qs } = ctx;
  out.replaceChildren();
  if (!code) return;
  const data = await api('/rounds/schedule' + qs({ village: code, days: '14' }));
  if (!data.visits.length) { out.append(h('p', { class: 'muted', id: 'schedule-none' }, t('visitsNone'))); return; }
  out.append(h('ul', { class: 'schedule', id: 'schedule-list' }, data.visits.map((v) => h('li', { class: 'visit' },
    h('div', { class: 'visit-when' }, `${v.date} ${t('wd' + v.weekday)}`, h('strong', {}, ` ${v.arrive || '—'}–${v.leave || '—'}`)),
    h('div', {}, t('place') + colon(), h('span', { lang: dataLang(v.place) }, v.place)),
    h('div', { class: 'muted' }, t('from') + colon(), h('span', { lang: dataLang(v.home_name) }, v.home_name))))));
}

// ctx: { h, api, qs, shell, renderTree, renderMessage, state }
export async function renderRounds(ctx, code, params) {
  const { h, api, qs, shell, renderTree } = ctx;
  const mine = ++renders;
  view.code = code;
  view.day = params.get('day') || '';
  let area, data;
  try {
    [area, data] = await Promise.all([api('/areas/' + code), api('/rounds' + qs({ under: code }))]);
  } catch (e) { return mine === renders ? ctx.renderMessage(e.message) : undefined; }
  if (mine !== renders) return;
  const { side, main } = shell(area.path);
  renderTree(side, code, '#/rounds/').catch(() => {});
  const unserved = data.villages.filter((v) => !v.served);
  const card = (id, n, label) => h('div', { class: 'card stat', id }, h('div', { class: 'num' }, String(n)), h('div', { class: 'label' }, label));
  const days = [['', t('roundsAll')], ...[1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), t('wd' + d)])];
  const daySel = h('select', { id: 'rounds-day', onchange: (ev) => {
    location.hash = `#/rounds/${code}` + (ev.target.value ? '?day=' + ev.target.value : '');
  } }, days.map(([v, l]) => h('option', { value: v, selected: v === view.day ? true : null }, l)));
  const mapBox = h('div', { class: 'rounds-map-box' });
  const schedOut = h('div', { id: 'schedule-out' });
  const villages = [...data.villages].sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  const pick = h('select', { id: 'schedule-village', onchange: (ev) => showSchedule(ctx, schedOut, ev.target.value).catch((e) => {
    schedOut.replaceChildren(h('p', { class: 'error' }, e.message)); }) },
    h('option', { value: '' }, '—'), villages.map((v) => h('option', { value: v.code, lang: dataLang(v.name) }, v.name)));
  main.append(...[
    h('h1', { id: 'rounds-title' }, `${t('roundsTitle')} · `, h('span', { lang: dataLang(area.area.name) }, area.area.name)),
    data.coverage_error ? h('p', { class: 'warn' }, t('coverageOff') + data.coverage_error) : null,
    h('section', { class: 'cards', id: 'rounds-cards' },
      card('rounds-total', data.villages_total, t('villagesTotal')),
      card('rounds-served', data.villages_served, t('villagesServed')),
      card('rounds-unserved', unserved.length, t('villagesUnserved')),
      card('rounds-count', data.rounds.length, t('roundsCount'))),
    h('section', { class: 'panel rounds-panel' }, h('h2', {}, t('mapTitle')),
      h('div', { class: 'filters' }, h('label', {}, t('roundsDay'), daySel)), mapBox, legend(h),
      h('h3', {}, t('roundsOfDay')), dayList(h, data, view.day)),
    h('section', { class: 'panel rounds-panel', id: 'schedule' }, h('h2', {}, t('schedule')),
      h('div', { class: 'filters' }, h('label', {}, t('pickVillage'), pick)), schedOut),
    h('section', { class: 'panel rounds-panel', id: 'unserved' }, h('h2', {}, t('unservedList')),
      unserved.length ? h('ul', { class: 'unserved-list' }, unserved.map((v) => h('li', {}, h('span', { lang: dataLang(v.name) }, v.name), bracket(v.residents.toLocaleString()))))
        : h('p', { class: 'muted' }, t('noneUnserved')))].filter(Boolean));
  drawMap(mapBox, data, view.day);
}
