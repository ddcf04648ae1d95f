// Frontdesk service worker: keeps the app shells so a kiosk or tablet that reloads offline starts.
// The desk's shell is /index.html; the kiosk, an app of its own, has /kiosk/index.html.
// Navigations go to the network first and fall back to their cached shell; the hashed assets
// (the desk's wasm parts among them) are cached on install and whenever a new shell arrives,
// read from each shell, and served from the cache first.
const CACHE = "frontdesk-shell-v3";
const SHELLS = ["/index.html", "/kiosk/index.html"];

/// The shell a page of the app starts from.
function shellFor(pathname) {
  return pathname === "/kiosk" || pathname.startsWith("/kiosk/") ? "/kiosk/index.html" : "/index.html";
}

/// Every asset a shell names (`href`/`src` starting with `/`): scripts, styles, the wasm and,
/// for the desk, the parts of its wasm that load when a section first opens
/// (`<link rel="frontdesk-part">`), so every section opens offline.
function assetsOf(html) {
  const assets = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) assets.add(match[1]);
  return assets;
}

/// Caches what a shell names and the cache does not hold yet.
async function cacheAssets(cache, html) {
  await Promise.all([...assetsOf(html)].map(async (url) => {
    if (await cache.match(url)) return;
    try {
      const asset = await fetch(url, { cache: "no-store" });
      if (asset.ok) await cache.put(url, asset);
    } catch (_) { /* cached on first use instead */ }
  }));
}

/// Drops what no cached shell names any more (an older version's assets).
async function prune(cache) {
  const keep = new Set(SHELLS);
  for (const shell of SHELLS) {
    const cached = await cache.match(shell);
    if (cached) for (const url of assetsOf(await cached.text())) keep.add(url);
  }
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

/// Keeps a shell fetched by a navigation; when it is a new version's, fetches its assets now,
/// while online, and forgets the old ones. (Off the navigation's path: the page starts at once.)
async function keepShell(shell, response) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(shell);
  const before = cached ? await cached.text() : null;
  const html = await response.clone().text();
  await cache.put(shell, response);
  if (html === before) return;
  await cacheAssets(cache, html);
  await prune(cache);
}

async function cacheShell() {
  const cache = await caches.open(CACHE);
  for (const shell of SHELLS) {
    const response = await fetch(shell, { cache: "no-store" });
    if (!response.ok) continue;
    const html = await response.clone().text();
    await cache.put(shell, response);
    await cacheAssets(cache, html);
  }
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
    const shell = shellFor(url.pathname);
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok) event.waitUntil(keepShell(shell, response.clone()));
        return response;
      } catch (_) {
        const cached = await caches.match(shell);
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
