// ems.js: the 120 screen for the dispatch centre and the EMS planner. A map of the stations
// (lon/lat) coloured by whether one of their ambulances is free; the units with their crews and
// states, each state settable (POST /api/v1/ems/units/{unit}/state, audited); the measured
// response times by area and by month from the 120 call records against the documents' targets
// (11 minutes urban, 14 rural); the units' utilisation; a simulation panel (a year of calls at
// a call rate, optionally with more ambulances at a station: GET /api/v1/ems/simulate) and the
// MEXCLP planning panel (GET /api/v1/ems/plan: where each next ambulance helps most). Chinese
// by default.
import * as echarts from 'echarts/core';
import { ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { getLang, dataLang } from './i18n.js';

echarts.use([ScatterChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const W = {
  zh: {
    title: '120急救', map: '急救站点与车辆状态', someFree: '有待命车辆', noneFree: '无待命车辆', units: '救护车与车组',
    unit: '车辆', station: '急救站', kind: '车型', crew: '医师/驾驶员/辅助', crewOk: '人员配置', ok: '达标', notOk: '未达标',
    state: '状态', setState: '变更', byArea: '实测急救反应时间（按地区）', byMonth: '实测急救反应时间（按月）',
    area: '地区', month: '月份', type: '类别', calls: '呼叫数', mean: '平均', median: '中位数', p90: '90%分位',
    dispatch: '受理至派车', turnout: '出车', target: '目标', meets: '是否达标', yes: '达标', no: '未达标', minutes: '单位：分钟',
    urban: '城区', rural: '农村', all: '全部', none: '暂无出车记录', noUnits: '暂无救护车数据', source: '依据120出车记录实测（受理至到达现场）',
    available: '待命', dispatched: '已派车', on_scene: '到达现场', transporting: '转运中', at_hospital: '到达医院', out_of_service: '停用',
    ambulance: '普通救护车', negative_pressure_ambulance: '负压救护车', utilisation: '车辆利用率', busy: '出车时长(小时)',
    saved: '已记录', failed: '未能记录：',
    simTitle: '模拟与规划', rate: '每千人年呼叫数', addAt: '增加救护车的站点', noAdd: '不增加', count: '数量',
    runSim: '运行一年模拟', simResult: '模拟呼叫{n}次：平均反应{m}分钟，中位数{d}，90%分位{p}；{q}次等待空闲车辆',
    measuredIv: '现场、转运、交接时长取自实测记录', defaultIv: '现场15、转运20、交接10分钟（默认值，无足够实测记录）',
    runPlan: '计算车辆布局', rank: '序号', site: '站点', newSite: '新建', gain: '新增期望覆盖人口', share: '期望覆盖率',
    lp: '（', rp: '）',
    planNote: '按11/14分钟目标，逐辆增加救护车时每一步的收益（最大期望覆盖模型）', running: '计算中…',
  },
  en: {
    title: '120 EMS', map: 'Stations and unit states', someFree: 'a unit available', noneFree: 'no unit available', units: 'Ambulances and crews',
    unit: 'Unit', station: 'Station', kind: 'Kind', crew: 'Doctors/drivers/aides', crewOk: 'Crew', ok: 'meets', notOk: 'short',
    state: 'State', setState: 'Change', byArea: 'Measured response times by area', byMonth: 'Measured response times by month',
    area: 'Area', month: 'Month', type: 'Kind', calls: 'Calls', mean: 'Mean', median: 'Median', p90: 'p90',
    dispatch: 'Call to dispatch', turnout: 'Turnout', target: 'Target', meets: 'Meets', yes: 'yes', no: 'no', minutes: 'minutes',
    urban: 'urban', rural: 'rural', all: 'all', none: 'No call records yet', noUnits: 'No ambulance units stored', source: 'measured from 120 call records (received to on scene)',
    available: 'available', dispatched: 'dispatched', on_scene: 'on scene', transporting: 'transporting', at_hospital: 'at hospital', out_of_service: 'out of service',
    ambulance: 'ambulance', negative_pressure_ambulance: 'negative-pressure ambulance', utilisation: 'Utilisation', busy: 'Busy hours',
    saved: 'Recorded', failed: 'Not recorded: ',
    simTitle: 'Simulation and planning', rate: 'Calls per 1,000 a year', addAt: 'More ambulances at', noAdd: 'none', count: 'How many',
    runSim: 'Simulate a year', simResult: '{n} calls simulated: mean response {m} min, median {d}, p90 {p}; {q} waited for a free unit',
    measuredIv: 'scene, transport and handover times from the measured records', defaultIv: 'scene 15, transport 20, handover 10 min (defaults: too few records)',
    runPlan: 'Plan the ambulances', rank: 'Rank', site: 'Site', newSite: 'new', gain: 'Expected residents gained', share: 'Expected share',
    lp: ' (', rp: ')',
    planNote: 'Each next ambulance where it helps most against the 11/14-minute targets (maximum expected covering)', running: 'Computing…',
  },
};
const w = (k) => (W[getLang()] || W.zh)[k] ?? k;
const STATES = ['available', 'dispatched', 'on_scene', 'transporting', 'at_hospital', 'out_of_service'];
const num = (x) => (x === null || x === undefined ? '—' : String(x));

let chart = null;

// One scrolling grid table: headings (already translated) and body rows.
function grid(h, id, heads, rows) {
  return h('div', { class: 'scroll' }, h('table', { class: 'grid', id },
    h('thead', {}, h('tr', {}, heads.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows)));
}

// One panel of the screen: its heading (a string key) and its content.
function panel(h, key, ...content) {
  return h('section', { class: 'panel' }, h('h2', {}, w(key)), ...content);
}

function stationMap(h, box, units) {
  const byStation = new Map();
  for (const u of units) {
    if (u.lon === null || u.lon === undefined) continue;
    const s = byStation.get(u.station) || { name: u.station_name, lon: u.lon, lat: u.lat, free: 0, n: 0 };
    s.n++;
    if (u.state === 'available') s.free++;
    byStation.set(u.station, s);
  }
  const pts = [...byStation.values()];
  const el = h('div', { class: 'map', id: 'ems-map', 'data-stations': String(pts.length),
    'data-free': String(pts.filter((p) => p.free > 0).length) });
  box.append(el);
  if (chart) chart.dispose();
  chart = echarts.init(el);
  const series = (free) => ({
    type: 'scatter', name: free ? w('someFree') : w('noneFree'), symbolSize: 12,
    itemStyle: { color: free ? '#3c9a50' : '#c9302c' },
    data: pts.filter((p) => (p.free > 0) === free).map((p) => ({ name: p.name, value: [p.lon, p.lat, p.free, p.n] })),
  });
  chart.setOption({
    tooltip: { formatter: (p) => `${p.name}: ${p.value[2]}/${p.value[3]} ${w('available')}` },
    legend: { top: 0 },
    xAxis: { type: 'value', scale: true, show: false }, yAxis: { type: 'value', scale: true, show: false },
    series: [series(true), series(false)],
  });
}

function unitsTable(h, api, units, onChange) {
  if (!units.length) return h('p', { class: 'muted' }, w('noUnits'));
  const status = h('span', { class: 'muted', id: 'ems-state-status' });
  const rows = units.map((u) => {
    const sel = h('select', { 'data-unit': u.unit, 'aria-label': w('setState') },
      STATES.map((s) => h('option', { value: s, selected: s === u.state ? true : null }, w(s))));
    sel.addEventListener('change', async () => {
      try {
        await api('/ems/units/' + encodeURIComponent(u.unit) + '/state', { method: 'POST', body: { state: sel.value } });
        status.textContent = w('saved');
        onChange();
      } catch (e) { status.textContent = w('failed') + e.message; }
    });
    return h('tr', { 'data-unit': u.unit },
      h('td', {}, h('span', { 'data-ident': '' }, u.unit)), h('td', { lang: dataLang(u.station_name) }, u.station_name), h('td', {}, w(u.kind)),
      h('td', {}, `${u.doctors}/${u.drivers}/${u.aides}`), h('td', {}, u.crew_ok ? w('ok') : w('notOk')),
      h('td', { class: 'ems-state' }, w(u.state)), h('td', {}, sel));
  });
  return h('div', {}, status,
    grid(h, 'ems-units', [w('unit'), w('station'), w('kind'), w('crew'), w('crewOk'), w('state'), w('setState')], rows));
}

function perfTable(h, id, rows, first) {
  if (!rows.length) return h('p', { class: 'muted' }, w('none'));
  return grid(h, id, [first, w('type'), w('calls'), w('mean'), w('median'), w('p90'), w('dispatch'), w('turnout'), w('target'), w('meets')],
    rows.map((r) => h('tr', { 'data-area': r.area, 'data-kind': r.kind },
      h('td', { lang: dataLang(r.name) }, r.name), h('td', {}, w(r.kind)), h('td', {}, num(r.calls)), h('td', { class: 'mean' }, num(r.response_mean)),
      h('td', {}, num(r.response_median)), h('td', {}, num(r.response_p90)), h('td', {}, num(r.dispatch_mean)),
      h('td', {}, num(r.turnout_mean)), h('td', {}, r.target === null ? '—' : '<' + r.target),
      h('td', { class: 'meets' }, r.meets === null ? '—' : r.meets ? w('yes') : w('no')))));
}

function utilTable(h, units) {
  return grid(h, 'ems-util', [w('unit'), w('calls'), w('busy'), w('utilisation')],
    units.map((u) => h('tr', {}, h('td', {}, h('span', { 'data-ident': '' }, u.unit)), h('td', {}, num(u.calls)), h('td', {}, num(u.busy_hours)),
      h('td', {}, u.utilisation === null ? '—' : (u.utilisation * 100).toFixed(1) + '%'))));
}

function fill(s, vals) {
  return s.replace(/\{(\w)\}/g, (_, k) => (vals[k] === null || vals[k] === undefined ? '—' : String(vals[k])));
}

function simPanel(h, api, qs, under, units) {
  const stations = [...new Map(units.map((u) => [u.station, u.station_name])).entries()];
  const rate = h('input', { id: 'ems-rate', type: 'number', min: '0.1', max: '200', step: '0.1', value: '20' });
  const at = h('select', { id: 'ems-add-at' }, h('option', { value: '' }, w('noAdd')),
    stations.map(([code, name]) => h('option', { value: code, lang: dataLang(name) }, name)));
  const count = h('input', { id: 'ems-add-n', type: 'number', min: '1', max: '50', value: '1' });
  const out = h('p', { id: 'ems-sim-result' });
  const planBox = h('div', { id: 'ems-plan-box' });
  const runSim = h('button', { id: 'ems-sim-run', onclick: async () => {
    out.textContent = w('running');
    out.removeAttribute('data-calls');
    try {
      const r = await api('/ems/simulate' + qs({ under, rate: rate.value, add_units: at.value ? at.value + ':' + count.value : '' }));
      out.textContent = fill(w('simResult'), { n: r.calls, m: r.response_mean, d: r.response_median, p: r.response_p90, q: r.queued }) +
        w('lp') + (r.intervals === 'measured' ? w('measuredIv') : w('defaultIv')) + w('rp');
      out.dataset.calls = String(r.calls);
    } catch (e) { out.textContent = e.message; }
  } }, w('runSim'));
  const runPlan = h('button', { id: 'ems-plan-run', onclick: async () => {
    planBox.replaceChildren(h('p', { class: 'muted' }, w('running')));
    try {
      const r = await api('/ems/plan' + qs({ under }));
      planBox.replaceChildren(h('p', { class: 'muted' }, w('planNote')), grid(h, 'ems-plan', [w('rank'), w('site'), w('gain'), w('share')],
        r.steps.map((st) => h('tr', {}, h('td', {}, num(st.rank)),
          h('td', { class: 'site', lang: dataLang(st.name) }, st.name + (st.new_site ? w('lp') + w('newSite') + w('rp') : '')),
          h('td', {}, num(st.gain)), h('td', {}, (st.expected_share * 100).toFixed(1) + '%')))));
    } catch (e) { planBox.replaceChildren(h('p', { class: 'error' }, e.message)); }
  } }, w('runPlan'));
  return panel(h, 'simTitle',
    h('p', {}, h('label', {}, w('rate') + ' ', rate), ' ', h('label', {}, w('addAt') + ' ', at), ' ', h('label', {}, w('count') + ' ', count), ' ', runSim),
    out, h('p', {}, runPlan), planBox);
}

// ctx: { h, api, qs, shell, renderTree, renderMessage, state }
export async function renderEms(ctx, params) {
  const { h, api, qs, shell, renderTree, renderMessage, state } = ctx;
  const under = params.get('under') || state.me.scope;
  let units, areas, months;
  try {
    [units, areas, months] = await Promise.all([api('/ems/units' + qs({ under })),
      api('/ems/performance' + qs({ under, by: 'county' })), api('/ems/performance' + qs({ under, by: 'month' }))]);
  } catch (e) { return renderMessage(e.message); }
  const { side, main } = shell([]);
  renderTree(side, under, '#/ems?under=').catch(() => {});
  const mapBox = panel(h, 'map');
  main.append(h('h1', { id: 'ems-title' }, w('title')), mapBox,
    panel(h, 'units', unitsTable(h, api, units.units, () => renderEms(ctx, params))),
    panel(h, 'byArea', h('p', { class: 'muted' }, w('source') + (getLang() === 'zh' ? '；' : '; ') + w('minutes')), perfTable(h, 'ems-perf', areas.areas, w('area'))),
    panel(h, 'byMonth', perfTable(h, 'ems-months', months.areas, w('month'))),
    panel(h, 'utilisation', utilTable(h, areas.units)),
    simPanel(h, api, qs, under, units.units));
  stationMap(h, mapBox, units.units);
}
