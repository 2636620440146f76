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
    navArea: '区域概况', navIndicators: '监测指标', navAlerts: '预警处置',
    role_admin: '管理员', role_planner: '规划', role_county: '区县', role_facility: '机构', role_resident: '居民',
    role_doctor: '家庭医生', role_hospital: '医院', role_cdc: '疾控',
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
    navArea: 'Region', navIndicators: 'Indicators', navAlerts: 'Alerts',
    role_admin: 'administrator', role_planner: 'planner', role_county: 'county', role_facility: 'facility', role_resident: 'resident',
    role_doctor: 'family doctor', role_hospital: 'hospital', role_cdc: 'CDC',
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
// English label of a vocabulary id such as general_hospital -> "general hospital".
export function idLabel(id, zh) { return lang === 'zh' && zh ? zh : String(id || '').replace(/_/g, ' '); }
// Lets a screen module (coverage.js, ...) bring its own words: zh and en objects of key -> text.
export function addWords(zh, en) { Object.assign(words.zh, zh); Object.assign(words.en, en); }
