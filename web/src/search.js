// search.js: the header's search box. Finds areas and facilities of the user's scope by name or
// code as one types (GET /api/v1/search), and opens the one chosen. A city holds thousands of
// facilities; nobody should page through them to find one.
import { t, addWords, getLang, dataLang } from './i18n.js';

addWords({ searchPlaceholder: '搜索地区或机构（名称或代码）', searchNone: '无匹配结果', searchArea: '地区' },
  { searchPlaceholder: 'Search areas or facilities (name or code)', searchNone: 'No match', searchArea: 'area' });

// ctx: { h, api, qs }
export function searchBox({ h, api, qs }) {
  const input = h('input', { type: 'search', id: 'search', placeholder: t('searchPlaceholder'), autocomplete: 'off',
    'aria-label': t('searchPlaceholder') });
  const list = h('ul', { class: 'search-results', id: 'search-results', hidden: true });
  let seq = 0, timer = null;
  const target = (x) => (x.kind === 'area' ? '#/area/' : '#/facility/') + encodeURIComponent(x.code);
  async function run() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { list.hidden = true; list.replaceChildren(); return; }
    let items = [];
    try { items = (await api('/search' + qs({ q, limit: '12' }))).items; } catch (e) { items = null; }
    if (mine !== seq) return; /* a newer keystroke's answer wins */
    list.replaceChildren(...(items === null || !items.length ? [h('li', { class: 'muted' }, t('searchNone'))]
      : items.map((x) => h('li', {}, h('a', { href: target(x), 'data-code': x.code, onclick: () => { list.hidden = true; input.value = ''; } },
        h('span', { lang: dataLang(x.name) }, x.name), ' ',
        h('small', { class: 'muted' }, getLang() === 'en' ? x.detail.replace(/_/g, ' ') : x.detail_zh,
          x.place ? [' · ', h('span', { lang: dataLang(x.place) }, x.place)] : null))))));
    list.dataset.query = q; /* which text these results are for */
    list.hidden = false;
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { const a = list.querySelector('a'); if (a) { ev.preventDefault(); a.click(); location.hash = a.getAttribute('href'); } }
    if (ev.key === 'Escape') { list.hidden = true; }
  });
  input.addEventListener('blur', () => setTimeout(() => { list.hidden = true; }, 200));
  return h('div', { class: 'search' }, input, list);
}
