// indicators.js: the 监测指标 screen for a medical-community manager. For an area and a period
// (from GET /api/v1/indicators, served from the maintained aggregates): one card per indicator
// with its value against the target and a status colour; a 24-month trend line of the selected
// indicator with its target (ECharts); and the drill-down table of child areas and facilities
// sorted by how much each pulls the area's figure away from the target (`impact`). Every value
// says where it comes from (HSS's records or monthly reports, `source_note`). Words in
// Chinese by default, English with the language switch. DOM built with textContent only.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, MarkLineComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { getLang, dataLang } from './i18n.js';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, LegendComponent, CanvasRenderer]);

const W = {
  zh: {
    title: '监测指标', period: '期间', pack: '目标依据', liaocheng: '聊城方案', yiwu: '义乌方案', lishui: '丽水方案', nanyang: '南阳方案', national: '国家标准', trend: '近24个月趋势',
    drill: '下钻：谁拉低了指标', drillHint: '按对本地区指标的影响排序（影响 = (下级值 − 本级值) × 下级分母 / 本级分母）',
    name: '地区/机构', level: '层级', value: '值', target: '目标', status: '状态', numerator: '分子', denominator: '分母',
    change: '较上期', impact: '影响', pass: '达标', fail: '未达标', unknown: '无数据', none: '无目标', noData: '暂无数据',
    county: '县(市、区)', township: '乡镇(街道)', village: '村(社区)', city: '市', province: '省', facility: '机构',
    month: '月', quarter: '季度', year: '年', ytd: '年初至今', back: '返回区域', generated: '演示数据为生成数据',
    document: '依据', valueSeries: '指标值', targetSeries: '目标', source: '数据来源',
  },
  en: {
    title: 'Monitoring indicators', period: 'Period', pack: 'Targets from', liaocheng: 'Liaocheng', yiwu: 'Yiwu', lishui: 'Lishui', nanyang: 'Nanyang', national: 'National', trend: 'Trend, last 24 months',
    drill: 'Drill-down: who pulls it down', drillHint: 'Sorted by impact on this area\'s figure (impact = (child − area) × child denominator / area denominator)',
    name: 'Area / facility', level: 'Level', value: 'Value', target: 'Target', status: 'Status', numerator: 'Numerator', denominator: 'Denominator',
    change: 'Change', impact: 'Impact', pass: 'pass', fail: 'fail', unknown: 'no data', none: 'no target', noData: 'No data',
    county: 'county', township: 'township', village: 'village', city: 'city', province: 'province', facility: 'facility',
    month: 'month', quarter: 'quarter', year: 'year', ytd: 'year to date', back: 'Back to the area', generated: 'demo data is generated',
    document: 'Source', valueSeries: 'value', targetSeries: 'target', source: 'Data source',
  },
};
const w = (k) => (W[getLang()] || W.zh)[k] || k;

let trendChart = null;
const view = { code: null, period: '', pack: '', selected: null, latest: null };

function num(v, unit) {
  if (v === null || v === undefined) return '—';
  const s = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString() : String(Math.round(v * 100) / 100);
  return unit && unit !== '%' ? s : unit === '%' ? s + '%' : s;
}

// The periods offered: the 24 months up to the latest, their quarters and years, and YTD.
function periodOptions(latest) {
  if (!latest) return [];
  const [y, m] = latest.split('-').map(Number);
  const out = [];
  for (let i = 0; i < 24; i++) {
    const mm = ((m - 1 - i) % 12 + 12) % 12 + 1, yy = y + Math.floor((m - 1 - i) / 12);
    out.push([`${yy}-${String(mm).padStart(2, '0')}`, `${yy}-${String(mm).padStart(2, '0')} (${w('month')})`]);
  }
  for (let yy = y; yy >= y - 1; yy--) {
    for (let q = 4; q >= 1; q--) if (yy < y || (q - 1) * 3 < m) out.push([`${yy}Q${q}`, `${yy}Q${q} (${w('quarter')})`]);
    out.push([String(yy), `${yy} (${w('year')})`]);
  }
  out.push([`YTD${latest}`, `${y}-01…${latest} (${w('ytd')})`]);
  return out;
}

export async function renderIndicators(ctx, code, params) {
  const { h, api, qs, shell, renderTree } = ctx;
  if (view.code !== code) view.selected = null;
  view.code = code;
  view.period = params.get('period') || '';
  view.pack = params.get('pack') || '';
  let area;
  try { area = await api('/areas/' + code); } catch (e) { return ctx.renderMessage(e.message); }
  const { side, main } = shell(area.path);
  renderTree(side, code, '#/indicators/').catch(() => {});
  const go = (p) => {
    const q = new URLSearchParams({ period: view.period, pack: view.pack, ...p });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    location.hash = `#/indicators/${code}` + (q.toString() ? '?' + q.toString() : '');
  };
  const controls = h('div', { class: 'filters', id: 'ind-controls' });
  const cards = h('section', { class: 'cards ind-cards', id: 'ind-cards' });
  const trendBox = h('section', { class: 'panel' }, h('h2', { id: 'trend-title' }, w('trend')), h('div', { id: 'ind-trend', class: 'chart' }));
  const drill = h('section', { class: 'panel', id: 'ind-drill' }, h('h2', {}, w('drill')));
  main.append(h('h1', {}, `${w('title')} · `, h('span', { lang: dataLang(area.area.name) }, area.area.name), h('small', {}, ' ' + w('generated'))), controls, cards, trendBox, drill);

  let data;
  try {
    data = await api('/indicators' + qs({ under: code, period: view.period, pack: view.pack, lang: getLang() === 'en' ? 'en' : '' }));
  } catch (e) {
    cards.append(h('p', { class: 'error', id: 'ind-error' }, e.message));
    return;
  }
  if (!view.period && data.period && /^\d{4}-\d{2}$/.test(data.period)) view.latest = data.period;
  if (!view.latest && data.period) view.latest = data.period.replace(/^YTD/, '').length === 7 ? data.period.replace(/^YTD/, '') : null;
  const list = data.indicators;
  controls.append(
    h('label', {}, w('period'), h('select', { id: 'ind-period', onchange: (ev) => go({ period: ev.target.value }) },
      periodOptions(view.latest || data.period).map(([v, l]) => h('option', { value: v, selected: v === data.period ? true : null }, l)))),
    h('label', {}, w('pack'), h('select', { id: 'ind-pack', onchange: (ev) => go({ pack: ev.target.value }) },
      [...new Set([data.pack, 'liaocheng', 'yiwu'])].map((p) => h('option', { value: p, selected: p === data.pack ? true : null }, w(p))))));
  if (!list.length) { cards.append(h('p', { class: 'muted' }, w('noData'))); return; }
  if (!view.selected || !list.find((x) => x.indicator === view.selected)) {
    // start with the indicator that misses its target by the most, else the first
    const failing = list.filter((x) => x.area.status === 'fail');
    view.selected = (failing[0] || list[0]).indicator;
  }
  for (const ind of list) {
    const a = ind.area;
    const ch = a.change;
    cards.append(h('a', {
      class: `card ind st-${a.status}` + (ind.indicator === view.selected ? ' selected' : ''), href: '#', 'data-indicator': ind.indicator,
      onclick: (ev) => { ev.preventDefault(); view.selected = ind.indicator; renderIndicators(ctx, code, params); },
    },
    h('div', { class: 'label' }, ind.name),
    h('div', { class: 'num' }, num(a.value, ind.unit)),
    h('div', { class: 'label' }, a.status === 'none' ? h('span', { class: 'badge unknown' }, w('none'))
      : [a.target !== null ? `${w('target')} ${ind.op} ${num(a.target, ind.unit)} · ` : '', h('span', { class: 'badge ' + a.status }, w(a.status))]),
    h('div', { class: 'label' }, `${w('change')} `, ch === null ? '—' : h('span', { class: ch < 0 ? 'down' : ch > 0 ? 'up' : 'muted' }, (ch > 0 ? '▲ +' : ch < 0 ? '▼ ' : '') + num(ch))),
    // where the figure comes from (来自签约记录 / 来自上报汇总 ...), said by the server in the user's language
    a.source_note ? h('div', { class: 'label source', 'data-source': a.source }, a.source_note) : null));
  }
  const sel = list.find((x) => x.indicator === view.selected);
  renderDrill(ctx, drill, sel, data.period);
  /* what the drill-down shows, so that a reader (and the e2e test) can tell a stale page */
  drill.dataset.area = code;
  drill.dataset.indicator = sel.indicator;
  await renderTrend(ctx, sel, code, data.pack);
}

function renderDrill(ctx, box, ind, period) {
  const { h } = ctx;
  box.replaceChildren(h('h2', {}, `${w('drill')} · ${ind.name} · ${period}`), h('p', { class: 'muted' }, w('drillHint')),
    ind.area.source_note ? h('p', { class: 'muted', id: 'ind-source', 'data-source': ind.area.source }, w('source') + (getLang() === 'en' ? ': ' : '：') + ind.area.source_note) : null);
  const worst = Math.max(1e-9, ...ind.children.map((c) => Math.abs(c.impact || 0)));
  const link = (c) => c.level === 'facility' ? h('a', { href: '#/facility/' + encodeURIComponent(c.code), lang: dataLang(c.name) }, c.name)
    : h('a', { href: `#/indicators/${c.code}` + (period ? '?period=' + encodeURIComponent(period) : ''), lang: dataLang(c.name) }, c.name);
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'drill-table' },
    h('thead', {}, h('tr', {}, [w('name'), w('level'), w('value'), w('target'), w('status'), w('numerator'), w('denominator'), w('change'), w('impact')].map((l) => h('th', {}, l)))),
    h('tbody', {},
      h('tr', { class: 'total' }, h('td', { lang: dataLang(ind.area.name) }, ind.area.name), h('td', {}, w(ind.area.level)), h('td', {}, num(ind.area.value, ind.unit)),
        h('td', {}, ind.area.target === null ? '—' : `${ind.op} ${num(ind.area.target, ind.unit)}`),
        h('td', {}, h('span', { class: 'badge ' + (ind.area.status === 'none' ? 'unknown' : ind.area.status) }, w(ind.area.status))),
        h('td', {}, num(ind.area.numerator)), h('td', {}, num(ind.area.denominator)), h('td', {}, num(ind.area.change)), h('td', {}, '')),
      ind.children.map((c) => h('tr', { class: 'st-' + c.status, 'data-code': c.code },
        h('td', {}, link(c)), h('td', {}, w(c.level)), h('td', {}, num(c.value, ind.unit)),
        h('td', {}, c.target === null ? '—' : num(c.target, ind.unit)),
        h('td', {}, h('span', { class: 'badge ' + (c.status === 'none' ? 'unknown' : c.status) }, w(c.status))),
        h('td', {}, num(c.numerator)), h('td', {}, num(c.denominator)), h('td', {}, num(c.change)),
        h('td', { class: 'impact' }, c.impact === null ? '—' : [
          h('span', { class: 'bar ' + (c.impact < 0 ? 'neg' : 'pos'), style: null, 'data-w': String(Math.round(60 * Math.abs(c.impact) / worst)) }),
          ' ' + (c.impact > 0 ? '+' : '') + c.impact.toFixed(2)])))))));
  // widths through the CSSOM (no inline style attributes under the strict CSP)
  for (const b of box.querySelectorAll('.bar')) b.style.width = b.dataset.w + 'px';
}

async function renderTrend(ctx, ind, code, pack) {
  const { api, qs } = ctx;
  const el = document.getElementById('ind-trend');
  if (!el) return;
  const end = view.latest;
  document.getElementById('trend-title').textContent = `${w('trend')} · ${ind.name}`;
  let data;
  try {
    data = await api('/indicators' + qs({ under: code, period: end, indicator: ind.indicator, pack, trend: '24', lang: getLang() === 'en' ? 'en' : '' }));
  } catch (e) { el.textContent = e.message; return; }
  const tr = (data.indicators[0] && data.indicators[0].trend) || [];
  if (trendChart) trendChart.dispose();
  trendChart = echarts.init(el);
  const hasTarget = tr.some((p) => p.target !== null);
  trendChart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [w('valueSeries'), w('targetSeries')], top: 0 },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: 'category', data: tr.map((p) => p.period) },
    yAxis: { type: 'value', scale: true, name: ind.unit },
    series: [
      { name: w('valueSeries'), type: 'line', data: tr.map((p) => p.value), symbolSize: 6, lineStyle: { width: 2 }, itemStyle: { color: '#1d5fa8' } },
      hasTarget ? { name: w('targetSeries'), type: 'line', data: tr.map((p) => p.target), symbol: 'none', lineStyle: { type: 'dashed', color: '#c9302c' }, itemStyle: { color: '#c9302c' } } : null,
    ].filter(Boolean),
  });
  el.dataset.points = String(tr.length);
}

window.addEventListener('resize', () => trendChart && trendChart.resize());
