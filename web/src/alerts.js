// alerts.js: the 预警处置 screen for the CDC duty officer. The response figures (CIDARS style),
// the alert list with filters (status, signal), and for the selected alert: its details, the
// daily series of each source (or, for a county alert, each township) over the 60 days up to the
// alert with the days the detection signalled, the action buttons allowed from its status with a
// note field (POST /api/v1/alerts/{id}/{action}), and the event history. Chinese by default.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { getLang, localTime, dataLang, listSep } from './i18n.js';

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

const W = {
  zh: {
    title: '预警处置', status: '状态', signal: '监测信号', all: '全部', id: '编号', date: '日期', area: '地区', level: '级别',
    system: '系统（自动检测）', sources: '触发来源', method: '方法', assigned: '负责人', raised: '预警时间', none: '暂无预警', detail: '预警详情',
    series: '各来源近60天每日计数', history: '处置记录', note: '备注', at: '时间', by: '操作人', action: '操作',
    from: '原状态', to: '新状态', closed: '已结案，无可用操作', response: '响应情况', alerts: '预警数', responded: '已响应',
    share: '响应率', median: '响应时间中位数(小时)', within24: '24小时内响应率', select: '选择一条预警查看详情',
    signalled: '算法报警', alertDay: '预警日', generated: '演示数据为生成数据', township: '乡镇', county: '县', ok: '已记录',
    new: '新预警', assigned_s: '已分派', investigating: '调查中', confirmed: '已确认', dismissed: '已排除',
    assign: '接收/分派', investigate: '开始调查', confirm: '确认疫情', dismiss: '排除',
    ili: '流感样病例', diarrhoea: '腹泻症候群', fever: '发热症候群', hfmd: '手足口病', cholera: '霍乱', plague: '鼠疫',
    hospital: '医院', township_center: '乡镇卫生院', pharmacy: '药店', school: '学校缺勤', lab: '实验室', wastewater: '污水监测',
    raise: '系统预警', townships: '乡镇预警汇总', upperbound: '阈值', mpm: '移动百分位数法', fixed: '固定阈值法',
    'ears-c1': 'EARS-C1', 'ears-c2': 'EARS-C2', 'ears-c3': 'EARS-C3', cusum: 'CUSUM', cdc: '历史限值法', farrington: 'Farrington',
  },
  en: {
    title: 'Alert triage', status: 'Status', signal: 'Signal', all: 'All', id: 'ID', date: 'Date', area: 'Area', level: 'Level',
    system: 'system (detection run)', sources: 'Triggered by', method: 'Method', assigned: 'Assigned to', raised: 'Raised', none: 'No alerts', detail: 'Alert',
    series: 'Daily counts per source, last 60 days', history: 'History', note: 'Note', at: 'At', by: 'By', action: 'Action',
    from: 'From', to: 'To', closed: 'Closed: no further action', response: 'Response', alerts: 'Alerts', responded: 'Responded',
    share: 'Share responded', median: 'Median hours to response', within24: 'Responded within 24 h', select: 'Select an alert to see it',
    signalled: 'algorithm alarm', alertDay: 'alert day', generated: 'demo data is generated', township: 'township', county: 'county', ok: 'Recorded',
    new: 'new', assigned_s: 'assigned', investigating: 'investigating', confirmed: 'confirmed', dismissed: 'dismissed',
    assign: 'Assign', investigate: 'Investigate', confirm: 'Confirm', dismiss: 'Dismiss',
    ili: 'influenza-like illness', diarrhoea: 'diarrhoea syndrome', fever: 'fever syndrome', hfmd: 'hand, foot and mouth disease', cholera: 'cholera', plague: 'plague',
    hospital: 'hospital', township_center: 'township centre', pharmacy: 'pharmacy', school: 'school absenteeism', lab: 'laboratory', wastewater: 'wastewater',
    raise: 'raised', townships: 'from townships', upperbound: 'threshold', mpm: 'moving percentile', fixed: 'fixed threshold',
    'ears-c1': 'EARS-C1', 'ears-c2': 'EARS-C2', 'ears-c3': 'EARS-C3', cusum: 'CUSUM', cdc: 'historical limits', farrington: 'Farrington',
  },
};
const w = (k) => (W[getLang()] || W.zh)[k] || k;
const statusLabel = (s) => (s === 'assigned' ? w('assigned_s') : w(s));
const STATUSES = ['new', 'assigned', 'investigating', 'confirmed', 'dismissed'];

let seriesChart = null;
const view = { status: '', signal: '', id: null };

export async function renderAlerts(ctx, params) {
  const { h, api, qs, shell } = ctx;
  view.status = params.get('status') || '';
  view.signal = params.get('signal') || '';
  view.id = params.get('id') || null;
  let path = [];
  try { path = (await api('/areas/' + ctx.state.me.scope)).path; } catch (e) { /* scope area missing */ }
  const { side, main } = shell(path);
  ctx.renderTree(side, ctx.state.me.scope).catch(() => {});
  const go = (p) => {
    const q = new URLSearchParams({ status: view.status, signal: view.signal, id: view.id || '', ...p });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    location.hash = '#/alerts' + (q.toString() ? '?' + q.toString() : '');
  };
  const resp = h('section', { class: 'cards', id: 'alert-response' });
  const filters = h('div', { class: 'filters', id: 'alert-filters' });
  const list = h('section', { class: 'panel alert-list' });
  const detail = h('section', { class: 'panel alert-detail', id: 'alert-detail' }, h('p', { class: 'muted' }, w('select')));
  main.append(h('h1', {}, w('title'), h('small', {}, ' ' + w('generated'))), resp, filters, h('div', { class: 'row' }, list, detail));

  const [data, rs] = await Promise.all([
    api('/alerts' + qs({ status: view.status, signal: view.signal })),
    api('/alerts/response'),
  ]);
  const all = rs.rows.find((r) => r.level === 'all') || { alerts: 0, responded: 0, share_responded: 0, median_hours: null, share_within_24h: 0 };
  for (const [v, l] of [[all.alerts, w('alerts')], [all.responded, w('responded')], [Math.round(all.share_responded * 1000) / 10 + '%', w('share')],
    [all.median_hours === null ? '—' : all.median_hours, w('median')], [Math.round(all.share_within_24h * 1000) / 10 + '%', w('within24')]])
    resp.append(h('div', { class: 'card stat' }, h('div', { class: 'num' }, v), h('div', { class: 'label' }, `${w('response')} · ${l}`)));
  const counts = data.counts || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  filters.append(
    h('label', {}, w('status'), h('select', { id: 'alert-status', onchange: (ev) => go({ status: ev.target.value, id: '' }) },
      [['', `${w('all')} (${total})`], ...STATUSES.map((s) => [s, `${statusLabel(s)} (${counts[s] || 0})`])]
        .map(([v, l]) => h('option', { value: v, selected: v === view.status ? true : null }, l)))),
    h('label', {}, w('signal'), h('select', { id: 'alert-signal', onchange: (ev) => go({ signal: ev.target.value, id: '' }) },
      [['', w('all')], ...['ili', 'diarrhoea', 'fever', 'hfmd', 'cholera', 'plague'].map((s) => [s, w(s)])]
        .map(([v, l]) => h('option', { value: v, selected: v === view.signal ? true : null }, l)))));
  if (!data.alerts.length) list.append(h('p', { class: 'muted' }, w('none')));
  else list.append(h('div', { class: 'scroll tall' }, h('table', { class: 'grid', id: 'alert-table', 'data-status': view.status || 'all' },
    h('thead', {}, h('tr', {}, [w('id'), w('date'), w('area'), w('signal'), w('sources'), w('status')].map((l) => h('th', {}, l)))),
    h('tbody', {}, data.alerts.map((a) => h('tr', {
      class: 'clickable' + (String(a.id) === String(view.id) ? ' selected' : ''), 'data-id': String(a.id),
      onclick: () => go({ id: String(a.id) }),
    },
    h('td', {}, a.id), h('td', {}, a.date), h('td', {}, h('span', { lang: dataLang(a.area_name) }, a.area_name || a.area_code), h('small', { class: 'muted' }, ' ' + w(a.level))),
    h('td', {}, w(a.signal)), h('td', {}, sourceText(a)), h('td', {}, h('span', { class: 'badge al-' + a.status }, statusLabel(a.status)))))))));
  // after an action the hash is unchanged, so re-render in place
  if (view.id) await renderDetail(ctx, detail, view.id, () => renderAlerts(ctx, new URLSearchParams(location.hash.split('?')[1] || '')));
}

function sourceText(a) {
  return a.level === 'county' ? `${a.sources.split(';').length} ${w('township')}` : a.sources.split(';').map(w).join(listSep());
}

async function renderDetail(ctx, box, id, reload) {
  const { h, api } = ctx;
  let a;
  try { a = await api('/alerts/' + encodeURIComponent(id)); } catch (e) { box.replaceChildren(h('p', { class: 'error', id: 'alert-error' }, e.message)); return; }
  const row = (l, v) => h('tr', {}, h('th', {}, l), h('td', {}, v));
  const msg = h('p', { id: 'action-message', class: 'muted' });
  const note = h('textarea', { id: 'action-note', rows: '2', placeholder: w('note') });
  const buttons = a.next_actions.length
    ? a.next_actions.map((act) => h('button', { type: 'button', class: 'act-' + act, 'data-action': act, onclick: async () => {
      msg.className = 'muted'; msg.textContent = '';
      try {
        await api(`/alerts/${a.id}/${act}`, { method: 'POST', body: { note: note.value } });
        reload();
      } catch (e) { msg.className = 'error'; msg.textContent = e.message; }
    } }, w(act)))
    : [h('span', { class: 'muted' }, w('closed'))];
  box.replaceChildren(
    h('h2', { id: 'alert-title' }, `${w('detail')} #${a.id} · `, h('span', { lang: dataLang(a.area_name) }, a.area_name || a.area_code), ` · ${w(a.signal)}`),
    h('table', { class: 'kv' },
      row(w('status'), h('span', { class: 'badge al-' + a.status }, statusLabel(a.status))),
      row(w('date'), a.date), row(w('area'), [h('span', { lang: dataLang(a.area_name) }, a.area_name || ''), ` (${a.area_code}) · ${w(a.level)}`]),
      row(w('method'), w(a.method)), row(w('sources'), a.level === 'county' ? a.sources.split(';').join(listSep()) : a.sources.split(';').map(w).join(listSep())),
      row(w('raised'), localTime(a.raised_at)), row(w('assigned'), a.assigned_to || '—')),
    h('h2', {}, w('series')), h('div', { id: 'alert-series', class: 'chart' }),
    h('div', { class: 'actions' }, note, h('div', { class: 'buttons' }, buttons), msg),
    h('h2', {}, w('history')),
    h('table', { class: 'grid', id: 'alert-history' },
      h('thead', {}, h('tr', {}, [w('at'), w('by'), w('action'), w('from'), w('to'), w('note')].map((l) => h('th', {}, l)))),
      h('tbody', {}, a.events.map((e) => h('tr', {}, h('td', {}, localTime(e.at)), h('td', {}, /^hss /.test(e.by) ? w('system') : e.by), h('td', {}, w(e.action)),
        h('td', {}, e.from_status ? statusLabel(e.from_status) : '—'), h('td', {}, statusLabel(e.to_status)), h('td', {}, e.note || ''))))));
  drawSeries(a);
}

function drawSeries(a) {
  const el = document.getElementById('alert-series');
  if (!el) return;
  const start = new Date(a.series_from + 'T00:00:00Z');
  const days = [];
  for (let i = 0; i < 60; i++) days.push(new Date(start.getTime() + i * 86400000).toISOString().slice(0, 10));
  const triggered = new Set(a.sources.split(';'));
  const series = [];
  for (const s of a.series) {
    const key = s.source || s.township;
    const label = s.source ? w(s.source) : (s.name || s.township);
    const hot = triggered.has(key);
    series.push({ name: label, type: 'line', data: s.counts, symbol: 'none', lineStyle: { width: hot ? 2.5 : 1, opacity: hot ? 1 : 0.45 } });
    if (s.signals.length)
      series.push({ name: label + ' · ' + w('signalled'), type: 'scatter', symbolSize: 9, itemStyle: { color: '#c9302c' },
        data: s.signals.map((g) => [g.date, s.counts[days.indexOf(g.date)]]) });
  }
  if (series.length) series[0].markLine = { symbol: 'none', label: { formatter: w('alertDay') }, lineStyle: { color: '#c9302c', type: 'dashed' }, data: [{ xAxis: a.date }] };
  if (seriesChart) seriesChart.dispose();
  seriesChart = echarts.init(el);
  seriesChart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: days },
    yAxis: { type: 'value', minInterval: 1 },
    series,
  });
  el.dataset.series = String(a.series.length);
}

window.addEventListener('resize', () => seriesChart && seriesChart.resize());
