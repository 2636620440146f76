// i18n.js: the dashboard's words in Chinese (default) and English. Data (area and facility
// names) stays as stored.
const words = {
  zh: {
    title: '医疗卫生服务体系', login: '登录', username: '用户名', password: '密码', logout: '退出',
    loginFailed: '登录失败', loading: '加载中…', areas: '区域', map: '地图：边界与机构',
    headline: '主要差距', findings: '评估结果', facilities: '医疗卫生机构', summary: '区域概况',
    status: '状态', measure: '指标', area: '区域', all: '全部', pass: '达标', fail: '未达标', unknown: '未知',
    rule: '规则', observed: '实际', target: '目标', gap: '差距', source: '依据（原文）', facility: '机构',
    exportCsv: '导出 CSV', exportXlsx: '导出 XLSX', type: '类型', grade: '等级', ownership: '举办',
    beds: '床位(编制/开放)', staff: '人员', vehicles: '车辆', back: '返回', population: '常住人口',
    facilitiesN: '机构数', bedsApproved: '编制床位', bedsOpen: '开放床位', ambulances: '救护车', name: '名称',
    code: '代码', noFindings: '评估模块暂不可用：', failCount: '项未达标', none: '无', prev: '上一页', next: '下一页',
    generated: '（生成数据）', lang: 'English', facilityDetail: '机构详情', medcom: '医共体', services: '服务',
    failuresFor: '未达标', total: '合计', shown: '显示', of: '共', yes: '是',
    navArea: '区域概况', navIndicators: '监测指标', navAlerts: '预警处置', navEms: '120急救',
    role_admin: '管理员', role_planner: '规划', role_county: '区县', role_facility: '机构', role_resident: '居民',
    role_doctor: '家庭医生', role_hospital: '医院', role_cdc: '疾控',
    role_unit: '责任单位',
  },
  en: {
    title: 'Health Service System', login: 'Log in', username: 'User name', password: 'Password', logout: 'Log out',
    loginFailed: 'Login failed', loading: 'Loading…', areas: 'Areas', map: 'Map: boundaries and facilities',
    headline: 'Headline gaps', findings: 'Findings', facilities: 'Facilities', summary: 'Summary',
    status: 'Status', measure: 'Measure', area: 'Area', all: 'All', pass: 'pass', fail: 'fail', unknown: 'unknown',
    rule: 'Rule', observed: 'Observed', target: 'Target', gap: 'Gap', source: 'Source (quoted)', facility: 'Facility',
    exportCsv: 'Export CSV', exportXlsx: 'Export XLSX', type: 'Type', grade: 'Grade', ownership: 'Ownership',
    beds: 'Beds (approved/open)', staff: 'Staff', vehicles: 'Vehicles', back: 'Back', population: 'Residents',
    facilitiesN: 'Facilities', bedsApproved: 'Approved beds', bedsOpen: 'Open beds', ambulances: 'Ambulances', name: 'Name',
    code: 'Code', noFindings: 'Evaluation not available: ', failCount: 'failing', none: 'none', prev: 'Previous', next: 'Next',
    generated: '(generated data)', lang: '中文', facilityDetail: 'Facility', medcom: 'Medical community', services: 'Services',
    failuresFor: 'failing', total: 'Total', shown: 'showing', of: 'of', yes: 'yes',
    navArea: 'Region', navIndicators: 'Indicators', navAlerts: 'Alerts', navEms: '120 EMS',
    role_admin: 'administrator', role_planner: 'planner', role_county: 'county', role_facility: 'facility', role_resident: 'resident',
    role_doctor: 'family doctor', role_hospital: 'hospital', role_cdc: 'CDC',
    role_unit: 'responsible unit',
  },
};

let lang = localStorage.getItem('hss.lang') || 'zh';
export function t(key) { return (words[lang] && words[lang][key]) || words.zh[key] || key; }
export function getLang() { return lang; }
export function toggleLang() {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('hss.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}
// The lang attribute for an element showing stored data: a name stored in Chinese (an area, a
// facility, a team, a person, a document's title, a cited sentence) has no English form, so
// English mode shows it as it is, marked as Chinese (a screen reader reads it so, and the English
// scan of tests/server/e2e_lang.mjs passes only what is marked). Text of the dashboard's own is
// never marked: in English mode it must be English.
export function dataLang(text) { return /[\u3400-\u9fff]/.test(String(text ?? '')) ? 'zh-CN' : null; }
// Text in brackets as the language writes them: full-width in Chinese, " (…)" in English.
export function bracket(text) { return lang === 'zh' ? `（${text}）` : ` (${text})`; }
// A colon after a label: full-width in Chinese.
export function colon() { return lang === 'zh' ? '：' : ': '; }
// The separator of a list in a line: 、 in Chinese, a comma in English.
export function listSep() { return lang === 'zh' ? '、' : ', '; }
// The language switch names the other language in that language.
export function switchLang() { return lang === 'zh' ? 'en' : 'zh-CN'; }
// English label of a vocabulary id such as general_hospital -> "general hospital".
export function idLabel(id, zh) { return lang === 'zh' && zh ? zh : String(id || '').replace(/_/g, ' '); }
// A time as the user reads it, in Asia/Shanghai: "YYYY-MM-DD HH:MM". A time with a zone (Z or an
// offset) is converted; one without is a local time already and only loses its "T".
export function localTime(at) {
  if (!at) return '';
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(at)) return String(at).replace('T', ' ').slice(0, 16);
  const d = new Date(at);
  if (isNaN(d)) return at;
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
// Lets a screen module (coverage.js, ...) bring its own words: zh and en objects of key -> text.
export function addWords(zh, en) { Object.assign(words.zh, zh); Object.assign(words.en, en); }

// plan.js (规划实施): tasks, progress reports, saved evaluations, 整改.
addWords({
  navPlan: '规划实施', planTitle: '规划实施与督导', planTab_tasks: '任务清单', planTab_mine: '本单位任务', planTab_evaluations: '评估对比',
  planTab_rect: '整改事项', planTasks: '任务', planOverdue: '逾期', planStale: '本期未报', planDone: '已完成', planUnit: '责任单位',
  planOverdueOnly: '只看逾期', planNoTasks: '暂无任务（请先加载政策包中的任务）', planTask: '任务', planLead: '牵头单位',
  planUnits: '责任单位', planDue: '期限', planLast: '最近报告', planNever: '未报告', planReports: '进展报告', planNoReports: '尚无进展报告',
  planNote: '意见', planAccept: '通过', planReturn: '退回', planReport: '报送进展', planDate: '进展日期', planValue: '完成值',
  planNarrative: '工作进展', planFiles: '佐证材料（PDF、图片、XLSX，每个不超过20MB）', planSubmit: '提交', planPack: '政策包',
  planLabel: '评估名称（如2025年度评估）', planSave: '保存本次评估', planNoEvals: '尚无保存的评估', planTimeline: '评估时间线',
  planCompare: '两次评估对比', planBefore: '之前', planAfter: '之后', planNoChanges: '两次评估之间没有变化', planStandard: '标准',
  planChange: '变化', planAssign: '转为整改', planDeadline: '整改期限', planNoRect: '暂无整改事项', planClosedBy: '已由评估销号',
  planSt_not_started: '未启动', planSt_in_progress: '推进中', planSt_done: '已完成', planSt_blocked: '受阻',
  planRv_pending: '待审核', planRv_accepted: '已通过', planRv_returned: '已退回',
  planCh_newly_failing: '新增未达标', planCh_worse: '差距扩大', planCh_better: '差距缩小', planCh_fixed: '已达标',
  planRect_open: '整改中', planRect_closed: '已销号',
  planPack_lishui: '丽水市', planPack_nanyang: '南阳市', planPack_yiwu: '义乌市', planPack_liaocheng: '聊城市', planPack_national: '国家标准',
}, {
  navPlan: 'Plan', planTitle: 'Plan implementation and supervision', planTab_tasks: 'Tasks', planTab_mine: 'My tasks', planTab_evaluations: 'Evaluations',
  planTab_rect: 'Rectification', planTasks: 'Tasks', planOverdue: 'Overdue', planStale: 'No report this period', planDone: 'Done', planUnit: 'Unit',
  planOverdueOnly: 'Overdue only', planNoTasks: 'No tasks (load a pack\'s tasks first)', planTask: 'Task', planLead: 'Lead unit',
  planUnits: 'Responsible units', planDue: 'Due', planLast: 'Last report', planNever: 'never', planReports: 'Progress reports', planNoReports: 'No reports yet',
  planNote: 'Note', planAccept: 'Accept', planReturn: 'Return', planReport: 'Report progress', planDate: 'As of', planValue: 'Value',
  planNarrative: 'Progress', planFiles: 'Evidence (PDF, images, XLSX, 20 MB each)', planSubmit: 'Submit', planPack: 'Pack',
  planLabel: 'Label (e.g. 2025 annual review)', planSave: 'Save this evaluation', planNoEvals: 'No saved evaluations', planTimeline: 'Timeline',
  planCompare: 'Compare two evaluations', planBefore: 'Before', planAfter: 'After', planNoChanges: 'Nothing changed between them', planStandard: 'Standard',
  planChange: 'Change', planAssign: 'Assign for rectification', planDeadline: 'Deadline', planNoRect: 'No rectification items', planClosedBy: 'closed by evaluation',
  planSt_not_started: 'not started', planSt_in_progress: 'in progress', planSt_done: 'done', planSt_blocked: 'blocked',
  planRv_pending: 'pending', planRv_accepted: 'accepted', planRv_returned: 'returned',
  planCh_newly_failing: 'newly failing', planCh_worse: 'worse', planCh_better: 'better', planCh_fixed: 'fixed',
  planRect_open: 'open', planRect_closed: 'closed',
  planPack_lishui: 'Lishui', planPack_nanyang: 'Nanyang', planPack_yiwu: 'Yiwu', planPack_liaocheng: 'Liaocheng', planPack_national: 'National',
});
