// Frontdesk service worker: keeps the app shell so a kiosk or tablet that reloads offline starts.
// Navigations go to the network first and fall back to the cached page; the hashed assets are
// cached on install (read from index.html) and served from the cache first.
const CACHE = "frontdesk-shell-v1";

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch("/index.html", { cache: "no-store" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put("/index.html", response);
  const assets = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) assets.add(match[1]);
  await Promise.all([...assets].map(async (url) => {
    try {
      const asset = await fetch(url, { cache: "no-store" });
      if (asset.ok) await cache.put(url, asset);
    } catch (_) { /* cached on first use instead */ }
  }));
}

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(cacheShell());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sync" || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok) {
          const cache = await caches.open(CACHE);
          await cache.put("/index.html", response.clone());
        }
        return response;
      } catch (_) {
        const cached = await caches.match("/index.html");
        return cached || Response.error();
      }
    })());
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && url.pathname !== "/sw.js") {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  })());
});
