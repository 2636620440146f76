// sw.js: the dashboard's service worker, so that a village doctor with a weak signal can reload the
// page without network. The app shell is cached on install; the workbench's reads (who am I, teams,
// worklist, referrals) are fetched from the network first and kept for the next offline visit.
// Writes are never cached or replayed here: the page keeps its own queue (care_forms.js) and sends
// each write once, with its request_id, when the network returns.
const SHELL = 'hss-shell-v1', DATA = 'hss-data-v1';
const SHELL_FILES = ['/', '/index.html', '/app.js', '/app.css', '/care.css'];
const READS = [/^\/api\/v1\/me$/, /^\/api\/v1\/care\/(whoami|teams|worklist|referrals|measures)$/];

self.addEventListener('install', (ev) => { ev.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_FILES)).then(() => self.skipWaiting())); });
self.addEventListener('activate', (ev) => { ev.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  const shell = SHELL_FILES.includes(url.pathname);
  const read = READS.some((r) => r.test(url.pathname));
  if (!shell && !read) return;
  ev.respondWith(fetch(req).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(shell ? SHELL : DATA).then((c) => c.put(req, copy)); }
    return res;
  }).catch(() => caches.match(req).then((hit) => hit || new Response(JSON.stringify({ error: 'offline' }),
    { status: 503, headers: { 'Content-Type': 'application/json' } }))));
});
