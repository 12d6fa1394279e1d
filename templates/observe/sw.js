/* Service worker of the observers' site: pages network-first with a kept copy, static files cache-first.
   Submissions (POST) are never intercepted: the page keeps unsent forms in IndexedDB itself. */
"use strict";
const VERSION = "{{ version }}";
const STATIC_CACHE = "eom-static-" + VERSION;
const PAGE_CACHE = "eom-pages";
const STATIC_URLS = {{ static_urls|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // The offline page holds nothing personal: it lives with the static files and survives a logout.
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(STATIC_URLS.concat([OFFLINE_URL]));
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("eom-static-") && name !== STATIC_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })()
  );
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html");
}

async function fromNetworkKeepingCopy(request) {
  try {
    const response = await fetch(request);
    // Keep only real pages of the signed-in user: not redirects to the login page, not errors.
    if (response.ok && !response.redirected && response.type === "basic") {
      const cache = await caches.open(PAGE_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: PAGE_CACHE, ignoreVary: true });
    return kept || (await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE, ignoreVary: true })) || Response.error();
  }
}

async function staticFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/admin/") || url.pathname.startsWith("/api/") || url.pathname.startsWith("/accounts/")) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFirst(request));
  } else if (isPage(request)) {
    event.respondWith(fromNetworkKeepingCopy(request));
  }
});

// The home page asks to keep the forms of the team's plan, so they open without a network.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache" && Array.isArray(data.urls)) {
    event.waitUntil(
      (async () => {
        const cache = await caches.open(PAGE_CACHE);
        for (const path of data.urls) {
          const url = new URL(path, self.location.origin);
          if (url.origin !== self.location.origin) continue;
          try {
            const response = await fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } });
            if (response.ok && !response.redirected) await cache.put(url, response);
          } catch (error) {
            return;
          }
        }
      })()
    );
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});
