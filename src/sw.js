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

/// A page served in place of a missing file (the relay answers unknown paths with the app's
/// page): never kept under an asset's address.
function isPage(response) {
  return (response.headers.get("content-type") || "").startsWith("text/html");
}

/// Caches what a shell names (only what the cache lacks, unless `refresh`); true when every
/// asset is in the cache afterwards.
async function cacheAssets(cache, html, refresh = false) {
  const results = await Promise.all([...assetsOf(html)].map(async (url) => {
    if (!refresh && await cache.match(url)) return true;
    try {
      const asset = await fetch(url, { cache: "no-store" });
      if (!asset.ok || isPage(asset)) return false;
      await cache.put(url, asset);
      return true;
    } catch (_) {
      return !!(await cache.match(url));
    }
  }));
  return results.every(Boolean);
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

/// Keeps a shell fetched by a navigation once everything it names is cached: a new version's
/// assets are fetched now, while online, and the old ones forgotten. Until then the cached shell
/// stays the old one (whose assets are all here), and the next navigation tries again.
/// (Off the navigation's path: the page starts at once.)
async function keepShell(shell, response) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(shell);
  const before = cached ? await cached.text() : null;
  const html = await response.clone().text();
  if (html === before) return;
  if (!(await cacheAssets(cache, html))) return;
  await cache.put(shell, response);
  await prune(cache);
}

/// On install: each shell and everything it names, fetched afresh (the manifest and icon keep
/// their names across versions). A shell whose assets did not all arrive is not kept; the first
/// navigation to it tries again.
async function cacheShell() {
  const cache = await caches.open(CACHE);
  for (const shell of SHELLS) {
    const response = await fetch(shell, { cache: "no-store" });
    if (!response.ok) continue;
    const html = await response.clone().text();
    if (await cacheAssets(cache, html, true)) await cache.put(shell, response);
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
      let response;
      try {
        response = await fetch(request);
      } catch (_) {
        const cached = await caches.match(shell);
        return cached || Response.error();
      }
      if (response.ok) {
        try {
          event.waitUntil(keepShell(shell, response.clone()));
        } catch (_) { /* kept on a later navigation */ }
      }
      return response;
    })());
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && !isPage(response) && url.pathname !== "/sw.js") {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  })());
});
