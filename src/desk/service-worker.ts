/**
 * The desk's service worker, as source text. Network first for the page and its script
 * (a new deploy shows at once), the cached copy when the network is down, so a reload
 * in a press room without Wi-Fi still opens the desk and its queue of unsent entries.
 * API calls are never touched: the desk's own outbox decides what to resend.
 */
export const SERVICE_WORKER = `
const CACHE = 'unfold-desk-v1';
const SHELL = ['/desk', '/desk/desk.js'];
self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin || !SHELL.includes(url.pathname)) return;
  e.respondWith(
    fetch(e.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(url.pathname, copy));
        }
        return res;
      })
      .catch(() => caches.match(url.pathname).then((r) => r || Response.error())),
  );
});
`;
