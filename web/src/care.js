// care.js: the family-doctor screens of the dashboard (家庭医生工作台) over /api/v1/care: a team's or
// facility's worklist (due, overdue, re-check, referral, with the reason), the two-way referral
// list with a button for each legal next state, the care measures of the selected area, and a
// resident's record with the log of who read it. A `resident` user sees only their own record.
// Routes: #/care, #/care/team/T, #/care/facility/C, #/care/resident/KEY. main.js passes its
// helpers in `ui` (h, api, shell, qs, fmt, state); DOM is built with textContent only.
import { getLang, localTime, dataLang } from './i18n.js';
import { whoami, allowedSteps, followupForm, referralForm, contractForm, confirmStep, followupChart, queuePanel, wireOffline, queued, fw } from './care_forms.js';

const words = {
  zh: {
    nav: '家庭医生工作台', title: '家庭医生工作台', teams: '家庭医生团队', noTeams: '范围内没有家庭医生团队',
    worklist: '今日工作清单', date: '日期', all: '含未到期', name: '姓名', idNumber: '身份证号', village: '村(社区)',
    disease: '病种', action: '事项', status: '状态', due: '应办日期', daysOverdue: '超期天数', reason: '原因',
    hypertension: '高血压', diabetes: '2型糖尿病', referrals: '双向转诊', overdueOnly: '仅超期未到诊',
    from: '转出机构', to: '转入', priority: '签约优先', inCounty: '县域内', requested: '申请时间', next: '下一步',
    measures: '签约与慢病管理指标', area: '地区', record: '居民健康档案', back: '返回工作台', accessLog: '查阅记录（谁看过我的档案）',
    at: '时间', user: '查阅人', sex: '性别', birth: '出生日期', age: '年龄', household: '户号', keyGroups: '重点人群',
    contract: '当前签约', contracts: '签约记录', team: '团队', package: '服务包', start: '开始', end: '结束', teamPhone: '团队电话',
    chronic: '慢病管理', none: '无', yes: '是', no: '否', total: '合计', shown: '共', rows: '条', showing: '显示', ofTotal: '/ 共', prevPage: '上一页', nextPage: '下一页',
    countsOnly: '您的角色只能查看汇总数据，不显示居民个人信息', hospitalTitle: '转诊接收（本院）', todo: '操作',
    followups: '随访记录', sbp: '收缩压', dbp: '舒张压', glucose: '血糖', by: '随访人', medication: '用药', note: '备注',
    find: '查档案', findPlaceholder: '身份证号或居民编号', nextVisit: '慢病管理与下次随访', enrolled: '纳入管理', myRecord: '我的健康档案', generated: '（生成数据）', transitionFailed: '操作未成功',
    rate_contracting_rate: '签约率', rate_key_group_contracting_rate: '重点人群签约率', rate_renewal_rate: '续约率',
    rate_htn_standard_management_rate: '高血压规范管理率', rate_dm_standard_management_rate: '糖尿病规范管理率',
    rate_htn_control_rate: '高血压控制率', rate_dm_control_rate: '糖尿病控制率', rate_in_county_share: '县域内上转占比',
    st_due: '到期', st_overdue: '超期', st_scheduled: '未到期',
    act_show: '查看档案', act_list: '居民列表', act_worklist: '工作清单', act_referrals: '转诊列表', act_access_log: '查看查阅记录',
    act_denied: '越权访问被拒绝', act_followups: '随访记录', act_contracts: '签约列表',
    act_followup_add: '记录随访', act_contract_add: '签约', act_renew_add: '续约', act_end_add: '解约', act_referral_add: '发起转诊',
    act_enrolment_add: '纳入慢病管理', act_resident_add: '建档', act_followup_preview: '随访判定',
    role_doctor: '家庭医生', role_hospital: '医院', role_cdc: '疾控', role_planner: '规划', role_county: '区县', role_facility: '机构',
    role_admin: '管理员', role_resident: '本人', localTime: '（北京时间）',
    ref_requested: '申请上转', ref_accepted: '接收', ref_rejected: '拒绝', ref_arrived: '到诊', ref_completed: '诊疗完成',
    ref_down_referred: '下转', ref_received: '基层接收',
  },
  en: {
    nav: 'Family doctors', title: 'Family-doctor workbench', teams: 'Family-doctor teams', noTeams: 'No family-doctor team in your scope',
    worklist: 'Worklist', date: 'Date', all: 'include not yet due', name: 'Name', idNumber: 'ID number', village: 'Village',
    disease: 'Disease', action: 'Action', status: 'Status', due: 'Due', daysOverdue: 'Days overdue', reason: 'Reason',
    hypertension: 'hypertension', diabetes: 'type-2 diabetes', referrals: 'Two-way referrals', overdueOnly: 'overdue arrivals only',
    from: 'From', to: 'To', priority: 'Priority', inCounty: 'In county', requested: 'Requested', next: 'Next step',
    measures: 'Contracting and chronic-disease measures', area: 'Area', record: 'Resident record', back: 'Back to the workbench',
    accessLog: 'Access log (who read this record)', at: 'Time', user: 'Read by', sex: 'Sex', birth: 'Birth date', age: 'Age',
    household: 'Household', keyGroups: 'Key groups', contract: 'Current contract', contracts: 'Contracts', team: 'Team', teamPhone: 'Team phone',
    package: 'Package', start: 'Start', end: 'End', chronic: 'Chronic disease management', none: 'none', yes: 'yes', no: 'no',
    countsOnly: 'Your role sees aggregates only; no named resident is shown', hospitalTitle: 'Referrals to this hospital', todo: 'Actions',
    followups: 'Follow-ups', sbp: 'SBP', dbp: 'DBP', glucose: 'Glucose', by: 'By', medication: 'Medication', note: 'Note',
    total: 'Total', shown: 'Total:', rows: 'rows', showing: 'showing', ofTotal: 'of', prevPage: 'Previous', nextPage: 'Next', find: 'Open', findPlaceholder: 'ID number or resident id', nextVisit: 'Chronic disease management: next visit', enrolled: 'Enrolled', myRecord: 'My health record', generated: '(generated data)',
    transitionFailed: 'Not done',
    rate_contracting_rate: 'Contracting rate', rate_key_group_contracting_rate: 'Key-group contracting rate', rate_renewal_rate: 'Renewal rate',
    rate_htn_standard_management_rate: 'Hypertension managed to standard', rate_dm_standard_management_rate: 'Diabetes managed to standard',
    rate_htn_control_rate: 'Hypertension control rate', rate_dm_control_rate: 'Diabetes control rate', rate_in_county_share: 'In-county share of up-referrals',
    st_due: 'due', st_overdue: 'overdue', st_scheduled: 'scheduled',
    act_show: 'record read', act_list: 'resident list', act_worklist: 'worklist', act_referrals: 'referral list', act_access_log: 'access log read',
    act_denied: 'refused (outside scope)', act_followups: 'follow-ups', act_contracts: 'contract list',
    act_followup_add: 'follow-up recorded', act_contract_add: 'contract signed', act_renew_add: 'contract renewed', act_end_add: 'contract ended',
    act_referral_add: 'referral made', act_enrolment_add: 'enrolled', act_resident_add: 'registered', act_followup_preview: 'follow-up checked',
    role_doctor: 'family doctor', role_hospital: 'hospital', role_cdc: 'CDC', role_planner: 'planner', role_county: 'county', role_facility: 'facility',
    role_admin: 'administrator', role_resident: 'the resident', localTime: '(Beijing time)',
    ref_requested: 'request', ref_accepted: 'accept', ref_rejected: 'reject', ref_arrived: 'arrived', ref_completed: 'completed',
    ref_down_referred: 'refer down', ref_received: 'received',
  },
};
const w = (k) => (words[getLang()] && words[getLang()][k]) || words.zh[k] || k;
// Stored ids (sex, key groups, service packages) shown in the user's language.
const LABELS = {
  zh: { male: '男', female: '女', hypertension: '高血压患者', diabetes: '2型糖尿病患者', severe_mental_illness: '严重精神障碍患者',
    tuberculosis: '肺结核患者', disabled: '残疾人', pregnant: '孕产妇', elderly: '65岁及以上老年人', child: '0-6岁儿童',
    basic: '基础包', chronic: '慢病包', maternal_child: '母婴包', mental: '严重精神障碍包', personalised: '个性化包' },
  en: { male: 'male', female: 'female', hypertension: 'hypertension', diabetes: 'type-2 diabetes',
    severe_mental_illness: 'severe mental illness', tuberculosis: 'tuberculosis', disabled: 'disabled',
    pregnant: 'pregnant or postpartum', elderly: 'aged 65+', child: 'child 0-6', basic: 'basic package',
    chronic: 'chronic-disease package', maternal_child: 'mother-and-child package', mental: 'severe-mental-illness package',
    personalised: 'personalised package' },
};
const PACKAGE_OF = { elderly: { zh: '老年人包', en: 'older-people package' }, tuberculosis: { zh: '肺结核包', en: 'tuberculosis package' },
  disabled: { zh: '残疾人包', en: 'disability package' } };
// The API gives some of these already in Chinese (the record's sex and key groups): map them
// back to their ids first so that English shows English.
const ID_OF = Object.fromEntries(Object.entries(LABELS.zh).map(([id, zh]) => [zh, id]));
const label = (v) => { const id = ID_OF[v] || v; return (LABELS[getLang()] && LABELS[getLang()][id]) || v; };
const labels = (list) => (list || '').split(/[;,、]/).filter(Boolean).map(label).join(getLang() === 'zh' ? '、' : ', ');
const pkg = (id) => (PACKAGE_OF[id] && PACKAGE_OF[id][getLang()]) || label(id);
const RATES = ['contracting_rate', 'key_group_contracting_rate', 'renewal_rate', 'htn_standard_management_rate',
  'dm_standard_management_rate', 'htn_control_rate', 'dm_control_rate'];

// The header link to the workbench (staff only).
export function careNav(h, me) {
  if (!me || me.role === 'resident') return null;
  return h('a', { href: '#/care', id: 'care-nav' }, w('nav'));
}

// Handles the care routes; returns true when it did. Residents are always sent to their record.
let inflight = null;
export async function careRoute(ui) {
  const hash = location.hash;
  // login calls route() and the hash change calls it again: while a care page is being built,
  // a second request for the same page is dropped (one read of a record, not two)
  // (keyed by the session too: a page left loading at logout must not hold back the next user's)
  const key = ui.state.session + hash;
  if (hash.startsWith('#/care') && key === inflight) return true;
  inflight = key;
  try { return await careRouteNow(ui, hash); } finally { if (inflight === key) inflight = null; }
}

async function careRouteNow(ui, hash) {
  if (ui.state.me.role === 'resident') {
    if (!/^#\/care\/resident\/me$/.test(hash)) { location.hash = '#/care/resident/me'; return true; }
    await renderResident(ui, 'me');
    return true;
  }
  let m;
  if ((m = hash.match(/^#\/care\/resident\/([0-9Xx]{1,18})$/))) { await renderResident(ui, m[1]); return true; }
  if ((m = hash.match(/^#\/care\/(team|facility)\/([A-Za-z0-9._-]{1,64})$/))) { await renderWorkbench(ui, m[1], m[2]); return true; }
  if (hash === '#/care') { await renderWorkbench(ui, null, null); return true; }
  return false;
}

function page(ui, side) {
  const { h } = ui;
  const shell = ui.shell([]);
  shell.side.replaceChildren(...side.filter(Boolean));
  shell.main.classList.add('care');
  return { h, main: shell.main };
}

// Stored text as it is (see dataLang in i18n.js): names of people, teams, villages and
// facilities, and what a user typed (a referral's reason, a note), marked Chinese when it is, so
// that English mode shows it unchanged and says which language it is in.
const nm = (h, text) => h('span', { lang: dataLang(text) }, text ?? '');
// A referral's state in the user's language (the answer gives the id and the Chinese word).
const refState = (r) => (getLang() === 'zh' ? r.state_zh : w('ref_' + r.state));

// ---- workbench ------------------------------------------------------------------------------
const view = { date: '', all: false, overdue: false, measuresUnder: '', wlOffset: 0 };
// rows of the worklist per page: a team's list runs to hundreds; only the rows shown are read
const WL_PAGE = 50;

// Planners, county and CDC users: the measures only (no named resident).
async function renderCounts(ui) {
  const { h } = ui;
  const { main } = page(ui, []);
  const meas = h('section', { class: 'panel', id: 'care-measures' }, h('h2', {}, w('measures')));
  main.append(h('h1', {}, w('measures')), h('p', { class: 'muted', id: 'counts-only' }, w('countsOnly')), meas);
  await renderMeasures(ui, [ui.state.me.scope], meas);
}

// A receiving hospital: the referrals addressed to it, with its steps.
async function renderHospital(ui, me) {
  const { h } = ui;
  const { main } = page(ui, []);
  const refs = h('section', { class: 'panel', id: 'referrals' }, h('h2', {}, w('referrals')));
  main.append(h('h1', {}, w('hospitalTitle')), refs);
  await renderReferrals(ui, me.scope, refs, {}, me);
}

async function renderWorkbench(ui, kind, code) {
  const { h, api } = ui;
  const me = await whoami(ui);
  wireOffline(ui);
  if (!me.named) return renderCounts(ui);
  if (me.role === 'hospital') return renderHospital(ui, me);
  let teams = (await api('/care/teams')).teams;
  if (me.role === 'doctor') teams = teams.filter((t) => t.code === me.team);
  if (!kind && teams.length) { location.hash = `#/care/team/${encodeURIComponent(teams[0].code)}`; return; }
  const byFacility = {};
  for (const t of teams) (byFacility[t.facility] ||= { name: t.facility_name, area: t.area_code, teams: [] }).teams.push(t);
  const find = h('form', { class: 'care-find', id: 'care-find', onsubmit: (ev) => {
    ev.preventDefault();
    const v = ev.target.elements.key.value.trim();
    if (/^[0-9]{17}[0-9Xx]$|^[0-9]{1,17}$/.test(v)) location.hash = '#/care/resident/' + v.toUpperCase();
  } }, h('input', { name: 'key', id: 'care-find-key', placeholder: w('findPlaceholder'), maxlength: '18', autocomplete: 'off' }),
    h('button', { type: 'submit' }, w('find')));
  const side = [find, h('h2', {}, w('teams')), teams.length ? h('ul', { class: 'tree', id: 'care-teams' },
    Object.entries(byFacility).map(([fc, f]) => h('li', {},
      h('a', { href: `#/care/facility/${encodeURIComponent(fc)}`, class: kind === 'facility' && code === fc ? 'current' : null, 'data-facility': fc, lang: dataLang(f.name) }, f.name),
      h('ul', {}, f.teams.map((t) => h('li', {}, h('a', { href: `#/care/team/${encodeURIComponent(t.code)}`,
        class: kind === 'team' && code === t.code ? 'current' : null, 'data-team': t.code, lang: dataLang(t.name) }, t.name))))))) : h('p', { class: 'muted' }, w('noTeams'))];
  const { main } = page(ui, side);
  const unit = kind === 'team' ? teams.find((t) => t.code === code) : byFacility[code] ? { name: byFacility[code].name, area_code: byFacility[code].area } : null;
  main.append(h('h1', {}, w('title'), unit ? [' · ', nm(h, unit.name)] : ''),
    unit && unit.phone ? h('p', { id: 'team-phone' }, w('teamPhone'), ' ', phoneLink(h, unit.phone, unit.generated)) : null, queuePanel(ui));
  if (!kind) return;
  const area = unit ? unit.area_code : ui.state.me.scope;
  const cards = h('section', { class: 'cards', id: 'care-cards' });
  const wl = h('section', { class: 'panel', id: 'worklist' }, h('h2', {}, w('worklist')));
  const refs = h('section', { class: 'panel', id: 'referrals' }, h('h2', {}, w('referrals')));
  const meas = h('section', { class: 'panel', id: 'care-measures' }, h('h2', {}, w('measures')));
  main.append(cards, wl, refs, meas);
  if (!view.measuresUnder) view.measuresUnder = area;
  await Promise.all([
    renderWorklist(ui, kind, code, wl, cards, me),
    renderReferrals(ui, area, refs, Object.fromEntries(Object.entries(byFacility).map(([fc, f]) => [fc, f.name])), me),
    renderMeasures(ui, [area, ui.state.me.scope], meas),
  ]).catch((e) => main.append(h('p', { class: 'error' }, e.message)));
}

// A team's phone number as a tap-to-call link (generated demo numbers say so).
function phoneLink(h, phone, generated) {
  if (!phone) return null;
  return h('span', { class: 'team-phone' }, h('a', { href: 'tel:' + phone.replace(/-/g, ''), class: 'tel' }, phone),
    generated ? h('small', { class: 'muted' }, ' ' + w('generated')) : null);
}

async function renderWorklist(ui, kind, code, box, cards, me) {
  const { h, api, qs } = ui;
  if (view.wlFor !== `${kind}/${code}`) Object.assign(view, { wlFor: `${kind}/${code}`, wlOffset: 0 }); // another list: its first page
  const data = await api('/care/worklist' + qs({ [kind]: code, date: view.date, all: view.all ? '1' : '', limit: WL_PAGE, offset: view.wlOffset || '' }));
  // the list got shorter than the page shown (rows done meanwhile): back to the first page
  if (!data.rows.length && data.offset > 0) { view.wlOffset = 0; return renderWorklist(ui, kind, code, box, cards, me); }
  view.date = data.date;
  const waiting = new Set((await queued().catch(() => [])).filter((x) => x.state === 'pending' && x.path === '/care/followups')
    .map((x) => `${x.body.resident}/${x.body.disease}`));
  box.replaceChildren(h('h2', {}, w('worklist')));
  const redo = () => renderWorklist(ui, kind, code, box, cards, me);
  const after = (r) => { box.dataset.saved = r.queued ? 'queued' : 'stored'; redo(); };
  const actions = (r) => me.may_record ? [
    r.disease ? h('button', { class: 'small', 'data-act': 'followup', onclick: () => followupForm(ui,
      { resident: r.resident_id, name: r.name, disease: r.disease, date: data.date }, after) }, fw('recordFollowup')) : null,
    r.action === 'refer' ? h('button', { class: 'small warnbtn', 'data-act': 'refer', onclick: () => referralForm(ui,
      { resident: r.resident_id, name: r.name, reason: r.reason }, () => Promise.all([redo(), renderReferralsAgain()])) }, fw('refer')) : null,
    waiting.has(`${r.resident_id}/${r.disease}`) ? h('span', { class: 'badge pending' }, fw('pending')) : null] : [];
  box.append(h('div', { class: 'filters' },
    h('label', {}, w('date'), h('input', { type: 'date', id: 'care-date', value: data.date, onchange: (ev) => { view.date = ev.target.value; view.wlOffset = 0; redo(); } })),
    h('label', {}, h('input', { type: 'checkbox', id: 'care-all', checked: view.all ? true : null, onchange: (ev) => { view.all = ev.target.checked; view.wlOffset = 0; redo(); } }), w('all'))));
  // the cards count every row of the worklist (by_action), not only the page shown
  cards.replaceChildren(...data.by_action.map((c) => h('div', { class: 'card stat care-' + c.action },
    h('div', { class: 'num' }, c.rows), h('div', { class: 'label' }, `${c.action_label}${c.overdue ? ` · ${w('st_overdue')} ${c.overdue}` : ''}`))));
  const end = data.offset + data.rows.length;
  const go = (off) => { view.wlOffset = off; redo(); };
  box.append(h('div', { class: 'pager wl-pager' },
    h('button', { class: 'wl-prev', disabled: data.offset === 0 ? true : null, onclick: () => go(Math.max(0, data.offset - data.limit)) }, w('prevPage')),
    h('span', { class: 'wl-range muted' }, `${w('showing')} ${data.rows.length ? data.offset + 1 : 0}–${end} ${w('ofTotal')} ${data.total} ${w('rows')} · ${data.date}`),
    h('button', { class: 'wl-next', disabled: end >= data.total ? true : null, onclick: () => go(data.offset + data.limit) }, w('nextPage'))));
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'worklist-table' },
    h('thead', {}, h('tr', {}, [w('status'), w('name'), w('idNumber'), w('village'), w('disease'), w('action'), w('due'), w('daysOverdue'), w('reason'), me.may_record ? w('todo') : null].filter(Boolean).map((l) => h('th', {}, l)))),
    h('tbody', {}, data.rows.map((r) => h('tr', { class: 'wl-' + r.status, 'data-resident': r.resident_id, 'data-action': r.action, 'data-disease': r.disease || '' },
      h('td', {}, h('span', { class: 'badge st-' + r.status }, w('st_' + r.status))),
      h('td', {}, h('a', { href: '#/care/resident/' + r.resident_id, class: 'resident-link', lang: dataLang(r.name) }, r.name)),
      h('td', { class: 'mono' }, r.id_number), h('td', { lang: dataLang(r.village) }, r.village), h('td', {}, r.disease ? w(r.disease) : ''),
      h('td', {}, h('span', { class: 'act act-' + r.action }, r.action_label)), h('td', {}, r.due_date),
      h('td', {}, r.days_overdue > 0 ? r.days_overdue : ''), h('td', { class: 'reason' }, r.reason),
      me.may_record ? h('td', { class: 'actions' }, actions(r)) : null))))));
}
let renderReferralsAgain = async () => {};

async function renderReferrals(ui, area, box, facilityNames = {}, me = null) {
  const { h, api, qs } = ui;
  renderReferralsAgain = () => renderReferrals(ui, area, box, facilityNames, me);
  const data = await api('/care/referrals' + qs({ under: area, date: view.date, overdue: view.overdue ? '7' : '' }));
  box.replaceChildren(h('h2', {}, w('referrals')));
  const msg = h('span', { class: 'error', id: 'referral-error' });
  box.append(h('div', { class: 'filters' },
    h('label', {}, h('input', { type: 'checkbox', id: 'ref-overdue', checked: view.overdue ? true : null,
      onchange: (ev) => { view.overdue = ev.target.checked; renderReferrals(ui, area, box, facilityNames, me); } }), w('overdueOnly')), msg));
  const rows = data.rows.filter((r) => view.overdue || r.next.length).concat(data.rows.filter((r) => !view.overdue && !r.next.length));
  box.append(h('p', { class: 'muted' }, `${w('shown')} ${data.total} ${w('rows')}`));
  // every step is final: it asks for confirmation and takes a note
  const move = async (r, to) => {
    msg.textContent = '';
    const note = await confirmStep(ui, `${w('ref_' + to)} · ${r.name}`, `${facilityNames[r.from_facility] || r.from_facility} → ${r.to}`);
    if (note === null) return;
    try {
      await api(`/care/referrals/${r.referral_id}/transition`, { method: 'POST', body: { state: to, note } });
      await renderReferrals(ui, area, box, facilityNames, me);
    } catch (e) { msg.textContent = `${w('transitionFailed')}: ${e.message}`; }
  };
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'referral-table' },
    h('thead', {}, h('tr', {}, ['#', w('name'), w('from'), w('to'), w('priority'), w('inCounty'), w('requested'), w('status'), w('reason'), w('next')].map((l) => h('th', {}, l)))),
    h('tbody', {}, rows.slice(0, 300).map((r) => h('tr', { 'data-referral': r.referral_id },
      h('td', {}, r.referral_id), h('td', {}, h('a', { href: '#/care/resident/' + r.resident_id, lang: dataLang(r.name) }, r.name)),
      h('td', {}, nm(h, facilityNames[r.from_facility] || r.from_name || r.from_facility)), h('td', {}, nm(h, r.to)), h('td', {}, r.priority ? w('yes') : ''), h('td', {}, r.in_county ? w('yes') : w('no')),
      h('td', {}, localTime(r.requested_at)), h('td', {}, refState(r)), h('td', {}, nm(h, r.reason)),
      h('td', { class: 'actions' }, allowedSteps(me, r.next).map((to) => h('button', { class: 'small', 'data-to': to, onclick: () => move(r, to) }, w('ref_' + to))))))))));
}

async function renderMeasures(ui, areas, box) {
  const { h, api, qs, fmt } = ui;
  const under = view.measuresUnder && areas.includes(view.measuresUnder) ? view.measuresUnder : areas[0];
  const data = await api('/care/measures' + qs({ under, date: view.date }));
  box.replaceChildren(h('h2', {}, w('measures')));
  const opts = [...new Set(areas)];
  box.append(h('div', { class: 'filters' }, h('label', {}, w('area'),
    h('select', { id: 'measures-under', onchange: (ev) => { view.measuresUnder = ev.target.value; renderMeasures(ui, areas, box); } },
      opts.map((a) => { const n = ui.state.names[a] || (a === ui.state.me.scope ? ui.state.me.scope_name || a : a);
        return h('option', { value: a, selected: a === under ? true : null, lang: dataLang(n) }, n); }))),
    h('span', { class: 'muted' }, data.date)));
  const total = data.rows[data.rows.length - 1] || {};
  box.append(h('div', { class: 'cards', id: 'measure-cards' }, RATES.map((k) => h('div', { class: 'card stat' },
    h('div', { class: 'num' }, total[k] === null || total[k] === undefined ? '—' : total[k].toFixed(1) + '%'), h('div', { class: 'label' }, w('rate_' + k))))));
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'measures-table' },
    h('thead', {}, h('tr', {}, [w('area'), ...RATES.map((k) => w('rate_' + k))].map((l) => h('th', {}, l)))),
    h('tbody', {}, data.rows.map((r, i) => h('tr', { class: i === data.rows.length - 1 ? 'total' : null },
      /* the last row is the total, named in the user's language (the answer names it in Chinese) */
      r.area_code === 'total' ? h('td', {}, w('total')) : h('td', { lang: dataLang(r.area) }, r.area || r.area_code),
      RATES.map((k) => h('td', {}, r[k] === null ? '—' : fmt(r[k])))))))));
}

// ---- resident record ------------------------------------------------------------------------
async function renderResident(ui, key) {
  const { h, api, fmt } = ui;
  const resident = ui.state.me.role === 'resident';
  let data, log;
  try {
    data = await api('/care/residents/' + encodeURIComponent(key)); // one read, one access-log row
    log = [...data.access_log].reverse(); // newest first; includes this read
  } catch (e) {
    const { main } = page(ui, []);
    main.append(h('p', { class: 'error', id: 'message' }, e.message), resident ? null : h('p', {}, h('a', { href: '#/care' }, w('back'))));
    return;
  }
  const r = data.resident;
  const me = resident ? { may_record: false } : await whoami(ui).catch(() => ({ may_record: false }));
  const redraw = () => renderResident(ui, key);
  const latest = data.contracts.length ? data.contracts[data.contracts.length - 1] : null;
  const contractActions = me.may_record ? h('div', { class: 'actions', id: 'contract-actions' },
    !r.contract_team ? h('button', { id: 'contract-sign', onclick: () => contractForm(ui, 'sign', { resident: r.resident_id || r.id, team: me.team || '', name: r.name, date: data.date }, redraw) }, fw('sign')) : null,
    latest ? h('button', { id: 'contract-renew', onclick: () => contractForm(ui, 'renew', { contract_id: latest.contract_id, name: r.name }, redraw) }, fw('renew')) : null,
    latest && r.contract_team ? h('button', { id: 'contract-end', class: 'secondary', onclick: () => contractForm(ui, 'end', { contract_id: latest.contract_id, name: r.name, date: data.date }, redraw) }, fw('end')) : null) : null;
  const fuButton = (c) => me.may_record ? h('button', { class: 'small', 'data-act': 'followup', onclick: () => followupForm(ui,
    { resident: r.resident_id || r.id, name: r.name, disease: c.disease, date: data.date }, redraw) }, fw('recordFollowup')) : '';
  const fus = data.followups || [];
  const { main } = page(ui, [h('h2', {}, resident ? w('myRecord') : w('nav')), resident ? null : h('p', {}, h('a', { href: '#/care', id: 'care-back' }, '← ' + w('back')))]);
  const row = (l, v) => h('tr', {}, h('th', {}, l), h('td', {}, v || w('none')));
  main.append(
    h('h1', { id: 'resident-name' }, `${w('record')} · `, nm(h, r.name), r.generated ? h('small', {}, ' ' + w('generated')) : null),
    h('div', { class: 'row' },
      h('section', { class: 'panel' }, h('table', { class: 'kv', id: 'resident-record' },
        row(w('idNumber'), r.id_number), row(w('sex'), label(r.sex)), row(w('birth'), r.birth_date), row(w('age'), String(r.age)),
        row(w('village'), [nm(h, r.village), ` (${r.village_code})`]), row(w('household'), h('span', { 'data-ident': '' }, r.household)), row(w('keyGroups'), labels(r.key_groups)),
        row(w('contract'), r.contract_team ? [nm(h, r.contract_team_name || r.contract_team), ` · ${pkg(r.contract_package)} · ${w('end')} ${r.contract_end}`] : ''),
        r.team_phone ? h('tr', { id: 'resident-team-phone' }, h('th', {}, w('teamPhone')), h('td', {}, phoneLink(h, r.team_phone, r.team_generated))) : null,
        row(w('chronic'), chronicText(r.chronic)))),
      h('section', { class: 'panel', id: 'access-log' }, h('h2', {}, w('accessLog'), h('small', { class: 'muted' }, ' ' + w('localTime'))), h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'access-log-table' },
        h('thead', {}, h('tr', {}, [w('at'), w('user'), w('action')].map((l) => h('th', {}, l)))),
        h('tbody', {}, log.map((x) => h('tr', { class: x.action === 'denied' ? 'denied' : null },
          h('td', {}, localTime(x.at)), h('td', { class: 'reader' }, reader(x).map((p, i) => [i ? ' · ' : '', Array.isArray(p) ? h('span', { 'data-ident': '' }, p[1]) : nm(h, p)])), h('td', {}, w('act_' + x.action))))))))),
    h('section', { class: 'panel', id: 'resident-chronic' }, h('h2', {}, w('nextVisit')), table(h, [w('disease'), w('enrolled'), w('action'), w('status'), w('due'), w('reason'), ''],
      (data.chronic || []).map((c) => [w(c.disease), c.enrolled_on, c.action_label, w('st_' + c.status), c.due_date, c.reason, fuButton(c)]))),
    h('section', { class: 'panel', id: 'resident-followups' }, h('h2', {}, w('followups')), followupChart(ui, fus),
      h('div', { class: 'scroll' }, table(h, [w('due'), w('disease'), w('sbp'), w('dbp'), w('glucose'), w('medication'), w('note'), w('by')],
        [...fus].reverse().map((f) => [f.visit_date, w(f.disease), f.sbp, f.dbp, f.glucose, nm(h, f.medication), nm(h, f.note), f.user_display ? nm(h, f.user_display) : (f.user === 'generated' ? w('generated') : h('span', { 'data-ident': '' }, f.user))])))),
    h('section', { class: 'panel', id: 'resident-contracts' }, h('h2', {}, w('contracts')), contractActions, table(h, [w('team'), w('package'), w('start'), w('end')],
      data.contracts.map((c) => [getLang() === 'zh' ? c.team : h('span', {}, nm(h, c.team), ' (', h('span', { 'data-ident': '' }, c.team_code), ')'), pkg(c.package), c.start_date, c.end_date]))),
    h('section', { class: 'panel' }, h('h2', {}, w('referrals')), table(h, ['#', w('from'), w('to'), w('requested'), w('status'), w('reason')],
      data.referrals.map((x) => [x.referral_id, nm(h, x.from), nm(h, x.to), localTime(x.requested_at), refState(x), nm(h, x.reason)]))));
  void fmt;
}

// Who read a record: display name (or user name), role, facility.
function reader(x) {
  const who = x.display_name || x.user; /* a login name is shown as the identifier it is */
  return [x.display_name ? who : ['span', who], x.role ? w('role_' + x.role) : '', x.facility || ''].filter(Boolean);
}

// "hypertension(since 2025-01-01);diabetes(...)" in the reader's language
function chronicText(s) {
  if (!s) return '';
  return s.split(';').map((x) => {
    const m = x.match(/^(\w+)\(since ([\d-]+)\)$/);
    return m ? (getLang() === 'zh' ? `${w(m[1])}（${m[2]} 起）` : `${w(m[1])} (since ${m[2]})`) : x;
  }).join(getLang() === 'zh' ? '；' : '; ');
}

function table(h, head, rows) {
  if (!rows.length) return h('p', { class: 'muted' }, w('none'));
  return h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, head.map((l) => h('th', {}, l)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c === null || c === undefined ? '' : c instanceof Node ? c : String(c)))))));
}
