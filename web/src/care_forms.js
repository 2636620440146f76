// care_forms.js: recording the work where it is listed (家庭医生工作台): the follow-up form (it shows
// the verdict and the next visit the server computes from the thresholds before saving), the
// referral form with a destination picker (in-county first, type and grade shown), contract
// sign / renew / end, and a confirmation with a note before any irreversible step. Each write
// carries a client request_id, so that sending it twice stores it once. A follow-up or a contract
// made without network is kept in IndexedDB, shown as 待上传 and sent when the network returns;
// what is typed into a form is kept as a draft in localStorage until it is saved, so a reload or a
// dropped connection loses nothing. Also the follow-up chart of a record (ECharts).
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { getLang } from './i18n.js';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const words = {
  zh: {
    recordFollowup: '记录随访', refer: '转诊', save: '保存', cancel: '取消', confirm: '确认', date: '随访日期', disease: '病种',
    sbp: '收缩压 (mmHg)', dbp: '舒张压 (mmHg)', glucose: '空腹血糖 (mmol/L)', adherence: '服药依从性', medication: '用药',
    note: '备注', adh_regular: '规律', adh_intermittent: '间断', adh_none: '不服药', verdict: '判定', nextVisit: '下次',
    saved: '已保存', queued: '无网络：已保存在本机，待上传', pending: '待上传', uploaded: '已上传', refused: '未被接受',
    hypertension: '高血压', diabetes: '2型糖尿病', to: '转入机构', reason: '转诊原因', urgency: '紧急程度',
    urg_routine: '普通', urg_urgent: '加急', urg_emergency: '急诊', inCounty: '县域内', outCounty: '县域外',
    sign: '签约', renew: '续约', end: '解约', team: '团队', package: '服务包', start: '开始日期', endDate: '解约日期',
    endReason: '解约原因', confirmStep: '此操作不可撤销，请确认', stepNote: '说明', chart: '随访记录与趋势',
    visit: '随访日期', by: '随访人', checking: '判定中…', offlineBanner: '当前无网络：随访和签约会先保存在本机，联网后自动上传',
    pendingTitle: '待上传的记录', sending: '上传中…', followups: '随访记录', none: '无', network: '网络错误',
    pkg_basic: '基础包', pkg_elderly: '老年人包', pkg_chronic: '慢病包', pkg_maternal_child: '妇幼包', pkg_mental: '严重精神障碍包',
    pkg_tuberculosis: '肺结核包', pkg_disabled: '残疾人包', pkg_personalised: '个性化包', sent: '已提交',
    st_accepted: '接收', st_rejected: '拒绝', st_arrived: '到诊', st_completed: '诊疗完成', st_down_referred: '下转', st_received: '基层接收',
  },
  en: {
    recordFollowup: 'Record follow-up', refer: 'Refer', save: 'Save', cancel: 'Cancel', confirm: 'Confirm', date: 'Visit date', disease: 'Disease',
    sbp: 'Systolic (mmHg)', dbp: 'Diastolic (mmHg)', glucose: 'Fasting glucose (mmol/L)', adherence: 'Adherence', medication: 'Medication',
    note: 'Note', adh_regular: 'regular', adh_intermittent: 'intermittent', adh_none: 'none', verdict: 'Verdict', nextVisit: 'Next',
    saved: 'Saved', queued: 'No network: kept on this device, waiting to upload', pending: 'waiting to upload', uploaded: 'uploaded', refused: 'refused',
    hypertension: 'hypertension', diabetes: 'type-2 diabetes', to: 'Refer to', reason: 'Reason', urgency: 'Urgency',
    urg_routine: 'routine', urg_urgent: 'urgent', urg_emergency: 'emergency', inCounty: 'in county', outCounty: 'outside the county',
    sign: 'Sign', renew: 'Renew', end: 'End', team: 'Team', package: 'Package', start: 'Start', endDate: 'End date',
    endReason: 'Reason for ending', confirmStep: 'This cannot be undone. Please confirm', stepNote: 'Note', chart: 'Follow-ups and trend',
    visit: 'Visit', by: 'By', checking: 'checking…', offlineBanner: 'No network: follow-ups and contracts are kept on this device and uploaded when back online',
    pendingTitle: 'Waiting to upload', sending: 'uploading…', followups: 'Follow-ups', none: 'none', network: 'network error',
    pkg_basic: 'basic', pkg_elderly: 'older people', pkg_chronic: 'chronic disease', pkg_maternal_child: 'mother and child', pkg_mental: 'severe mental illness',
    pkg_tuberculosis: 'tuberculosis', pkg_disabled: 'disability', pkg_personalised: 'personalised', sent: 'Sent',
    st_accepted: 'accept', st_rejected: 'reject', st_arrived: 'arrived', st_completed: 'completed', st_down_referred: 'refer down', st_received: 'received',
  },
};
export const fw = (k) => (words[getLang()] && words[getLang()][k]) || words.zh[k] || k;
const PACKAGES = ['basic', 'elderly', 'chronic', 'maternal_child', 'mental', 'tuberculosis', 'disabled', 'personalised'];
const RECEIVING = ['accepted', 'rejected', 'arrived', 'completed', 'down_referred'];

// ---- who may do what (GET /care/whoami, once per login) ------------------------------------------
let who = null;
export async function whoami(ui) {
  if (who && who.user === ui.state.me.user) return who;
  who = await ui.api('/care/whoami');
  return who;
}
// The referral steps this user may take from those the state machine allows.
export function allowedSteps(me, next) {
  if (!me) return [];
  if (me.role === 'hospital') return next.filter((s) => RECEIVING.includes(s));
  if (me.role === 'doctor') return next.filter((s) => !RECEIVING.includes(s));
  if (me.may_record) return next;
  return [];
}

// ---- writes, with request ids and the offline queue --------------------------------------------------
const rid = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + '-' + Math.random().toString(36).slice(2));

function idb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('hss-care', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('queue', { keyPath: 'request_id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function queueOp(mode, fn) {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction('queue', mode);
    const out = fn(tx.objectStore('queue'));
    tx.oncomplete = () => { db.close(); resolve(out && out.result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}
export const queued = () => queueOp('readonly', (s) => s.getAll());
const enqueue = (item) => queueOp('readwrite', (s) => s.put(item));
const dequeue = (id) => queueOp('readwrite', (s) => s.delete(id));

// POST with the CSRF token and the user's language. Resolves {ok, status, data}; a network failure
// is {ok:false, status:0}.
async function send(ui, path, body) {
  const headers = { 'Content-Type': 'application/json', 'X-HSS-Lang': getLang() };
  if (ui.state.csrf) headers['X-CSRF-Token'] = ui.state.csrf;
  try {
    const res = await fetch('/api/v1' + path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, status: res.status, data };
  } catch (e) {
    return { ok: false, status: 0, data: { error: fw('network') } };
  }
}

// A write that may wait for the network (follow-ups, contracts): queued when offline.
export async function write(ui, path, body, label, queueable) {
  const item = { request_id: body.request_id || rid(), path, body: { ...body }, label, at: new Date().toISOString(), user: ui.state.me.user };
  item.body.request_id = item.request_id;
  const r = queueable && !navigator.onLine ? { status: 0 } : await send(ui, path, item.body);
  if (r.status === 0 && queueable) {
    await enqueue({ ...item, state: 'pending' });
    notifyQueue();
    return { ok: true, queued: true, data: {} };
  }
  return r;
}

let flushing = false;
const listeners = new Set();
export const onQueueChange = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
function notifyQueue() { for (const fn of listeners) fn(); }

// Sends what is waiting, oldest first, each once: kept on a network failure, dropped on an answer
// (a refusal stays listed with its message until the user dismisses it).
export async function flush(ui) {
  if (flushing || !navigator.onLine || !ui.state.me) return;
  flushing = true;
  try {
    const items = (await queued()).filter((x) => x.state === 'pending' && x.user === ui.state.me.user).sort((a, b) => a.at.localeCompare(b.at));
    for (const it of items) {
      const r = await send(ui, it.path, it.body);
      if (r.status === 0) break;
      if (r.ok) await dequeue(it.request_id);
      else await enqueue({ ...it, state: 'refused', error: r.data.error || String(r.status) });
      notifyQueue();
    }
  } finally { flushing = false; }
}

// The list of waiting and refused records, kept current.
export function queuePanel(ui) {
  const { h } = ui;
  const box = h('section', { class: 'panel queue', id: 'care-queue', hidden: true });
  const draw = async () => {
    const items = (await queued().catch(() => [])).filter((x) => x.user === ui.state.me.user);
    box.hidden = !items.length && navigator.onLine;
    box.replaceChildren(...[
      navigator.onLine ? null : h('p', { class: 'warn', id: 'offline-banner' }, fw('offlineBanner')),
      items.length ? h('h2', {}, fw('pendingTitle')) : null,
      items.length ? h('ul', { class: 'queue-list' }, items.map((x) => h('li', { class: 'q-' + x.state, 'data-request': x.request_id },
        h('span', { class: 'badge ' + (x.state === 'pending' ? 'pending' : 'fail') }, x.state === 'pending' ? fw('pending') : fw('refused')),
        ' ', x.label, x.error ? h('div', { class: 'error' }, x.error) : null,
        x.state === 'refused' ? h('button', { class: 'small', onclick: async () => { await dequeue(x.request_id); notifyQueue(); } }, '×') : null))) : null].filter(Boolean));
  };
  const off = onQueueChange(() => { if (!box.isConnected) off(); else draw(); });
  draw();
  return box;
}

let wired = false;
export function wireOffline(ui) {
  if (wired) return;
  wired = true;
  window.addEventListener('online', () => { notifyQueue(); flush(ui); });
  window.addEventListener('offline', () => notifyQueue());
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  flush(ui);
}

// ---- dialogs ------------------------------------------------------------------------------------------
// A modal panel; returns {el, close}. Escape and the cancel button close it.
function modal(ui, id, title, body, actions) {
  const { h } = ui;
  const close = () => { back.remove(); document.removeEventListener('keydown', onKey); };
  const onKey = (ev) => { if (ev.key === 'Escape') close(); };
  const back = h('div', { class: 'modal-back' }, h('div', { class: 'modal', id, role: 'dialog', 'aria-modal': 'true' },
    h('h2', {}, title), body, h('div', { class: 'modal-actions' }, actions,
      h('button', { type: 'button', class: 'secondary', id: id + '-cancel', onclick: () => close() }, fw('cancel')))));
  document.addEventListener('keydown', onKey);
  document.body.append(back);
  return { el: back, close };
}

// A labelled field with a place for its error.
function field(h, name, label, input) {
  input.name = name;
  input.id = 'f-' + name;
  return h('label', { class: 'field', 'data-field': name }, h('span', {}, label), input, h('span', { class: 'field-error', id: 'err-' + name }));
}
function showErrors(form, data) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  const slot = data && data.field && form.querySelector('#err-' + data.field);
  if (slot) slot.textContent = data.error;
  return !slot;
}

// Drafts: what was typed, kept until saved.
const draftKey = (k) => 'hss.draft.' + k;
const loadDraft = (k) => { try { return JSON.parse(localStorage.getItem(draftKey(k)) || 'null'); } catch (e) { return null; } };
const keepDraft = (k, form) => localStorage.setItem(draftKey(k), JSON.stringify(Object.fromEntries(new FormData(form).entries())));
const dropDraft = (k) => localStorage.removeItem(draftKey(k));
function restore(form, d) { if (d) for (const [k, v] of Object.entries(d)) if (form.elements[k] && k !== 'request_id') form.elements[k].value = v; }

// The follow-up form. `p` = {resident, name, disease, date}. onSaved(answer) after a save or queueing.
export function followupForm(ui, p, onSaved) {
  const { h } = ui;
  const key = `fu.${p.resident}.${p.disease}`;
  const htn = p.disease === 'hypertension';
  const num = (step) => h('input', { type: 'number', inputmode: 'decimal', step, min: '0' });
  const verdict = h('div', { class: 'verdict', id: 'fu-verdict', 'aria-live': 'polite' });
  const form = h('form', { class: 'care-form', id: 'followup-form', novalidate: true },
    h('p', { class: 'muted' }, `${p.name} · ${fw(p.disease)}`),
    field(h, 'date', fw('date'), h('input', { type: 'date', value: p.date || '' })),
    htn ? field(h, 'sbp', fw('sbp'), num('1')) : null,
    htn ? field(h, 'dbp', fw('dbp'), num('1')) : null,
    field(h, 'glucose', fw('glucose'), num('0.1')),
    field(h, 'adherence', fw('adherence'), h('select', {}, h('option', { value: '' }, '—'),
      ['regular', 'intermittent', 'none'].map((a) => h('option', { value: a }, fw('adh_' + a))))),
    field(h, 'medication', fw('medication'), h('input', { type: 'text', maxlength: '200', autocomplete: 'off' })),
    field(h, 'note', fw('note'), h('textarea', { rows: '2', maxlength: '500' })),
    h('input', { type: 'hidden', name: 'request_id', value: rid() }),
    verdict, h('p', { class: 'error', id: 'fu-error' }));
  restore(form, loadDraft(key));
  const body = (preview) => {
    const f = Object.fromEntries(new FormData(form).entries());
    const b = { resident: p.resident, disease: p.disease, date: f.date, sbp: f.sbp || null, dbp: f.dbp || null,
      glucose: f.glucose || null, adherence: f.adherence || null, medication: f.medication, note: f.note };
    if (preview) b.preview = true; else b.request_id = f.request_id;
    return b;
  };
  // the verdict, from the server's rules, as the readings are typed
  let seq = 0;
  const check = async () => {
    keepDraft(key, form);
    const f = body(true);
    if (htn ? !(f.sbp && f.dbp) : !f.glucose) { verdict.replaceChildren(); return; }
    const mine = ++seq;
    verdict.textContent = fw('checking');
    verdict.dataset.state = 'checking';
    const r = await send(ui, '/care/followups', f);
    if (mine !== seq) return;
    if (r.status === 0) { verdict.replaceChildren(); delete verdict.dataset.state; return; }
    if (!r.ok) { showErrors(form, r.data); verdict.replaceChildren(); delete verdict.dataset.state; return; }
    showErrors(form, null);
    verdict.dataset.state = r.data.verdict.reading;
    verdict.replaceChildren(h('strong', {}, r.data.verdict.label), /* in the user's language */
      ` · ${fw('nextVisit')}: ${r.data.next.action_label} (${r.data.next.due_date})`, h('div', { class: 'muted' }, r.data.next.reason));
  };
  form.addEventListener('input', () => keepDraft(key, form));
  form.addEventListener('change', check);
  const save = h('button', { type: 'submit', id: 'fu-save', form: 'followup-form' }, fw('save'));
  const m = modal(ui, 'followup-dialog', fw('recordFollowup'), form, save);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    const b = body(false);
    const r = await write(ui, '/care/followups', b, `${fw('recordFollowup')} · ${p.name} · ${b.date}`, true);
    save.disabled = false;
    if (!r.ok) { if (showErrors(form, r.data)) form.querySelector('#fu-error').textContent = r.data.error || ''; return; }
    dropDraft(key);
    m.close();
    onSaved(r);
  });
  check();
  return m;
}

// Confirmation with a note for an irreversible step; resolves the note, or null when cancelled.
export function confirmStep(ui, title, detail) {
  const { h } = ui;
  return new Promise((resolve) => {
    const note = h('textarea', { rows: '2', maxlength: '500', id: 'step-note' });
    const ok = h('button', { type: 'button', id: 'step-confirm', onclick: () => { m.close(); resolve(note.value); } }, fw('confirm'));
    const m = modal(ui, 'step-dialog', title, h('div', { class: 'care-form' }, h('p', { class: 'warn' }, fw('confirmStep')),
      detail ? h('p', {}, detail) : null, h('label', { class: 'field' }, h('span', {}, fw('stepNote')), note)), ok);
    m.el.querySelector('#step-dialog-cancel').addEventListener('click', () => resolve(null));
  });
}

// The referral form from a 需转诊 row: p = {resident, name, reason}.
export async function referralForm(ui, p, onSaved) {
  const { h, api } = ui;
  const dest = await api('/care/destinations' + ui.qs({ resident: String(p.resident) }));
  const zh = getLang() === 'zh';
  const opt = (d) => h('option', { value: d.code },
    `${d.name} · ${zh ? d.type_zh : d.type.replace(/_/g, ' ')}${d.grade !== 'none' ? ' · ' + (zh ? d.grade_zh : d.grade) : ''}`);
  const inc = dest.rows.filter((d) => d.in_county), out = dest.rows.filter((d) => !d.in_county);
  const form = h('form', { class: 'care-form', id: 'referral-form', novalidate: true },
    h('p', { class: 'muted' }, p.name),
    field(h, 'to', fw('to'), h('select', {}, inc.length ? h('optgroup', { label: fw('inCounty') }, inc.map(opt)) : null,
      out.length ? h('optgroup', { label: fw('outCounty') }, out.map(opt)) : null)),
    field(h, 'reason', fw('reason'), h('textarea', { rows: '2', maxlength: '500' })),
    field(h, 'urgency', fw('urgency'), h('select', {}, ['routine', 'urgent', 'emergency'].map((u) => h('option', { value: u }, fw('urg_' + u))))),
    h('p', { class: 'warn' }, fw('confirmStep')), h('p', { class: 'error', id: 'rf-error' }));
  form.elements.reason.value = p.reason || '';
  const reqId = rid();
  const save = h('button', { type: 'submit', id: 'rf-save', form: 'referral-form' }, fw('refer'));
  const m = modal(ui, 'referral-dialog', fw('refer'), form, save);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries());
    const r = await write(ui, '/care/referrals', { request_id: reqId, resident: p.resident, to: f.to, reason: f.reason, urgency: f.urgency }, '', false);
    if (!r.ok) { if (showErrors(form, r.data)) form.querySelector('#rf-error').textContent = r.data.error || ''; return; }
    m.close();
    onSaved(r);
  });
  return m;
}

// Contract sign / renew / end from a record: kind 'sign' (p = {resident, team}), 'renew' or 'end' (p = {contract_id}).
export function contractForm(ui, kind, p, onSaved) {
  const { h } = ui;
  const key = `ct.${kind}.${p.resident || p.contract_id}`;
  const pk = (sel) => h('select', {}, sel ? h('option', { value: '' }, '—') : null, PACKAGES.map((x) => h('option', { value: x }, fw('pkg_' + x))));
  const form = h('form', { class: 'care-form', id: 'contract-form', novalidate: true },
    kind === 'sign' ? field(h, 'package', fw('package'), pk(false)) : null,
    kind === 'sign' ? field(h, 'start', fw('start'), h('input', { type: 'date', value: p.date || '' })) : null,
    kind === 'renew' ? field(h, 'package', fw('package'), pk(true)) : null,
    kind === 'end' ? field(h, 'date', fw('endDate'), h('input', { type: 'date', value: p.date || '' })) : null,
    kind === 'end' ? field(h, 'reason', fw('endReason'), h('textarea', { rows: '2', maxlength: '500' })) : null,
    kind === 'end' ? h('p', { class: 'warn' }, fw('confirmStep')) : null,
    h('input', { type: 'hidden', name: 'request_id', value: rid() }), h('p', { class: 'error', id: 'ct-error' }));
  restore(form, loadDraft(key));
  form.addEventListener('input', () => keepDraft(key, form));
  const save = h('button', { type: 'submit', id: 'ct-save', form: 'contract-form' }, fw(kind));
  const m = modal(ui, 'contract-dialog', fw(kind), form, save);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries());
    const path = kind === 'sign' ? '/care/contracts' : `/care/contracts/${p.contract_id}/${kind}`;
    const b = kind === 'sign' ? { request_id: f.request_id, resident: p.resident, team: p.team, package: f.package, start: f.start }
      : kind === 'renew' ? { request_id: f.request_id, package: f.package || null } : { request_id: f.request_id, date: f.date, reason: f.reason };
    const r = await write(ui, path, b, `${fw(kind)} · ${p.name || ''}`, true);
    if (!r.ok) { if (showErrors(form, r.data)) form.querySelector('#ct-error').textContent = r.data.error || ''; return; }
    dropDraft(key);
    m.close();
    onSaved(r);
  });
  return m;
}

// ---- the follow-up chart -------------------------------------------------------------------------------
export function followupChart(ui, followups) {
  const { h } = ui;
  const el = h('div', { class: 'chart fu-chart', id: 'followup-chart' });
  if (!followups.length) return h('p', { class: 'muted' }, fw('none'));
  requestAnimationFrame(() => {
    if (!el.isConnected) return;
    const chart = echarts.init(el);
    const dates = followups.map((f) => f.visit_date);
    const s = (k) => followups.map((f) => (f[k] === null ? null : f[k]));
    const series = [['sbp', 0], ['dbp', 0], ['glucose', 1]].filter(([k]) => followups.some((f) => f[k] !== null))
      .map(([k, axis]) => ({ type: 'line', name: fw(k), yAxisIndex: axis, data: s(k), connectNulls: true, symbolSize: 6 }));
    chart.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 40, right: 40, top: 30, bottom: 30 }, xAxis: { type: 'category', data: dates },
      yAxis: [{ type: 'value', name: 'mmHg', scale: true }, { type: 'value', name: 'mmol/L', scale: true }], series });
    el.dataset.points = String(followups.length);
    new ResizeObserver(() => chart.resize()).observe(el);
  });
  return el;
}
