// plan.js: the 规划实施 screen (plan implementation and supervision) over /api/v1/tasks,
// /api/v1/evaluations and /api/v1/rectifications. Four tabs: the task list by document, unit and
// status (overdue in red, no report this period marked), with a task's cited sentence, reports,
// evidence files and the reviewer's accept/return; a responsible unit's own view with the
// progress report form (files sent as base64 with the report, so that the report and its files
// are stored together or not at all); the timeline of saved evaluations with the comparison of
// two and "assign for rectification" on a failure; and the 整改 list. Chinese first.
import { t, getLang, localTime } from './i18n.js';

const TABS = ['tasks', 'mine', 'evaluations', 'rect'];
const STATUSES = ['not_started', 'in_progress', 'done', 'blocked'];
const PACKS = ['lishui', 'nanyang', 'yiwu', 'liaocheng', 'national'];
const view = { tab: 'tasks', status: '', unit: '', overdue: '', task: '', a: '', b: '' };

// Requests through fetch so that a refusal shows the message in the user's language (error_zh).
async function call(ctx, path, opts = {}) {
  const session = ctx.state.session;
  const headers = {};
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.method && opts.method !== 'GET') headers['X-CSRF-Token'] = ctx.state.csrf;
  const res = await fetch('/api/v1' + path, {
    method: opts.method || 'GET', headers, credentials: 'same-origin',
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (ctx.state.session !== session) return new Promise(() => {}); // the user logged out meanwhile (see api)
  if (!res.ok) throw new Error((getLang() === 'zh' && data.error_zh) || data.error || res.statusText);
  return data;
}

const badge = (cls, text, id) => ['span', { class: 'badge ' + cls, 'data-badge': id || cls }, text];

export async function renderPlan(ctx, params) {
  const { h, shell } = ctx;
  for (const k of Object.keys(view)) view[k] = params.get(k) || '';
  const isUnit = ctx.state.me.role === 'unit';
  if (!TABS.includes(view.tab)) view.tab = isUnit ? 'mine' : 'tasks';
  let path = [];
  try { path = (await ctx.api('/areas/' + ctx.state.me.scope)).path; } catch (e) { /* scope area missing */ }
  const { side, main } = shell(path);
  ctx.renderTree(side, ctx.state.me.scope).catch(() => {});
  const tabs = h('nav', { class: 'plan-tabs', id: 'plan-tabs' }, TABS.filter((k) => k !== 'mine' || isUnit)
    .map((k) => h('a', { href: '#/plan?tab=' + k, id: 'tab-' + k, class: k === view.tab ? 'current' : null }, t('planTab_' + k))));
  const box = h('section', { class: 'panel', id: 'plan-' + view.tab });
  main.append(h('h1', {}, t('planTitle')), tabs, box);
  const go = (p) => {
    const q = new URLSearchParams({ ...view, ...p });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    const next = '#/plan?' + q.toString();
    // the same hash fires no hashchange: after a write, render again in place
    if (location.hash === next) renderPlan(ctx, q);
    else location.hash = next;
  };
  try {
    if (view.tab === 'tasks' || view.tab === 'mine') await renderTasks(ctx, box, go, view.tab === 'mine');
    else if (view.tab === 'evaluations') await renderEvaluations(ctx, box, go);
    else await renderRect(ctx, box);
  } catch (e) { box.append(h('p', { class: 'error', id: 'plan-error' }, e.message)); }
}

// ---- tasks --------------------------------------------------------------------------------------
async function renderTasks(ctx, box, go, mine) {
  const { h, qs } = ctx;
  const tasks = await call(ctx, '/tasks' + qs({ status: view.status, unit: mine ? '' : view.unit, overdue: view.overdue }));
  const units = [...new Set(tasks.flatMap((x) => x.units.split('、')))].sort();
  const sel = (id, value, options, key) => h('select', { id, onchange: (ev) => go({ [key]: ev.target.value, task: '' }) },
    options.map(([v, l]) => h('option', { value: v, selected: v === value ? true : null }, l)));
  const overdueN = tasks.filter((x) => x.overdue).length;
  box.append(h('div', { class: 'cards' },
    [[tasks.length, t('planTasks')], [overdueN, t('planOverdue')], [tasks.filter((x) => x.stale).length, t('planStale')],
      [tasks.filter((x) => x.status === 'done').length, t('planDone')]]
      .map(([n, l], i) => h('div', { class: 'card' + (i === 1 && n ? ' gap' : '') }, h('div', { class: 'num' }, n), h('div', { class: 'label' }, l)))));
  box.append(h('div', { class: 'filters', id: 'task-filters' },
    h('label', {}, t('status'), sel('task-status', view.status, [['', t('all')], ...STATUSES.map((s) => [s, t('planSt_' + s)])], 'status')),
    mine ? null : h('label', {}, t('planUnit'), sel('task-unit', view.unit, [['', t('all')], ...units.map((u) => [u, u])], 'unit')),
    h('label', {}, h('input', { type: 'checkbox', id: 'task-overdue', checked: view.overdue ? true : null,
      onchange: (ev) => go({ overdue: ev.target.checked ? '1' : '' }) }), ' ' + t('planOverdueOnly'))));
  if (!tasks.length) { box.append(h('p', { class: 'muted', id: 'no-tasks' }, t('planNoTasks'))); return; }
  const byDoc = {};
  for (const x of tasks) (byDoc[x.document_title || x.document] ||= []).push(x);
  const detail = h('div', { id: 'task-detail' });
  for (const [doc, list] of Object.entries(byDoc)) {
    box.append(h('h2', {}, getLang() === 'zh' ? `《${doc}》` : doc),
      h('div', { class: 'scroll' }, h('table', { class: 'grid task-table' },
        h('thead', {}, h('tr', {}, [t('planTask'), t('area'), t('planLead'), t('planUnits'), t('planDue'), t('status'), t('planLast')].map((l) => h('th', {}, l)))),
        h('tbody', {}, list.map((x) => h('tr', {
          class: 'clickable' + (x.overdue ? ' overdue' : '') + (x.id === view.task ? ' selected' : ''), 'data-task': x.id,
          onclick: () => go({ task: x.id }),
        },
        h('td', {}, getLang() === 'zh' ? x.title : x.title_en, h('div', { class: 'muted' }, getLang() === 'zh' ? x.target : x.target_en)),
        h('td', {}, x.area_name), h('td', {}, x.lead), h('td', {}, x.units),
        h('td', { class: x.overdue ? 'late' : null }, x.due, x.overdue ? h(...badge('fail', t('planOverdue'), 'overdue')) : null),
        h('td', {}, h(...badge('st-' + x.status, t('planSt_' + x.status), x.status))),
        h('td', {}, x.last_report || t('planNever'), x.stale ? h(...badge('unknown', t('planStale'), 'stale')) : null)))))));
  }
  box.append(detail);
  if (view.task) await renderTask(ctx, detail, view.task, mine, () => go({}));
}

async function renderTask(ctx, box, id, mine, reload) {
  const { h } = ctx;
  const d = await call(ctx, '/tasks/' + encodeURIComponent(id));
  const x = d.task;
  const zh = getLang() === 'zh';
  const row = (l, v) => h('tr', {}, h('th', {}, l), h('td', {}, v));
  box.append(h('h2', {}, zh ? x.title : x.title_en), h('table', { class: 'kv' },
    row(t('source'), h('q', { id: 'task-quote' }, x.quote)),
    row(t('target'), [zh ? x.target : x.target_en, x.value !== null ? ` (${x.value}${x.unit || ''})` : '']),
    row(t('planLead'), x.lead), row(t('planUnits'), x.units), row(t('planDue'), x.due),
    row(t('status'), t('planSt_' + x.status))));
  if (mine) box.append(reportForm(ctx, x, reload));
  const reviewer = ['admin', 'planner'].includes(ctx.state.me.role);
  box.append(h('h3', {}, t('planReports')));
  if (!d.reports.length) box.append(h('p', { class: 'muted' }, t('planNoReports')));
  for (const r of d.reports) {
    const msg = h('p', { class: 'muted' });
    const note = h('textarea', { rows: '2', class: 'review-note', placeholder: t('planNote') });
    const act = (decision) => async () => {
      try { await call(ctx, `/tasks/reports/${r.id}/review`, { method: 'POST', body: { decision, note: note.value } }); reload(); } catch (e) { msg.className = 'error'; msg.textContent = e.message; }
    };
    box.append(h('div', { class: 'report', 'data-report': String(r.id) },
      h('p', {}, h('strong', {}, r.date), ' ', r.unit, ' · ', t('planSt_' + r.status), r.value !== null ? ` · ${r.value}` : '', ' ',
        h(...badge('rv-' + r.review, t('planRv_' + r.review), 'review'))),
      h('p', {}, r.narrative),
      r.review_note ? h('p', { class: 'muted' }, t('planNote') + '：' + r.review_note) : null,
      h('ul', { class: 'files' }, r.attachments.map((a) => h('li', {},
        h('a', { href: '/api/v1/tasks/attachments/' + a.id, download: a.name, class: 'file' }, a.name), ` (${Math.ceil(a.size / 1024)} KB)`))),
      reviewer && r.review === 'pending' ? h('div', { class: 'review' }, note,
        h('button', { type: 'button', class: 'accept', onclick: act('accept') }, t('planAccept')),
        h('button', { type: 'button', class: 'return', onclick: act('return') }, t('planReturn')), msg) : null));
  }
}

const toBase64 = (file) => new Promise((resolve, reject) => {
  const r = new FileReader();
  r.onload = () => resolve(String(r.result).split(',')[1] || '');
  r.onerror = () => reject(r.error);
  r.readAsDataURL(file);
});

function reportForm(ctx, x, reload) {
  const { h } = ctx;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // Asia/Shanghai
  const msg = h('p', { id: 'report-message', class: 'muted' });
  const form = h('form', { class: 'report-form', id: 'report-form', onsubmit: async (ev) => {
    ev.preventDefault();
    msg.className = 'muted'; msg.textContent = t('loading');
    try {
      const files = [...form.elements.files.files];
      const attachments = await Promise.all(files.map(async (f) => ({ name: f.name, data: await toBase64(f) })));
      const v = form.elements.value ? form.elements.value.value : '';
      await call(ctx, '/tasks/' + encodeURIComponent(x.id) + '/reports', { method: 'POST', body: {
        date: form.elements.date.value, status: form.elements.status.value, narrative: form.elements.narrative.value,
        value: v === '' ? null : Number(v), attachments } });
      reload();
    } catch (e) { msg.className = 'error'; msg.textContent = e.message; }
  } },
  h('h3', {}, t('planReport')),
  h('label', {}, t('planDate'), h('input', { type: 'date', name: 'date', value: today, max: today, required: true })),
  h('label', {}, t('status'), h('select', { name: 'status' }, STATUSES.slice(1).map((s) => h('option', { value: s }, t('planSt_' + s))))),
  x.value !== null ? h('label', {}, `${t('planValue')} (${t('target')} ${x.value}${x.unit || ''})`, h('input', { type: 'number', step: 'any', name: 'value' })) : null,
  h('label', {}, t('planNarrative'), h('textarea', { name: 'narrative', rows: '3', required: true })),
  h('label', {}, t('planFiles'), h('input', { type: 'file', name: 'files', multiple: true, accept: '.pdf,.png,.jpg,.jpeg,.xlsx' })),
  h('button', { type: 'submit', id: 'report-submit' }, t('planSubmit')), msg);
  return form;
}

// ---- saved evaluations and their comparison --------------------------------------------------
const CHANGES = ['newly_failing', 'worse', 'better', 'fixed'];

async function renderEvaluations(ctx, box, go) {
  const { h } = ctx;
  const evals = await call(ctx, '/evaluations');
  const reviewer = ['admin', 'planner'].includes(ctx.state.me.role);
  const msg = h('p', { class: 'muted', id: 'eval-message' });
  if (reviewer) {
    const pack = h('select', { id: 'eval-pack' }, PACKS.map((p) => h('option', { value: p }, t('planPack_' + p))));
    const label = h('input', { id: 'eval-label', placeholder: t('planLabel') });
    box.append(h('div', { class: 'filters' }, h('label', {}, t('planPack'), pack), h('label', {}, t('planLabel'), label),
      h('button', { type: 'button', id: 'eval-save', onclick: async () => {
        msg.className = 'muted'; msg.textContent = t('loading');
        try { const r = await call(ctx, '/evaluations', { method: 'POST', body: { pack: pack.value, label: label.value } }); go({ b: String(r.id) }); } catch (e) { msg.className = 'error'; msg.textContent = e.message; }
      } }, t('planSave')), msg));
  }
  if (!evals.length) { box.append(h('p', { class: 'muted', id: 'no-evals' }, t('planNoEvals'))); return; }
  const a = view.a || (evals[1] ? String(evals[1].id) : ''), b = view.b || String(evals[0].id);
  const pick = (id, value, key) => h('select', { id, onchange: (ev) => go({ [key]: ev.target.value }) },
    evals.map((e) => h('option', { value: String(e.id), selected: String(e.id) === value ? true : null }, `${localTime(e.at)} ${e.label || e.pack_title}`)));
  box.append(h('h2', {}, t('planTimeline')), h('ol', { class: 'timeline', id: 'eval-timeline' }, evals.map((e) => h('li', { 'data-eval': String(e.id) },
    h('strong', {}, localTime(e.at)), ' ', e.label || '', ' · ', e.pack_title, ' · ',
    h('span', { class: 'badge pass' }, `${t('pass')} ${e.pass}`), ' ', h('span', { class: 'badge fail' }, `${t('fail')} ${e.fail}`), ' ',
    h('span', { class: 'badge unknown' }, `${t('unknown')} ${e.unknown}`)))));
  if (!a) return;
  box.append(h('h2', {}, t('planCompare')), h('div', { class: 'filters' }, h('label', {}, t('planBefore'), pick('eval-a', a, 'a')), h('label', {}, t('planAfter'), pick('eval-b', b, 'b'))));
  const items = await call(ctx, `/evaluations/compare?a=${a}&b=${b}`);
  const counts = Object.fromEntries(CHANGES.map((c) => [c, items.filter((i) => i.change === c).length]));
  box.append(h('div', { class: 'cards', id: 'change-cards' }, CHANGES.map((c) => h('div', { class: 'card ch-' + c, 'data-change': c },
    h('div', { class: 'num' }, counts[c]), h('div', { class: 'label' }, t('planCh_' + c))))));
  if (!items.length) { box.append(h('p', { class: 'muted', id: 'no-changes' }, t('planNoChanges'))); return; }
  const form = h('div', { id: 'rect-form' });
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'change-table' },
    h('thead', {}, h('tr', {}, [t('planStandard'), t('area'), t('facility'), t('planBefore'), t('planAfter'), t('planChange'), ''].map((l) => h('th', {}, l)))),
    h('tbody', {}, items.map((i) => h('tr', { class: 'ch-' + i.change, 'data-change': i.change },
      h('td', {}, i.title), h('td', {}, i.area_name), h('td', {}, i.facility_name || '—'),
      h('td', {}, statusText(i.before, i.before_observed, i.unit)), h('td', {}, statusText(i.after, i.after_observed, i.unit)),
      h('td', {}, h(...badge('ch-' + i.change, t('planCh_' + i.change)))),
      h('td', {}, reviewerCanAssign(ctx, i) ? h('button', { type: 'button', class: 'assign', onclick: () => assignForm(ctx, form, b, i) }, t('planAssign')) : null)))))), form);
}

const reviewerCanAssign = (ctx, i) => ['admin', 'planner'].includes(ctx.state.me.role) && i.after === 'fail';
function statusText(s, v, unit) {
  if (s === 'absent') return '—';
  return t(s) + (v !== null && v !== undefined ? ` (${v}${unit || ''})` : '');
}

function assignForm(ctx, box, evalId, i) {
  const { h } = ctx;
  const msg = h('p', { class: 'muted' });
  const inFour = new Date(Date.now() + (8 * 3600e3) + 90 * 86400e3).toISOString().slice(0, 10);
  const form = h('form', { class: 'report-form', id: 'assign-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await call(ctx, '/rectifications', { method: 'POST', body: { eval: Number(evalId), rule: i.rule, area: i.area, facility: i.facility,
        unit: form.elements.unit.value, deadline: form.elements.deadline.value, note: form.elements.note.value } });
      location.hash = '#/plan?tab=rect';
    } catch (e) { msg.className = 'error'; msg.textContent = e.message; }
  } },
  h('h3', {}, `${t('planAssign')}：${i.title} · ${i.area_name}`),
  h('label', {}, t('planUnit'), h('input', { name: 'unit', required: true })),
  h('label', {}, t('planDeadline'), h('input', { type: 'date', name: 'deadline', value: inFour, required: true })),
  h('label', {}, t('planNote'), h('textarea', { name: 'note', rows: '2' })),
  h('button', { type: 'submit', id: 'assign-submit' }, t('planAssign')), msg);
  box.replaceChildren(form);
}

// ---- 整改 ---------------------------------------------------------------------------------------
async function renderRect(ctx, box) {
  const { h } = ctx;
  const items = await call(ctx, '/rectifications');
  if (!items.length) { box.append(h('p', { class: 'muted', id: 'no-rect' }, t('planNoRect'))); return; }
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'rect-table' },
    h('thead', {}, h('tr', {}, [t('planStandard'), t('area'), t('facility'), t('gap'), t('planUnit'), t('planDeadline'), t('status')].map((l) => h('th', {}, l)))),
    h('tbody', {}, items.map((r) => h('tr', { class: r.overdue ? 'overdue' : null, 'data-rect': String(r.id), 'data-status': r.status },
      h('td', {}, r.title || r.rule), h('td', {}, r.area_name || r.area), h('td', {}, r.facility_name || '—'), h('td', {}, r.gap_text || '—'),
      h('td', {}, r.unit), h('td', { class: r.overdue ? 'late' : null }, r.deadline),
      h('td', {}, h(...badge(r.status === 'open' ? 'fail' : 'pass', t('planRect_' + r.status), r.status)),
        r.status === 'closed' && r.closed_at ? h('div', { class: 'muted' }, t('planClosedBy') + ' ' + r.closed_at.slice(0, 10)) : null)))))));
}
